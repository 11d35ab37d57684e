"""The out-of-process check runner: an amplified workload in a fresh process.

The supervisor runs this twice per check, as the student's uid: once with only the warm-up
iterations (baseline) and once with warm-up + the amplified count, and reads each process's
peak RSS from ``os.wait4`` (ru_maxrss).  The difference is the check's figure: a function
that keeps each 4 KiB argument grows by ≈ 80 MiB over 20,000 calls, one that does not by
≈ 0.  The verdict is computed by the supervisor, which never imports student code.

Before the measured loop, anything the student's import left that could run code
asynchronously (signal handlers, interval timers, trace/profile functions) is removed, and
the loop re-checks the timer signals after every call.
"""

from . import _trusted
from . import child as _child
from .probes import Probe

_TIMER_SIGS = _trusted._TIMER_SIGNALS
_getsignal = _trusted.signal_getsignal
_gettrace = _trusted.sys_gettrace
_getprofile = _trusted.sys_getprofile


def _dirty():
    for s in _TIMER_SIGS:
        h = _getsignal(s)
        if callable(h):
            return True
    return _gettrace() is not None or _getprofile() is not None


def main():
    cfg = _child._read_config()
    key = bytes.fromhex(cfg.pop("key"))
    channel = _child._Channel(cfg.pop("result_fd"), key)
    problem = _child._check_privileges(cfg)
    if problem:
        channel.send({"type": "ready"})
        channel.send({"type": "error", "kind": "sandbox", "message": problem})
        _trusted.os_exit(3)
    _trusted.snapshot_modules()
    _child._setup_paths(cfg)
    import importlib
    from . import api
    from .errors import StudentError, format_student_exception
    api.set_context(api.Context(test_name="<amplified>", student_dir=cfg["student_dir"],
                                student_files=cfg["student_files"]))
    w = cfg["workload"]
    n = int(cfg["iterations"])
    _child._set_memory_ceiling(cfg.get("memory_mib"))
    channel.send({"type": "ready"})
    found = []
    try:
        if w["kind"] == "custom":
            fn = getattr(importlib.import_module(w["module"]), w["function"])
        else:
            fn = getattr(api.student(w["module"]), w["function"])
        found += _trusted.neutralize_async_code()
        threads = _trusted.threads_count()
        if cfg.get("gc") == "off":
            _trusted.gc_collect()
            _trusted.gc_disable()
        if w["kind"] == "calls":
            nbytes = int(w.get("arg_bytes", 4096))
            for i in range(n):
                fn(Probe(i, nbytes))
                if _dirty():
                    found += ["during call %d: " % i + f for f in _trusted.neutralize_async_code()]
        elif w["kind"] == "build":
            args = list(w.get("args", []))
            for i in range(n):
                fn(*args)
                if _dirty():
                    found += ["during call %d: " % i + f for f in _trusted.neutralize_async_code()]
        else:
            fn(n)
            found += _trusted.neutralize_async_code()
    except StudentError as exc:
        channel.send({"type": "error", "kind": "import", "message": exc.message})
        _trusted.os_exit(0)
    except MemoryError:
        channel.send({"type": "error", "kind": "memory",
                      "message": "ran out of memory (ceiling %s MiB above start)" % cfg.get("memory_mib")})
        _trusted.os_exit(0)
    except BaseException as exc:  # noqa: BLE001
        formatted = format_student_exception(exc)
        channel.send({"type": "error", "kind": "exception",
                      "message": formatted[0] if formatted else "%s: %s" % (type(exc).__name__, exc)})
        _trusted.os_exit(0)
    channel.send({"type": "done", "iterations": n, "found": found[:20], "threads": threads,
                  "changed": _trusted.changed_attributes()})
    _trusted.os_exit(0)


if __name__ == "__main__":
    try:
        main()
    except BaseException:  # noqa: BLE001
        import traceback
        traceback.print_exc()
        _trusted.os_exit(4)
