"""A process that runs student (or reference) code: ``python3 -m memgrade_harness.child``.

Started by the judge (procs.run) under an unprivileged uid.  It reads its configuration from
stdin (then replaces stdin by /dev/null), loads the harness and the exercise's ``preload``, is
hardened (guard.py: kernel, seccomp, audit hook), says ``ready``, and runs one of:

* ``check``     parse + static scan of every student file (no code runs), then import them;
* ``test``      one instructor test; reports its in-process verdict, measurements and answers;
* ``workload``  one out-of-process workload run; reports the workload's answer (its peak RSS is
                read by the judge from wait4, never reported from here);
* ``reference`` the reference solution's answers for every test and workload of the run, in one
                process, under the reference uid (the student uid cannot read or signal it).

Nothing this process says is trusted: every message is plain JSON that the judge parses with
bounds, and no message of it can award a point on its own (judge.py).
"""

import json
import os
import sys

# Trusted references first: nothing of the student's has run yet in this interpreter.
from . import _trusted

_write = _trusted.os_write
_exit = _trusted.os_exit
_dumps = json.dumps


def _read_config():
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(0, 1 << 20)
        if not chunk:
            break
        data += chunk
    fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(fd, 0)
    os.close(fd)
    return json.loads(data.decode("utf-8"))


class _Channel:
    """JSON lines to the judge.  Not signed: the judge treats them as untrusted data."""

    def __init__(self, fd):
        self._fd = fd

    def send(self, document):
        data = (_dumps(document, allow_nan=False) + "\n").encode("utf-8")
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


def _preload(cfg):
    import importlib
    for name in cfg.get("preload", []):
        importlib.import_module(name)


def _write_reference_files(files):
    import tempfile
    root = tempfile.mkdtemp(prefix="reference-")      # 0700, this uid's: the student uid cannot look in
    for rel, text in files.items():
        path = os.path.join(root, rel)
        if os.path.dirname(rel):
            os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
    return root


def _prepare(cfg, phases):
    """Everything before the first line of student code: paths, instructor modules, preload,
    the kept /proc/self/clear_refs descriptor, hardening.  *phases* gets each step's duration."""
    clock = _trusted.perf_counter
    t = clock()

    def lap(name):
        nonlocal t
        now = clock()
        phases[name] = round((now - t) * 1000, 1)
        t = now

    from . import errors, guard
    from .instructor import InstructorModules
    lap("harness_import_ms")
    if cfg["mode"] == "reference":
        cfg["student_dir"] = _write_reference_files(cfg.pop("reference_files", None) or {})
    errors.set_student_files(_student_map(cfg))
    sys.path.append(cfg["student_dir"])
    modules = InstructorModules(cfg.get("sources") or {})
    sys.meta_path.insert(0, modules)
    lap("instructor_ms")
    _trusted.load_measurement_tools()
    lap("measurement_tools_ms")
    _preload(cfg)
    lap("preload_ms")
    if cfg["mode"] != "workload":
        # Never in a workload process: its peak is the judge's evidence, and must not be reset.
        _trusted.keep_clear_refs()
    if cfg.get("harden", True) and cfg["mode"] != "reference":
        guard.harden({os.path.realpath(p): n for p, n in _student_map(cfg).items()},
                     modules.trusted_codes, cfg.get("allow") or (), processes=cfg["mode"] == "test")
    _trusted.snapshot_modules()
    lap("harden_ms")
    return modules


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
        except BaseException as exc:  # noqa: BLE001 - e.g. a BlockedOperation caught nowhere
            return {"type": "import", "ok": False, "file": fname, "kind": "import",
                    "message": "%s: importing it failed: %s" % (fname, type(exc).__name__)}
    return {"type": "import", "ok": True}


def run_test(cfg, test, observe_only=False):
    """One instructor test in this process.  Returns the in-process verdict and the answers."""
    import importlib
    from . import api, evidence, guard
    from .errors import (HarnessUsageError, MemgradeFailure, StudentError, format_student_exception,
                         full_traceback)

    result = {"status": "grader_error", "message": "", "detail": None, "measurements": {},
              "answers": {"items": [], "overflow": False}, "blocked": []}
    ctx = api.Context(test_name=test["name"], student_dir=cfg["student_dir"],
                      student_files=cfg["student_files"], reference=cfg.get("reference") or {},
                      memory_mib=test.get("memory_mib"), in_test=True, observe_only=observe_only)
    api.set_context(ctx)
    evidence.clear_answers()
    evidence.reseed(cfg["run_seed"], test["id"])
    blocked_before = len(guard.blocked())
    try:
        mod = importlib.import_module(test["module"])
    except BaseException as exc:  # noqa: BLE001
        result["message"] = "The grader's test module could not be loaded (not your fault)."
        result["detail"] = full_traceback(exc)
        return result
    tdef = {t.name: t for t in api.registered(mod.__name__)}.get(test["name"])
    if tdef is None:
        result["message"] = "The grader's test is missing (not your fault)."
        result["detail"] = "no @test named %r in module %s" % (test["name"], test["module"])
        return result
    result["decorator"] = tdef.meta()
    _trusted.gc_collect()
    reserve = bytearray(4 << 20)   # released on MemoryError so that reporting still works
    vm_before = None if observe_only else _set_memory_ceiling(test.get("memory_mib"))
    t0 = _trusted.perf_counter()
    try:
        tdef.func()
        result["status"] = "passed"
        result["message"] = "passed"
    except guard.BlockedOperation as exc:
        result.update(status="blocked", message=exc.message)
    except MemgradeFailure as exc:
        result.update(status="failed", message=exc.message, detail=exc.detail)
    except StudentError as exc:
        result.update(status="error", message=exc.message, detail=exc.detail)
    except MemoryError as exc:
        del reserve
        where = format_student_exception(exc)
        msg = "ran out of memory: this test's memory ceiling is %s MiB" % test.get("memory_mib")
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
    except BaseException as exc:  # noqa: BLE001 - SystemExit, KeyboardInterrupt, GeneratorExit too
        formatted = format_student_exception(exc)
        if isinstance(exc, (SystemExit, KeyboardInterrupt, GeneratorExit)):
            where = formatted[0].split(":")[0] if formatted else "your code"
            result.update(status="error", message="%s raised %s during the test; the test is not counted"
                          % (where, type(exc).__name__))
        elif formatted:
            result.update(status="error", message=formatted[0], detail=formatted[1])
        elif _raised_in_instructor_code(exc):
            # The test tripped over what the student's code gave it (None instead of a document…).
            result.update(status="error", message="the test could not use what your code returned: %s: %s"
                          % (type(exc).__name__, str(exc)[:300]), detail=full_traceback(exc))
        else:
            result.update(status="grader_error",
                          message="The grader failed while running this test (not your fault).",
                          detail=full_traceback(exc))
    result["duration_ms"] = round((_trusted.perf_counter() - t0) * 1000, 1)
    if not _trusted.gc_isenabled():
        _trusted.gc_enable()
    refused = guard.blocked()[blocked_before:]
    if refused and result["status"] in ("passed", "failed", "error"):
        result.update(status="blocked", message=refused[0]["message"])
    result["blocked"] = refused
    result["measurements"] = dict(ctx.measurements)
    result["answers"] = evidence.answers()
    if ctx.notes:
        result["notes"] = list(ctx.notes)
    if vm_before:
        result["address_space_mib"] = round(vm_before / 1048576, 1)
    return result


def _raised_in_instructor_code(exc):
    """True when the innermost frame of *exc* is the instructor's test code."""
    from .instructor import PREFIX
    tb = exc.__traceback__
    last = None
    while tb is not None:
        last = tb
        tb = tb.tb_next
    return last is not None and last.tb_frame.f_code.co_filename.startswith(PREFIX)


def run_workload(cfg, workload, iterations):
    """One out-of-process workload run.  Returns {"answer": …} or {"error": …}; the memory figure
    is the kernel's (the judge reads this process's peak RSS when it exits)."""
    import importlib
    from . import api, evidence, guard
    from .errors import StudentError, format_student_exception
    from .probes import Probe

    api.set_context(api.Context(test_name="<amplified>", student_dir=cfg["student_dir"],
                                student_files=cfg["student_files"]))
    evidence.reseed(cfg["run_seed"], "amplified:" + workload["id"])
    w = workload["workload"]
    n = int(iterations)
    try:
        if w["kind"] == "custom":
            fn = getattr(importlib.import_module(w["module"]), w["function"])
        else:
            fn = getattr(api.student(w["module"]), w["function"])
        if workload.get("gc") == "off":
            _trusted.gc_collect()
            _trusted.gc_disable()
        if w["kind"] == "custom":
            value = evidence.plain(fn(n))
        else:
            digest = _Digest()
            nbytes = int(w.get("arg_bytes", 4096))
            args = list(w.get("args", []))
            for i in range(n):
                digest.add(fn(Probe(i, nbytes)) if w["kind"] == "calls" else fn(*args))
            value = digest.value()
    except guard.BlockedOperation as exc:
        return {"error": exc.message, "kind": "blocked"}
    except StudentError as exc:
        return {"error": exc.message, "kind": "import"}
    except MemoryError:
        return {"error": "ran out of memory (ceiling %s MiB above start)" % workload.get("memory_mib"),
                "kind": "memory"}
    except BaseException as exc:  # noqa: BLE001
        formatted = format_student_exception(exc)
        return {"error": formatted[0] if formatted else "%s: %s" % (type(exc).__name__, exc),
                "kind": "exception"}
    finally:
        if not _trusted.gc_isenabled():
            _trusted.gc_enable()
    return {"answer": value}


class _Digest:
    """A digest of a workload's results, call by call, over their plain forms."""

    def __init__(self):
        import hashlib
        self._h = hashlib.sha256()
        self._n = 0

    def add(self, value):
        from .evidence import plain
        self._h.update(_dumps(plain(value), sort_keys=True).encode("utf-8"))
        self._h.update(b"\n")
        self._n += 1

    def value(self):
        return {"calls": self._n, "sha256": self._h.hexdigest()}


def run_reference(cfg, channel):
    """The reference solution's answers for the run's tests and workloads, one item at a time,
    each with a fresh import of the reference solution."""
    from . import api
    _set_memory_ceiling(cfg.get("memory_mib"))
    clock = _trusted.perf_counter
    for test in cfg.get("tests", []):
        api.forget_students()
        t0 = clock()
        res = run_test(cfg, test, observe_only=True)
        channel.send({"type": "reference-test", "id": test["id"], "status": res["status"],
                      "message": res.get("message"), "detail": res.get("detail"),
                      "answers": res["answers"], "ms": round((clock() - t0) * 1000, 1)})
    for item in cfg.get("workloads", []):
        answers = {}
        t0 = clock()
        for phase, n in item["runs"]:
            api.forget_students()
            answers[phase] = run_workload(cfg, item, n)
        channel.send({"type": "reference-workload", "id": item["id"], "runs": answers,
                      "ms": round((clock() - t0) * 1000, 1)})
    return {"type": "reference-done"}


def main():
    started = _trusted.perf_counter()
    cfg = _read_config()
    channel = _Channel(cfg.pop("result_fd"))
    problem = _check_privileges(cfg)
    if problem:
        channel.send({"type": "ready"})
        channel.send({"type": "result", "status": "grader_error", "message": "sandbox error",
                      "detail": problem, "measurements": {}})
        _exit(3)
    phases = {"config_ms": round((_trusted.perf_counter() - started) * 1000, 1)}
    _prepare(cfg, phases)
    channel.send({"type": "ready", "timings": phases})
    mode = cfg["mode"]
    result: dict
    if mode == "check":
        result = run_check(cfg, channel)
    elif mode == "test":
        result = dict(run_test(cfg, cfg["test"]), type="result")
    elif mode == "workload":
        _set_memory_ceiling(cfg["workload"].get("memory_mib"))
        result = dict(run_workload(cfg, cfg["workload"], cfg["iterations"]), type="done")
    else:
        result = run_reference(cfg, channel)
    from . import guard
    from .api import import_seconds
    result["student_import_ms"] = round(import_seconds() * 1000, 1)
    result["changed"] = _trusted.changed_attributes()
    result["threads"] = _trusted.threads_count()
    result.setdefault("blocked", guard.blocked())
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
