"""The process that runs one instructor test (or the import check) as the student's uid.

Started by the supervisor (procs.run) as ``python3 -m memgrade_harness.child``.  It reads
its configuration and a per-child key from stdin (then closes stdin), takes its trusted
references, sends a signed "ready" message, imports the instructor's test module, sets the
memory ceiling, runs the test, and sends one signed "result" message before ``os._exit``.
"""

import os
import sys

# Trusted references first: nothing of the student's has run yet in this interpreter.
from . import _trusted
from . import frame as _frame

_write = _trusted.os_write
_exit = _trusted.os_exit


def _read_config():
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(0, 1 << 16)
        if not chunk:
            break
        data += chunk
    fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(fd, 0)
    os.close(fd)
    return _frame._loads(data.decode("utf-8"))


class _Channel:
    def __init__(self, fd, key):
        self._fd = fd
        self._key = key

    def send(self, document):
        data = _frame.encode(self._key, _frame.CHILD_DOMAIN, document)
        while data:
            n = _write(self._fd, data)
            data = data[n:]


def _check_privileges(cfg):
    """Refuse to run student code with uid 0 or any capability (unless told it is a dev run)."""
    status = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            status[k] = v.split()
    uid = int(status["Uid"][0])
    cap_eff = int(status.get("CapEff", ["0"])[0], 16)
    cap_prm = int(status.get("CapPrm", ["0"])[0], 16)
    if cfg.get("require_drop", True) and (uid == 0 or cap_eff or cap_prm):
        return "child still privileged: uid=%d CapEff=%x CapPrm=%x" % (uid, cap_eff, cap_prm)
    return None


def _set_memory_ceiling(memory_mib):
    """RLIMIT_AS = current address-space size + memory_mib: an over-allocation becomes
    MemoryError in this process instead of an OOM kill of the container."""
    import resource
    if not memory_mib:
        return None
    vm = _trusted.proc_status().get("VmSize", 0)
    limit = vm + int(memory_mib) * (1 << 20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return vm


def _student_map(cfg):
    return {os.path.join(cfg["student_dir"], f): f for f in cfg["student_files"]}


def _setup_paths(cfg):
    from . import errors
    errors.set_student_files(_student_map(cfg))
    if cfg.get("tests_dir"):
        sys.path.insert(0, cfg["tests_dir"])
    sys.path.append(cfg["student_dir"])


def _preload(cfg):
    import importlib
    for name in cfg.get("preload", []):
        importlib.import_module(name)


def run_check(cfg, channel):
    """Parse and scan each student file (no student code runs), then import them."""
    from . import scan
    from .api import Context, set_context, student
    from .errors import StudentError, format_syntax_error

    files = {}
    ok = True
    for fname in cfg["student_files"]:
        path = os.path.join(cfg["student_dir"], fname)
        entry = {"present": os.path.exists(path), "flags": []}
        if entry["present"]:
            try:
                with open(path, "rb") as f:
                    raw = f.read()
                source = raw.decode("utf-8")
                compile(source, path, "exec", dont_inherit=True)
                entry["flags"] = scan.scan_source(source, fname)
            except SyntaxError as exc:
                ok = False
                entry["error"] = format_syntax_error(exc, fname)
            except UnicodeDecodeError as exc:
                ok = False
                entry["error"] = "%s is not valid UTF-8 (byte %d)" % (fname, exc.start)
            except (ValueError, RecursionError, MemoryError) as exc:
                ok = False
                entry["error"] = "%s could not be compiled: %s: %s" % (fname, type(exc).__name__, exc)
        files[fname] = entry
    channel.send({"type": "scan", "files": files})
    if not ok:
        return {"type": "import", "ok": False, "skipped": True}
    set_context(Context(test_name="<import>", student_dir=cfg["student_dir"],
                        student_files=cfg["student_files"], in_test=False))
    _set_memory_ceiling(cfg.get("memory_mib"))
    for fname in cfg["student_files"]:
        if not files[fname]["present"] or not fname.endswith(".py"):
            continue
        try:
            student(fname[:-3])
        except StudentError as exc:
            return {"type": "import", "ok": False, "file": fname, "message": exc.message,
                    "detail": exc.detail, "kind": exc.kind}
        except MemoryError:
            return {"type": "import", "ok": False, "file": fname, "kind": "memory",
                    "message": "%s: importing it ran out of memory (limit %s MiB)" % (fname, cfg.get("memory_mib"))}
    return {"type": "import", "ok": True}


def run_test(cfg, channel):
    import importlib
    from . import api
    from .errors import (HarnessUsageError, MemgradeFailure, StudentError, format_student_exception,
                         full_traceback)

    result = {"type": "result", "status": "grader_error", "message": "", "detail": None,
              "measurements": {}}
    ctx = api.Context(test_name=cfg["test_name"], student_dir=cfg["student_dir"],
                      student_files=cfg["student_files"], reference=cfg.get("reference") or {},
                      memory_mib=cfg.get("memory_mib"), in_test=True)
    api.set_context(ctx)
    try:
        mod = importlib.import_module(cfg["test_module"])
    except BaseException as exc:  # noqa: BLE001
        result["message"] = "The grader's test module could not be loaded (not your fault)."
        result["detail"] = full_traceback(exc)
        return result
    tdef = {t.name: t for t in api.registered(mod.__name__)}.get(cfg["test_name"])
    if tdef is None:
        result["message"] = "The grader's test is missing (not your fault)."
        result["detail"] = "no @test named %r in module %s" % (cfg["test_name"], cfg["test_module"])
        return result
    result["decorator"] = tdef.meta()
    _trusted.gc_collect()
    reserve = bytearray(4 << 20)   # released on MemoryError so that reporting still works
    vm_before = _set_memory_ceiling(cfg.get("memory_mib"))
    t0 = _trusted.perf_counter()
    try:
        tdef.func()
        result["status"] = "passed"
        result["message"] = "passed"
    except MemgradeFailure as exc:
        result.update(status="failed", message=exc.message, detail=exc.detail)
    except StudentError as exc:
        result.update(status="error", message=exc.message, detail=exc.detail)
    except MemoryError as exc:
        del reserve
        where = format_student_exception(exc)
        msg = "ran out of memory: this test's memory ceiling is %s MiB" % cfg.get("memory_mib")
        if where:
            msg += " (at %s)" % where[0].split("\n")[0].split(": MemoryError")[0]
        result.update(status="memory_limit", message=msg)
    except AssertionError as exc:
        # A plain `assert` in the instructor's test: the check failed.
        text = str(exc) or "a check in this test failed"
        formatted = format_student_exception(exc)
        result.update(status="failed", message=text,
                      detail=formatted[1] if formatted else full_traceback(exc))
    except HarnessUsageError as exc:
        result.update(status="grader_error", message="The grader's test is broken (not your fault).",
                      detail="HarnessUsageError: %s\n%s" % (exc, full_traceback(exc)))
    except RecursionError as exc:
        formatted = format_student_exception(exc)
        result.update(status="error", message=formatted[0] if formatted else "RecursionError",
                      detail=formatted[1] if formatted else full_traceback(exc))
    except SystemExit as exc:
        formatted = format_student_exception(exc)
        where = formatted[0].split(":")[0] if formatted else "your code"
        result.update(status="error", message="%s called exit() / sys.exit(%r) during the test" % (where, exc.code))
    except BaseException as exc:  # noqa: BLE001
        formatted = format_student_exception(exc)
        if formatted:
            result.update(status="error", message=formatted[0], detail=formatted[1])
        else:
            result.update(status="grader_error",
                          message="The grader failed while running this test (not your fault).",
                          detail=full_traceback(exc))
    result["duration_ms"] = round((_trusted.perf_counter() - t0) * 1000, 1)
    if not _trusted.gc_isenabled():
        _trusted.gc_enable()
    result["measurements"] = dict(ctx.measurements)
    if ctx.notes:
        result["notes"] = list(ctx.notes)
    if vm_before:
        result["address_space_mib"] = round(vm_before / 1048576, 1)
    return result


def main():
    cfg = _read_config()
    key = bytes.fromhex(cfg.pop("key"))
    channel = _Channel(cfg.pop("result_fd"), key)
    problem = _check_privileges(cfg)
    if problem:
        channel.send({"type": "ready"})
        channel.send({"type": "result", "status": "grader_error", "message": "sandbox error",
                      "detail": problem, "measurements": {}})
        _exit(3)
    _trusted.load_measurement_tools()
    _setup_paths(cfg)
    _preload(cfg)
    _trusted.snapshot_modules()
    channel.send({"type": "ready"})
    if cfg["mode"] == "check":
        result = run_check(cfg, channel)
    else:
        result = run_test(cfg, channel)
    result["changed"] = _trusted.changed_attributes()
    result["threads"] = _trusted.threads_count()
    try:
        channel.send(result)
    except (TypeError, ValueError) as exc:   # a measurement that is not JSON: report that instead
        channel.send({"type": "result", "status": "grader_error", "message": "The grader failed (not your fault).",
                      "detail": "result not serialisable: %s" % exc, "measurements": {}})
    _exit(0)


if __name__ == "__main__":
    try:
        main()
    except BaseException:  # noqa: BLE001 - never fall back to the interpreter's exit path
        import traceback
        traceback.print_exc()
        _exit(4)
