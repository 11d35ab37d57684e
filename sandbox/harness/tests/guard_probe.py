"""Run by test_guard.py as a fresh interpreter (as the student uid when the suite is root):
harden this process the way child.py does, import the student file given, call each of its
``t_*`` functions and print one JSON object: what each returned or raised, what the instructor's
and the harness's own code could still do, and what guard recorded.

    python3 guard_probe.py STUDENT_DIR '{"processes": false, "allow": []}'
"""

import importlib.util
import json
import os
import sys

HARNESS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, HARNESS)

from memgrade_harness import guard  # noqa: E402
from memgrade_harness.instructor import InstructorModules  # noqa: E402

INSTRUCTOR = '''
import gc
import sys


def use_tools():
    """What an instructor's test may still use after hardening."""
    out = {}
    out["getframe"] = type(sys._getframe()).__name__
    out["referrers"] = isinstance(gc.get_referrers(sys), list)
    out["objects"] = isinstance(gc.get_objects(), list)
    try:
        raise RuntimeError("x")
    except RuntimeError as exc:
        out["tb_frame"] = type(exc.__traceback__.tb_frame).__name__
    import ctypes
    out["ctypes"] = ctypes.sizeof(ctypes.c_int)
    return out
'''


def harness_tools(mod):
    """The harness's own code after hardening: frames and referrers (describing who holds an
    object), tracebacks of student exceptions."""
    from memgrade_harness import _paths, errors
    out = {}
    out["referrer_kinds"] = _paths.referrer_kinds(mod.__dict__)
    try:
        mod.t_raise_for_harness()
    except Exception as exc:  # noqa: BLE001
        formatted = errors.format_student_exception(exc)
        out["formatted"] = formatted[0] if formatted else None
    return out


def main():
    student_dir, cfg = sys.argv[1], json.loads(sys.argv[2])
    path = os.path.realpath(os.path.join(student_dir, "solution.py"))
    from memgrade_harness import errors
    errors.set_student_files({path: "solution.py"})
    modules = InstructorModules({"instr.py": INSTRUCTOR})
    sys.meta_path.insert(0, modules)
    state = guard.harden({path: "solution.py"}, modules.trusted_codes, cfg.get("allow") or (),
                         processes=bool(cfg.get("processes")))
    import instr  # pyright: ignore[reportMissingImports] - served by InstructorModules above
    spec = importlib.util.spec_from_file_location("solution", path)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["solution"] = mod
    results: dict[str, object] = {"hardened": state, "import_blocked": None}
    try:
        spec.loader.exec_module(mod)
    except guard.BlockedOperation as exc:
        results["import_blocked"] = exc.message
    results["after_import"] = guard.blocked()
    checks = {}
    for name in sorted(n for n in vars(mod) if n.startswith("t_") and n != "t_raise_for_harness"):
        before = len(guard.blocked())
        entry: dict[str, object]
        try:
            value = getattr(mod, name)()
            entry = {"ok": repr(value)[:300]}
        except guard.BlockedOperation as exc:
            entry = {"blocked": exc.message, "where": list(exc.where or ())}
        except BaseException as exc:  # noqa: BLE001
            entry = {"error": type(exc).__name__, "errno": getattr(exc, "errno", None), "text": str(exc)[:300]}
        entry["recorded"] = guard.blocked()[before:]
        checks[name] = entry
    results["checks"] = checks
    results["instructor"] = instr.use_tools()
    if hasattr(mod, "t_raise_for_harness"):
        results["harness"] = harness_tools(mod)
    sys.stdout.write(json.dumps(results) + "\n")
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
