"""The task's files, as the judge reads them: the instructor's sources (kept in the judge's memory,
sent to each process over its stdin) and a private, root-owned copy of the submission.

Only regular files and directories are read or copied, never symlinks, within MAX_COPY_BYTES.
"""

import ast
import os
import shutil
import stat

from .plan import PlanError

MAX_COPY_BYTES = 64 << 20


def _take(budget, size):
    budget[0] -= size
    if budget[0] < 0:
        raise PlanError("task files exceed %d MiB" % (MAX_COPY_BYTES >> 20))


def read_tree(src, budget):
    """{relative path: text} of the regular files under *src* (no symlinks)."""
    out = {}
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(root, name)
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode):
                continue
            _take(budget, st.st_size)
            with open(path, "rb") as f:
                out[os.path.relpath(path, src)] = f.read().decode("utf-8", errors="replace")
    return out


def copy_tree(src, dst, budget):
    """Copy regular files and directories only (no symlinks), root-owned, world-readable."""
    os.mkdir(dst, 0o755)
    os.chmod(dst, 0o755)
    for entry in sorted(os.scandir(src), key=lambda e: e.name):
        if entry.name in ("__pycache__",):
            continue
        target = os.path.join(dst, entry.name)
        st = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(st.st_mode):
            copy_tree(entry.path, target, budget)
        elif stat.S_ISREG(st.st_mode):
            _take(budget, st.st_size)
            shutil.copyfile(entry.path, target, follow_symlinks=False)
            os.chmod(target, 0o644)


def read_instructor_files(task_dir, budget):
    """(tests/ sources, reference/ sources or None): the files only the judge may read."""
    src_tests = os.path.join(task_dir, "tests")
    if not os.path.isdir(src_tests):
        raise PlanError("task has no tests/ directory")
    sources = read_tree(src_tests, budget)
    src_ref = os.path.join(task_dir, "reference")
    return sources, (read_tree(src_ref, budget) if os.path.isdir(src_ref) else None)


def copy_submission(task_dir, work, budget):
    """The submission's private copy in *work* (an empty directory when there is none); its path."""
    student_dir = os.path.join(work, "student")
    src_student = os.path.join(task_dir, "student")
    if os.path.isdir(src_student):
        copy_tree(src_student, student_dir, budget)
    else:
        os.mkdir(student_dir, 0o755)
    return student_dir


def make_scratch(work, name):
    """A directory in *work* where anyone may create files and nobody may list them."""
    path = os.path.join(work, name)
    os.mkdir(path, 0o755)
    os.chmod(path, 0o1733)
    return path


def _test_names_of(decorator):
    """The test name of a ``@test("name", …)`` / ``@mh.test(name="…")`` decorator, else None."""
    if not isinstance(decorator, ast.Call):
        return None
    func = decorator.func
    if not ((isinstance(func, ast.Name) and func.id == "test") or
            (isinstance(func, ast.Attribute) and func.attr == "test")):
        return None
    first = decorator.args[0] if decorator.args else None
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return first.value
    for kw in decorator.keywords:
        if kw.arg == "name" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
            return kw.value.value
    return None


def strip_other_tests(source, keep):
    """*source* with every ``@test`` function except the one named *keep* blanked out (lines kept,
    so line numbers stay true).  A module that cannot be parsed is returned unchanged."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return source
    lines = source.splitlines(True)
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        names = [n for n in (_test_names_of(d) for d in node.decorator_list) if n is not None]
        if not names or keep in names:
            continue
        first = min([d.lineno for d in node.decorator_list] + [node.lineno]) - 1
        for i in range(first, node.end_lineno or node.lineno):
            lines[i] = "\n"
        lines[first] = "pass\n" if not lines[first].startswith((" ", "\t")) else lines[first]
    return "".join(lines)


def _is_test_module(source):
    return "@test(" in source or ".test(" in source


def sources_for(sources, keep_test=None):
    """The instructor modules a process gets: helper modules whole, test modules with every other
    test blanked out (the process of a test never holds another test's code)."""
    return {rel: strip_other_tests(source, keep_test) if _is_test_module(source) else source
            for rel, source in sources.items()}
