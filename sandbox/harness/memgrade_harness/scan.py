"""Static flags: constructs in the student's source that an instructor should review.

Flags are not penalties.  They name the file, line and construct; a submission that uses
them is graded like any other, and the instructor sees the flags next to the score.
Severity: "high" (a way to reach or fake the grader), "medium" (process/fd control,
dynamic code), "low" (legitimate in a memory course but worth a look, e.g. gc.get_referrers).
"""

import ast

FRAME_ATTRS = {"f_back", "f_locals", "f_globals", "f_builtins", "f_code", "f_trace", "tb_frame",
               "tb_next", "gi_frame", "cr_frame", "ag_frame", "gi_code", "cr_code", "f_lasti"}
CODE_ATTRS = {"__code__", "__globals__", "__closure__", "__subclasses__", "__builtins__",
              "__traceback__", "__func__", "__self__", "__reduce_ex__", "__mro__", "__bases__"}
HIGH_ATTRS = {"f_back", "f_locals", "f_globals", "f_builtins", "tb_frame", "gi_frame",
              "cr_frame", "ag_frame", "__code__", "__globals__", "__subclasses__", "__builtins__",
              "f_code"}
MODULE_IMPORTS = {
    "signal": ("high", "imports signal (signal handlers receive the grader's frame)"),
    "ctypes": ("high", "imports ctypes (raw memory access)"),
    "_ctypes": ("high", "imports _ctypes (raw memory access)"),
    "cffi": ("high", "imports cffi (raw memory access)"),
    "inspect": ("high", "imports inspect (frame access)"),
    "memgrade_harness": ("high", "imports the grading harness"),
    "faulthandler": ("medium", "imports faulthandler"),
    "builtins": ("medium", "imports builtins"),
    "importlib": ("medium", "imports importlib"),
    "atexit": ("medium", "imports atexit"),
    "subprocess": ("medium", "imports subprocess"),
    "multiprocessing": ("medium", "imports multiprocessing"),
    "threading": ("low", "imports threading"),
    "_thread": ("medium", "imports _thread"),
    "pty": ("medium", "imports pty"),
    "resource": ("medium", "imports resource"),
    "mmap": ("low", "imports mmap"),
    "marshal": ("medium", "imports marshal"),
    "pickle": ("low", "imports pickle"),
    "types": ("low", "imports types"),
    "traceback": ("low", "imports traceback"),
    "memory_profiler": ("medium", "imports memory_profiler"),
    "tracemalloc": ("medium", "imports tracemalloc"),
    "psutil": ("medium", "imports psutil"),
}
# attribute calls on modules: (module, attr) -> (severity, code)
MODULE_CALLS = {
    ("sys", "_getframe"): ("high", "frame-access"),
    ("sys", "_current_frames"): ("high", "frame-access"),
    ("sys", "settrace"): ("high", "trace-hook"),
    ("sys", "setprofile"): ("high", "trace-hook"),
    ("sys", "addaudithook"): ("high", "audit-hook"),
    ("sys", "modules"): ("medium", "sys-modules"),
    ("sys", "exc_info"): ("low", "exc-info"),
    ("sys", "exception"): ("low", "exc-info"),
    ("sys", "stdout"): ("low", "std-streams"),
    ("sys", "stderr"): ("low", "std-streams"),
    ("sys", "__stdout__"): ("medium", "std-streams"),
    ("sys", "exit"): ("low", "exit"),
    ("threading", "settrace"): ("high", "trace-hook"),
    ("threading", "setprofile"): ("high", "trace-hook"),
    ("gc", "get_objects"): ("medium", "gc-introspection"),
    ("gc", "get_referrers"): ("low", "gc-introspection"),
    ("gc", "get_referents"): ("low", "gc-introspection"),
    ("gc", "callbacks"): ("medium", "gc-callbacks"),
    ("gc", "garbage"): ("low", "gc-garbage"),
    ("gc", "set_debug"): ("medium", "gc-debug"),
    ("gc", "freeze"): ("medium", "gc-freeze"),
    ("os", "_exit"): ("high", "process-exit"),
    ("os", "abort"): ("medium", "process-exit"),
    ("os", "kill"): ("high", "signal-processes"),
    ("os", "killpg"): ("high", "signal-processes"),
    ("os", "fork"): ("high", "fork"),
    ("os", "forkpty"): ("high", "fork"),
    ("os", "register_at_fork"): ("medium", "fork"),
    ("os", "write"): ("high", "raw-fd"),
    ("os", "writev"): ("high", "raw-fd"),
    ("os", "pwrite"): ("high", "raw-fd"),
    ("os", "read"): ("medium", "raw-fd"),
    ("os", "dup"): ("medium", "raw-fd"),
    ("os", "dup2"): ("high", "raw-fd"),
    ("os", "close"): ("medium", "raw-fd"),
    ("os", "closerange"): ("high", "raw-fd"),
    ("os", "fdopen"): ("high", "raw-fd"),
    ("os", "open"): ("medium", "raw-fd"),
    ("os", "pipe"): ("low", "raw-fd"),
    ("os", "system"): ("medium", "exec"),
    ("os", "popen"): ("medium", "exec"),
    ("os", "setsid"): ("high", "process-control"),
    ("os", "setpgid"): ("high", "process-control"),
    ("os", "getppid"): ("medium", "process-control"),
    ("os", "environ"): ("low", "environ"),
}
for _n in ("execv", "execve", "execl", "execle", "execlp", "execvp", "execvpe", "spawnv", "spawnl",
           "spawnve", "posix_spawn", "posix_spawnp"):
    MODULE_CALLS[("os", _n)] = ("high", "exec")
MONKEYPATCH_MODULES = {"sys", "gc", "memory_profiler", "tracemalloc", "weakref", "builtins", "os",
                       "time", "psutil", "json", "hmac", "signal", "io", "importlib", "memgrade_harness",
                       "_tracemalloc", "threading"}
DYNAMIC_BUILTINS = {
    "eval": ("medium", "dynamic-code"), "exec": ("medium", "dynamic-code"),
    "compile": ("medium", "dynamic-code"), "__import__": ("medium", "dynamic-import"),
    "globals": ("low", "namespace-access"), "vars": ("low", "namespace-access"),
    "locals": ("low", "namespace-access"), "breakpoint": ("medium", "debugger"),
}
SUSPICIOUS_STRINGS = FRAME_ATTRS | HIGH_ATTRS | {"_getframe", "memgrade", "MEMGRADE1", "getrefcount",
                                                 "clear_refs", "/proc/", "tracemalloc", "memory_usage",
                                                 "_exit", "settrace"}


class _Scanner(ast.NodeVisitor):
    def __init__(self, filename, lines):
        self.filename = filename
        self.lines = lines
        self.flags = []
        self.aliases = {}     # local name -> module name
        self.seen = set()

    def flag(self, node, severity, code, message):
        line = getattr(node, "lineno", 0)
        key = (code, line, message)
        if key in self.seen:
            return
        self.seen.add(key)
        text = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        self.flags.append({"kind": "static", "severity": severity, "code": code, "file": self.filename,
                           "line": line, "message": message, "text": text[:200]})

    # imports ---------------------------------------------------------------
    def _import(self, node, modname, asname):
        top = modname.split(".")[0]
        self.aliases[asname or top] = modname if asname else top
        if top in MODULE_IMPORTS:
            sev, msg = MODULE_IMPORTS[top]
            self.flag(node, sev, "import-" + top, msg)

    def visit_Import(self, node):
        for a in node.names:
            self._import(node, a.name, a.asname)
        self.generic_visit(node)

    def visit_ImportFrom(self, node):
        mod = node.module or ""
        top = mod.split(".")[0]
        if top in MODULE_IMPORTS:
            sev, msg = MODULE_IMPORTS[top]
            self.flag(node, sev, "import-" + top, msg)
        for a in node.names:
            if (top, a.name) in MODULE_CALLS:
                sev, code = MODULE_CALLS[(top, a.name)]
                self.flag(node, sev, code, "imports %s.%s" % (top, a.name))
            if a.name in HIGH_ATTRS or a.name == "*" and top in MONKEYPATCH_MODULES:
                self.flag(node, "medium", "star-import", "from %s import %s" % (mod, a.name))
            self.aliases[a.asname or a.name] = "%s.%s" % (mod, a.name)
        self.generic_visit(node)

    # names -------------------------------------------------------------------
    def _module_of(self, node):
        """If node is Name bound to an imported module (or attribute of one), its dotted name."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id) or (node.id if node.id in ("sys", "gc", "os") else None)
        if isinstance(node, ast.Attribute):
            base = self._module_of(node.value)
            if base:
                return "%s.%s" % (base, node.attr)
        return None

    def visit_Attribute(self, node):
        if node.attr in FRAME_ATTRS:
            self.flag(node, "high" if node.attr in HIGH_ATTRS else "medium", "frame-access",
                      "uses frame attribute .%s" % node.attr)
        elif node.attr in CODE_ATTRS:
            self.flag(node, "high" if node.attr in HIGH_ATTRS else "medium", "introspection",
                      "uses .%s" % node.attr)
        mod = self._module_of(node.value)
        if mod:
            top = mod.split(".")[0]
            key = (top, node.attr) if mod == top else None
            if key in MODULE_CALLS:
                sev, code = MODULE_CALLS[key]
                self.flag(node, sev, code, "uses %s.%s" % (mod, node.attr))
            if isinstance(node.ctx, (ast.Store, ast.Del)) and top in MONKEYPATCH_MODULES:
                self.flag(node, "high", "monkeypatch", "%s %s.%s" % (
                    "assigns to" if isinstance(node.ctx, ast.Store) else "deletes", mod, node.attr))
        self.generic_visit(node)

    def visit_Name(self, node):
        if node.id == "__builtins__":
            self.flag(node, "high", "introspection", "uses __builtins__")
        elif node.id in DYNAMIC_BUILTINS and isinstance(node.ctx, ast.Load):
            sev, code = DYNAMIC_BUILTINS[node.id]
            self.flag(node, sev, code, "uses %s()" % node.id)
        self.generic_visit(node)

    def visit_Call(self, node):
        f = node.func
        if isinstance(f, ast.Name) and f.id in ("setattr", "delattr") and node.args:
            mod = self._module_of(node.args[0])
            if mod and mod.split(".")[0] in MONKEYPATCH_MODULES:
                self.flag(node, "high", "monkeypatch", "%s() on module %s" % (f.id, mod))
        if isinstance(f, ast.Name) and f.id == "getattr" and len(node.args) >= 2:
            name = node.args[1]
            if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
                self.flag(node, "low", "dynamic-getattr", "getattr() with a computed attribute name")
        if isinstance(f, ast.Name) and f.id == "open" and node.args:
            a = node.args[0]
            if isinstance(a, ast.Constant) and isinstance(a.value, (str, bytes)) and \
                    str(a.value).startswith(("/proc", "/dev", "/sys")):
                self.flag(node, "high", "proc-access", "opens %s" % a.value)
        self.generic_visit(node)

    def visit_Constant(self, node):
        if isinstance(node.value, str) and len(node.value) < 200:
            for s in SUSPICIOUS_STRINGS:
                if s in node.value:
                    self.flag(node, "medium", "suspicious-string", "string mentions %r" % s)
                    break
        self.generic_visit(node)

    def visit_Global(self, node):
        self.generic_visit(node)

    def visit_FunctionDef(self, node):
        self._visit_function(node)

    def visit_AsyncFunctionDef(self, node):
        self._visit_function(node)

    def _visit_function(self, node):
        # Code that answers every question with "yes": the classic way to fool equality checks.
        if node.name == "__getattr__" and node.col_offset == 0:
            self.flag(node, "medium", "module-getattr",
                      "defines a module-level __getattr__ (every missing name becomes what it returns)")
        if node.name in ("__eq__", "__contains__") and _returns_only_true(node):
            self.flag(node, "medium", "equals-everything", "%s always returns True" % node.name)
        self.generic_visit(node)


def _returns_only_true(func):
    body = [n for n in func.body if not (isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant))]
    return (len(body) == 1 and isinstance(body[0], ast.Return) and isinstance(body[0].value, ast.Constant)
            and body[0].value.value is True)


def scan_source(source, filename):
    """Flags for one file's source (str). Raises SyntaxError like compile()."""
    tree = ast.parse(source, filename=filename)
    scanner = _Scanner(filename, source.splitlines())
    scanner.visit(tree)
    order = {"high": 0, "medium": 1, "low": 2}
    scanner.flags.sort(key=lambda f: (f["line"], order[f["severity"]], f["code"]))
    return scanner.flags
