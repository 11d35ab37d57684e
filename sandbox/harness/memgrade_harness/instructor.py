"""The instructor's test modules, served from memory to the process that runs them.

The student uid cannot read the exercise's tests/ on disk (the task's files are the judge's
alone); the judge sends each process the sources it needs, with every other test of the module
removed (judge.py).  All of them are compiled here before any student code runs, and their code
objects are what the audit hook trusts as the instructor's (guard.py): a code object the student
makes later is never one of them, whatever file name it claims.
"""

import importlib.abc
import importlib.util
import linecache

PREFIX = "<exercise tests>/"


def _all_codes(code, out):
    out.add(code)
    for const in code.co_consts:
        if type(const) is type(code):
            _all_codes(const, out)


def module_name(relpath):
    name = relpath[:-3] if relpath.endswith(".py") else relpath
    if name.endswith("/__init__"):
        name = name[: -len("/__init__")]
    return name.replace("/", ".")


class InstructorModules(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def __init__(self, sources):
        self._codes = {}
        self._packages = set()
        codes = set()
        self.errors = {}
        for relpath, source in sorted(sources.items()):
            if not relpath.endswith(".py"):
                continue
            name = module_name(relpath)
            filename = PREFIX + relpath
            try:
                code = compile(source, filename, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                self.errors[name] = exc
                continue
            lines = source.splitlines(True)
            linecache.cache[filename] = (len(source), None, lines, filename)
            self._codes[name] = code
            if relpath.endswith("__init__.py"):
                self._packages.add(name)
            _all_codes(code, codes)
        self.trusted_codes = frozenset(codes)

    def find_spec(self, fullname, path=None, target=None):
        if fullname in self.errors:
            raise self.errors[fullname]
        code = self._codes.get(fullname)
        if code is None:
            return None
        return importlib.util.spec_from_loader(fullname, self, origin=code.co_filename,
                                               is_package=fullname in self._packages)

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        code = self._codes[module.__name__]
        module.__file__ = code.co_filename
        exec(code, module.__dict__)
