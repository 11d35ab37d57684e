"""The supervisor: ``python3 -m memgrade_harness --task /sandbox/task``.

Runs as uid 0 with only CAP_SETUID, CAP_SETGID and CAP_KILL.  It never imports student
code.  It reads the run key from stdin (one line) and closes stdin, makes itself
non-dumpable, copies the task into a private root-owned directory, and then runs, each in a
fresh process as the student uid: the import check (parse + static scan + import), every
test of the plan, and the amplified out-of-process checks.  It writes exactly one signed
frame to its stdout and nothing else.
"""

import ctypes
import os
import platform
import secrets
import shutil
import stat
import sys
import tempfile
import time

from . import frame, plan as planmod, procs
from .version import HARNESS_VERSION, RESULT_FORMAT

PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
DEFAULT_UID = 10002
DEFAULT_GID = 10002
MIN_KEY_BYTES = 16
MAX_COPY_BYTES = 64 << 20


def read_key(fd=0):
    """One line from *fd* (the run key, its bytes as sent, without the line end); then
    *fd* is replaced by /dev/null so nothing started later can read from the worker."""
    data = b""
    while b"\n" not in data and len(data) < 4096:
        chunk = os.read(fd, 4096 - len(data))
        if not chunk:
            break
        data += chunk
    line = data.split(b"\n", 1)[0]
    if line.endswith(b"\r"):
        line = line[:-1]
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, fd)
    os.close(null)
    return line


def harden_self():
    """Non-dumpable (no ptrace, /proc/<pid>/{mem,fd,environ} root-only) and no_new_privs."""
    done = {}
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        done["dumpable"] = libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0
        done["no_new_privs"] = libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
    except OSError:
        done["dumpable"] = done["no_new_privs"] = False
    return done


def _copy_tree(src, dst, budget):
    """Copy regular files and directories only (no symlinks), root-owned, world-readable."""
    os.mkdir(dst, 0o755)
    os.chmod(dst, 0o755)
    for entry in sorted(os.scandir(src), key=lambda e: e.name):
        if entry.name in ("__pycache__",):
            continue
        target = os.path.join(dst, entry.name)
        st = entry.stat(follow_symlinks=False)
        if stat.S_ISDIR(st.st_mode):
            budget = _copy_tree(entry.path, target, budget)
        elif stat.S_ISREG(st.st_mode):
            budget -= st.st_size
            if budget < 0:
                raise planmod.PlanError("task files exceed %d MiB" % (MAX_COPY_BYTES >> 20))
            shutil.copyfile(entry.path, target, follow_symlinks=False)
            os.chmod(target, 0o644)
    return budget


def _text(b):
    return b.decode("utf-8", errors="replace")


class Supervisor:
    def __init__(self, task_dir, key, uid=DEFAULT_UID, gid=DEFAULT_GID, drop=True, workroot=None):
        self.task_dir = os.path.abspath(task_dir)
        self.key = key
        self.uid = uid
        self.gid = gid
        self.drop = drop
        self.workroot = workroot or tempfile.gettempdir()
        self.flags = []
        self.warnings = []
        self.output = {"stdout": [], "stderr": []}
        self.output_bytes = {"stdout": 0, "stderr": 0}
        self.output_truncated = False

    # ------------------------------------------------------------ helpers
    def _child(self, module, config, time_limit_s, memory_mib=None, startup=None):
        cfg = dict(config)
        cfg.update(student_dir=self.student_dir, tests_dir=self.tests_dir,
                   student_files=self.plan["student_files"], require_drop=self.drop)
        if memory_mib is not None:
            cfg["memory_mib"] = memory_mib
        child_key = secrets.token_bytes(32)
        return procs.run(module, cfg, child_key, self.uid, self.gid, time_limit_s,
                         startup_limit_s=startup or self.plan["defaults"]["startup_limit_s"],
                         output_cap=self.plan["output_limit_bytes"], cwd=self.student_dir,
                         tmpdir=self.scratch, drop=self.drop)

    def _collect_output(self, label, outcome):
        for stream in ("stdout", "stderr"):
            data = getattr(outcome, stream)
            total = getattr(outcome, stream + "_bytes")
            self.output_bytes[stream] += total
            if not total:
                continue
            if total > len(data):
                self.output_truncated = True
            self.output[stream].append("── %s ──\n%s%s" % (label, _text(data),
                                       "\n[… %d more bytes not kept]" % (total - len(data)) if total > len(data) else ""))

    def _channel_flag(self, label, outcome):
        if outcome.channel_error:
            self.flags.append({"kind": "channel", "severity": "high", "code": "result-channel-tampered",
                               "where": label,
                               "message": "data not written by the grader arrived on the result channel (%s)"
                                          % outcome.channel_error})
            return True
        return False

    # ------------------------------------------------------------ phases
    def prepare(self):
        self.plan = planmod.load(self.task_dir)
        self.work = tempfile.mkdtemp(prefix="memgrade-", dir=self.workroot)
        os.chmod(self.work, 0o755)
        budget = MAX_COPY_BYTES
        self.student_dir = os.path.join(self.work, "student")
        self.tests_dir = os.path.join(self.work, "tests")
        src_student = os.path.join(self.task_dir, "student")
        src_tests = os.path.join(self.task_dir, "tests")
        if not os.path.isdir(src_tests):
            raise planmod.PlanError("task has no tests/ directory")
        budget = _copy_tree(src_tests, self.tests_dir, budget)
        if os.path.isdir(src_student):
            _copy_tree(src_student, self.student_dir, budget)
        else:
            os.mkdir(self.student_dir, 0o755)
        # A scratch directory the student may write to; /tmp itself stays usable too.
        self.scratch = os.path.join(self.work, "scratch")
        os.mkdir(self.scratch, 0o755)
        if self.drop:
            try:
                os.chown(self.scratch, self.uid, self.gid)   # needs CAP_CHOWN: optional
            except PermissionError:
                os.chmod(self.scratch, 0o1777)
        else:
            os.chmod(self.scratch, 0o1777)

    def check(self):
        out = self._child("child", {"mode": "check"}, time_limit_s=self.plan["defaults"]["time_limit_s"],
                          memory_mib=self.plan["defaults"]["memory_mib"])
        self._collect_output("import check", out)
        self._channel_flag("import check", out)
        scan = out.first("scan") if not out.channel_error else None
        files = (scan or {}).get("files", {})
        for fname in self.plan["student_files"]:
            for f in files.get(fname, {}).get("flags", []):
                self.flags.append(f)
        missing = [f for f in self.plan["student_files"] if f in files and not files[f].get("present")]
        for fname in self.plan["student_files"]:
            err = files.get(fname, {}).get("error")
            if err:
                return {"ok": False, "kind": "syntax", "message": err}
        imp = out.first("import") if not out.channel_error else None
        if missing and (imp is None or imp.get("ok")):
            return {"ok": False, "kind": "missing",
                    "message": "missing from your submission: %s" % ", ".join(missing)}
        if imp is None:
            if out.timed_out:
                msg = "importing your file did not finish within %s s (an endless loop at module level?)" % (
                    self.plan["defaults"]["time_limit_s"])
            elif out.channel_error:
                msg = "the grader could not check your file (its result channel was tampered with)"
            elif scan is None:
                msg = "the grader could not check your file (%s)" % out.describe_exit()
            else:
                msg = "your file ended the process while being imported (%s) — does it call os._exit(), exit() or kill itself?" % out.describe_exit()
            return {"ok": False, "kind": "import", "message": msg}
        if not imp.get("ok"):
            return {"ok": False, "kind": imp.get("kind", "import"), "message": imp.get("message"),
                    "detail": imp.get("detail")}
        self._runtime_flags("import check", imp)
        return {"ok": True}

    def _runtime_flags(self, label, msg):
        changed = msg.get("changed") or []
        if changed:
            self.flags.append({"kind": "runtime", "severity": "high", "code": "monkeypatch", "where": label,
                               "message": "student code replaced %s" % ", ".join(sorted(changed)[:20])})
        found = msg.get("found") or []
        if found:
            self.flags.append({"kind": "runtime", "severity": "high", "code": "async-hooks", "where": label,
                               "message": "removed before measuring: %s" % "; ".join(found[:10])})

    def run_test(self, index, t):
        ref = self.plan["reference"]
        out = self._child("child", {"mode": "test", "test_module": t["module"], "test_name": t["name"],
                                    "preload": self.plan["preload"], "reference": ref},
                          time_limit_s=t["time_limit_s"], memory_mib=t["memory_mib"])
        label = "test %d" % (index + 1)
        self._collect_output(label, out)
        entry = {"id": t["id"], "name": t["name"], "module": t["module"], "hidden": t["hidden"],
                 "max_score": t["points"], "score": 0, "passed": False, "status": "crashed",
                 "message": "", "detail": None, "measurements": {},
                 "duration_ms": round((out.run_s or out.wall_s) * 1000, 1)}
        if self._channel_flag(label, out) or out.count("result") > 1:
            if not out.channel_error:
                self.flags.append({"kind": "channel", "severity": "high", "code": "result-channel-tampered",
                                   "where": label, "message": "more than one result frame arrived"})
            entry.update(status="tampered",
                         message="This test's result channel received data the grader did not write; the test is not counted.",
                         detail=out.channel_error or "duplicate result frames")
            return entry
        res = out.first("result")
        if out.timed_out:
            if out.timed_out == "startup":
                entry.update(status="sandbox_error", message="the test process did not start in time (not your fault)")
            else:
                entry.update(status="timeout",
                             message="did not finish within the time limit of %s s" % t["time_limit_s"])
            return entry
        if res is None:
            if out.signal is not None:
                import signal as _s
                if out.signal == _s.SIGKILL:
                    msg = "the test process was killed (most likely it ran out of memory)"
                    entry["status"] = "memory_limit"
                elif out.signal == _s.SIGXCPU:
                    msg = "used too much CPU time"
                    entry["status"] = "timeout"
                else:
                    msg = "the test process crashed (%s)" % out.describe_exit()
            else:
                msg = ("the test process exited (%s) before the grader could report a result — "
                       "does your code call os._exit(), exit() or kill its own process?" % out.describe_exit())
            entry["message"] = msg
            tail = _text(out.stderr[-2000:])
            entry["detail"] = "no result frame; %s; stderr tail:\n%s" % (out.describe_exit(), tail)
            return entry
        status = res.get("status", "grader_error")
        entry.update(status=status, message=res.get("message") or "", detail=res.get("detail"),
                     measurements=res.get("measurements") or {})
        if res.get("notes"):
            entry["detail"] = ((entry["detail"] or "") + "\n" + "\n".join(res["notes"])).strip()
        entry["passed"] = status == "passed"
        entry["score"] = t["points"] if entry["passed"] else 0
        dec = res.get("decorator") or {}
        for k in ("points", "hidden"):
            if k in dec and dec[k] != t[k]:
                self.warnings.append("test %r: @test(%s=%r) differs from plan.json (%r); the plan wins"
                                     % (t["name"], k, dec[k], t[k]))
        self._runtime_flags(label, res)
        if status == "grader_error":
            self.warnings.append("test %r: grader error: %s" % (t["name"], (res.get("detail") or "")[:500]))
        return entry

    def run_amplified(self, a):
        w = a["workload"]
        runs = {}
        for phase, n in (("baseline", w["warmup"]), ("amplified", w["warmup"] + w["calls"])):
            out = self._child("amplify", {"workload": w, "iterations": n, "gc": a["gc"]},
                              time_limit_s=a["time_limit_s"], memory_mib=a["memory_mib"])
            self._collect_output("out-of-process check %s (%s)" % (a["id"], phase), out)
            runs[phase] = out
        result = {"id": a["id"], "passed": False, "max_growth_mib": a["max_growth_mib"],
                  "calls": w["calls"], "kind": w["kind"], "gc": a["gc"]}
        for phase, out in runs.items():
            result[phase + "_rss_mib"] = round(out.maxrss_kib / 1024.0, 2)
            result[phase + "_ms"] = round(out.wall_s * 1000, 1)
        problem = None
        for phase, out in runs.items():
            if self._channel_flag("out-of-process check %s" % a["id"], out):
                problem = "its result channel was tampered with"
                break
            done = out.first("done")
            err = out.first("error")
            if err is not None:
                problem = err.get("message") or "failed"
                if err.get("kind") == "memory":
                    problem = "%s during the %s run (%d calls)" % (problem, phase,
                                                                   w["warmup"] + (w["calls"] if phase == "amplified" else 0))
                break
            if done is None or done.get("iterations") != (w["warmup"] + (w["calls"] if phase == "amplified" else 0)):
                if out.timed_out:
                    problem = "did not finish within %s s" % a["time_limit_s"]
                else:
                    problem = "the %s run ended without completing (%s)" % (phase, out.describe_exit())
                break
            self._runtime_flags("out-of-process check %s (%s)" % (a["id"], phase), done)
        growth = round((runs["amplified"].maxrss_kib - runs["baseline"].maxrss_kib) / 1024.0, 2)
        result["growth_mib"] = growth
        if problem:
            result["problem"] = problem
        else:
            result["passed"] = growth <= a["max_growth_mib"]
        return result

    def grade(self):
        t0 = time.monotonic()
        self.prepare()
        check = self.check()
        tests = []
        oop = []
        status = "ok"
        if not check["ok"]:
            status = "student_error"
            for t in self.plan["tests"]:
                tests.append({"id": t["id"], "name": t["name"], "module": t["module"], "hidden": t["hidden"],
                              "max_score": t["points"], "score": 0, "passed": False, "status": "error",
                              "message": check["message"], "detail": check.get("detail"), "measurements": {}})
        else:
            for i, t in enumerate(self.plan["tests"]):
                tests.append(self.run_test(i, t))
            for a in self.plan["amplified"]:
                oop.append(self.run_amplified(a))
            by_id = {r["id"]: r for r in oop}
            for t, entry in zip(self.plan["tests"], tests):
                for bid in t["backed_by"]:
                    r = by_id[bid]
                    entry["measurements"]["out_of_process_" + bid] = {
                        "growth_mib": r["growth_mib"], "max_growth_mib": r["max_growth_mib"], "passed": r["passed"]}
                    if r["passed"]:
                        continue
                    why = r.get("problem") or ("memory grew by %.1f MiB over %d amplified calls (allowed: %s MiB)"
                                               % (r["growth_mib"], r["calls"], r["max_growth_mib"]))
                    if entry["passed"]:
                        entry.update(passed=False, score=0, status="contradicted",
                                     message="An out-of-process check contradicts this test's result: " + why)
                        self.flags.append({"kind": "contradiction", "severity": "high",
                                           "code": "out-of-process-contradiction", "where": t["name"],
                                           "message": "in-process verdict was pass; out-of-process check %s: %s"
                                                      % (bid, why)})
                    else:
                        entry["detail"] = ((entry.get("detail") or "") + "\nout-of-process check %s: %s" % (bid, why)).strip()
        doc = self._document(status, tests, oop, t0)
        return doc

    def _document(self, status, tests, oop, t0, error=None):
        score = sum(t["score"] for t in tests)
        max_score = sum(t["max_score"] for t in tests)
        limit = self.plan["output_limit_bytes"] if hasattr(self, "plan") else 65536
        out = {}
        for stream in ("stdout", "stderr"):
            text = "\n".join(self.output[stream])
            if len(text) > limit:
                text = text[:limit] + "\n[… cut at %d characters]" % limit
                self.output_truncated = True
            out[stream] = text
        doc = {
            "format": RESULT_FORMAT,
            "status": status,
            "score": score,
            "max_score": max_score,
            "tests": tests,
            "flags": self.flags,
            "out_of_process": oop,
            "student_output": {"stdout": out["stdout"], "stderr": out["stderr"],
                               "truncated": self.output_truncated, "bytes": dict(self.output_bytes)},
            "warnings": self.warnings,
            "harness_version": HARNESS_VERSION,
            "python_version": platform.python_version(),
            "duration_ms": round((time.monotonic() - t0) * 1000, 1),
        }
        if error:
            doc["error"] = error
        return doc

    def cleanup(self):
        if getattr(self, "work", None):
            shutil.rmtree(self.work, ignore_errors=True)


def supervise(task_dir, key, uid=DEFAULT_UID, gid=DEFAULT_GID, drop=True, workroot=None):
    """Grade the task; return the result document (a dict)."""
    sup = Supervisor(task_dir, key, uid, gid, drop, workroot)
    t0 = time.monotonic()
    try:
        return sup.grade()
    except planmod.PlanError as exc:
        sup.plan = getattr(sup, "plan", {"output_limit_bytes": 65536})
        return sup._document("plan_error", [], [], t0, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - always produce a signed answer
        import traceback
        sup.plan = getattr(sup, "plan", None) or {"output_limit_bytes": 65536}
        tests = []
        for t in sup.plan.get("tests", []) or []:
            tests.append({"id": t["id"], "name": t["name"], "module": t["module"], "hidden": t["hidden"],
                          "max_score": t["points"], "score": 0, "passed": False, "status": "sandbox_error",
                          "message": "internal grading error (not your fault)", "detail": None, "measurements": {}})
        return sup._document("harness_error", tests, [], t0,
                             error="%s: %s\n%s" % (type(exc).__name__, exc, traceback.format_exc()[-4000:]))
    finally:
        sup.cleanup()


def write_frame(key, document, fd=1):
    data = frame.encode(key, frame.RESULT_DOMAIN, document)
    while data:
        n = os.write(fd, data)
        data = data[n:]


def main(argv=None):
    import argparse
    p = argparse.ArgumentParser(prog="python3 -m memgrade_harness",
                                description="Grade a task directory; reads the run key from stdin.")
    p.add_argument("--task", default="/sandbox/task")
    p.add_argument("--uid", type=int, default=int(os.environ.get("MEMGRADE_STUDENT_UID", DEFAULT_UID)))
    p.add_argument("--gid", type=int, default=int(os.environ.get("MEMGRADE_STUDENT_GID", DEFAULT_GID)))
    p.add_argument("--no-drop", action="store_true",
                   help="development only: run student code as the current user (no sandbox)")
    p.add_argument("--workdir", default=None, help="where the private copy of the task goes (default: $TMPDIR or /tmp)")
    args = p.parse_args(argv)
    key = read_key(0)
    harden_self()
    if len(key) < MIN_KEY_BYTES:
        sys.stderr.write("memgrade_harness: the run key on stdin must be at least %d bytes\n" % MIN_KEY_BYTES)
        return 2
    drop = not args.no_drop
    if drop and os.geteuid() != 0:
        sys.stderr.write("memgrade_harness: must run as root (with CAP_SETUID/SETGID/KILL) to switch to the "
                         "student uid; use --no-drop for an unsandboxed development run\n")
        return 2
    doc = supervise(args.task, key, args.uid, args.gid, drop, args.workdir)
    write_frame(key, doc)
    return 0
