"""The judge: decides every point of a run, and never runs student code.

It runs as uid 0 with only CAP_SETUID, CAP_SETGID and CAP_KILL, non-dumpable, so no student
process can signal, trace or read it.  The task's files (plan, instructor tests, reference
solution) are readable by it alone; it sends each process only the sources that process must run.

For a run it starts, each a fresh interpreter:
* as the **reference uid**, one process with the reference solution that computes the answers of
  every test and workload for this run's seed (in parallel with the student's side);
* as the **student uid**: the import check, one process per test, two per out-of-process check.

A test scores its points only when all of these hold, each checked here:
1. its in-process verdict is a pass (in-process observations may only take points away);
2. it sent answers, and they are identical (exact types, judge-side comparison) to the reference
   solution's answers for the same seed;
3. every out-of-process check backing it passed: the workload's answers are the reference's (the
   work was done) and the kernel's peak RSS of that process (``wait4``) grew within the budget.
"""

import ast
import os
import secrets
import shutil
import stat
import tempfile
import threading
import time

from . import evidence, plan as planmod, procs

DEFAULT_UID = 10002
DEFAULT_GID = 10002
REFERENCE_UID = 10003
REFERENCE_GID = 10003
MAX_COPY_BYTES = 64 << 20


def _text(b):
    return b.decode("utf-8", errors="replace")


def _read_tree(src, budget):
    """{relative path: text} of the regular files under *src* (no symlinks)."""
    out = {}
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            path = os.path.join(root, name)
            st = os.lstat(path)
            if not stat.S_ISREG(st.st_mode):
                continue
            budget[0] -= st.st_size
            if budget[0] < 0:
                raise planmod.PlanError("task files exceed %d MiB" % (MAX_COPY_BYTES >> 20))
            with open(path, "rb") as f:
                out[os.path.relpath(path, src)] = f.read().decode("utf-8", errors="replace")
    return out


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
            _copy_tree(entry.path, target, budget)
        elif stat.S_ISREG(st.st_mode):
            budget[0] -= st.st_size
            if budget[0] < 0:
                raise planmod.PlanError("task files exceed %d MiB" % (MAX_COPY_BYTES >> 20))
            shutil.copyfile(entry.path, target, follow_symlinks=False)
            os.chmod(target, 0o644)


def _test_names_of(decorator):
    """The test name of a ``@test("name", …)`` / ``@mh.test(name="…")`` decorator, else None."""
    if not isinstance(decorator, ast.Call):
        return None
    func = decorator.func
    if not ((isinstance(func, ast.Name) and func.id == "test") or
            (isinstance(func, ast.Attribute) and func.attr == "test")):
        return None
    if decorator.args and isinstance(decorator.args[0], ast.Constant) and isinstance(decorator.args[0].value, str):
        return decorator.args[0].value
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
        for i in range(first, node.end_lineno):
            lines[i] = "\n"
        lines[first] = "pass\n" if not lines[first].startswith((" ", "\t")) else lines[first]
    return "".join(lines)


def _is_test_module(source):
    return "@test(" in source or ".test(" in source


class Judge:
    def __init__(self, task_dir, uid=DEFAULT_UID, gid=DEFAULT_GID, drop=True, workroot=None,
                 reference_uid=REFERENCE_UID, reference_gid=REFERENCE_GID, seed=None, use_zygote=True):
        self.task_dir = os.path.abspath(task_dir)
        self.use_zygote = use_zygote
        self.zygote = None
        self.uid, self.gid = uid, gid
        self.ref_uid, self.ref_gid = reference_uid, reference_gid
        self.drop = drop
        self.workroot = workroot or tempfile.gettempdir()
        self.seed = seed if seed is not None else secrets.randbits(63)
        self.flags = []
        self.warnings = []
        self.sections = []
        self.output_bytes = {"stdout": 0, "stderr": 0}
        self.output_truncated = False
        self.reference = {"tests": {}, "workloads": {}, "outcome": None}
        # Where the run's time went (README, "Where the time goes"): judge-side clocks, plus what
        # each child says of its own start-up (untrusted, numbers only, never used for a decision).
        self.timings = {"processes": [], "judge_start_ms": _process_age_ms()}
        self._clock0 = time.monotonic()
        self._zygote_lock = threading.Lock()

    def _lap(self, name, since):
        self.timings[name] = _ms(time.monotonic() - since)

    def _time_process(self, label, out, lane="student"):
        entry = {"label": label, "lane": lane, "wall_ms": _ms(out.wall_s),
                 "start_ms": _ms(time.monotonic() - out.wall_s - self._clock0)}
        for name, value in (("spawn_ms", out.spawn_s), ("startup_ms", out.startup_s), ("run_ms", out.run_s)):
            if value is not None:
                entry[name] = _ms(value)
        entry["cpu_ms"] = _ms(out.utime + out.stime)
        ready = out.first("ready")
        entry.update(_numbers((ready or {}).get("timings")))
        for m in out.messages:
            if m.get("type") in ("result", "done", "import") and type(m.get("student_import_ms")) in (int, float):
                entry["student_import_ms"] = m["student_import_ms"]
        self.timings["processes"].append(entry)

    # ------------------------------------------------------------ set-up
    def prepare(self):
        t0 = time.monotonic()
        self.plan = planmod.load(self.task_dir)
        self.work = tempfile.mkdtemp(prefix="memgrade-", dir=self.workroot)
        os.chmod(self.work, 0o711)
        self.scratch = self._scratch("scratch")
        self.ref_scratch = self._scratch("reference-scratch")
        # The zygote imports the harness and the preload while the task is read and copied.
        self.zygote = self._start_zygote()
        budget = [MAX_COPY_BYTES]
        src_tests = os.path.join(self.task_dir, "tests")
        if not os.path.isdir(src_tests):
            raise planmod.PlanError("task has no tests/ directory")
        self.sources = _read_tree(src_tests, budget)
        src_ref = os.path.join(self.task_dir, "reference")
        self.reference_sources = _read_tree(src_ref, budget) if os.path.isdir(src_ref) else None
        self.student_dir = os.path.join(self.work, "student")
        src_student = os.path.join(self.task_dir, "student")
        if os.path.isdir(src_student):
            _copy_tree(src_student, self.student_dir, budget)
        else:
            os.mkdir(self.student_dir, 0o755)
        self._lap("prepare_ms", t0)

    def _start_zygote(self):
        """The run's warm interpreter, starting in the background; None without one."""
        if not self.use_zygote:
            return None
        try:
            return procs.Zygote(self.plan["preload"], self.scratch)
        except (OSError, ValueError) as exc:
            self.warnings.append("no zygote, fresh interpreters instead: %s" % exc)
            return None

    def _zygote(self):
        """The zygote once it is ready; None (fresh interpreters) if it could not start."""
        z = self.zygote
        if z is None:
            return None
        try:
            z.ready()
            return z
        except OSError as exc:
            with self._zygote_lock:
                if self.zygote is z:
                    self.warnings.append("no zygote, fresh interpreters instead: %s" % exc)
                    self.timings["zygote_ms"] = _ms(z.ready_s or 0)
                    self.zygote = None
                    z.close()
            return None

    def _scratch(self, name):
        path = os.path.join(self.work, name)
        os.mkdir(path, 0o755)
        os.chmod(path, 0o1733)      # anyone may create in it, nobody may list it
        return path

    def _sources_for(self, keep_test=None):
        """The instructor modules a process gets: helper modules whole, test modules with every
        other test blanked out (the process of a test never holds another test's code)."""
        out = {}
        for rel, source in self.sources.items():
            if _is_test_module(source):
                out[rel] = strip_other_tests(source, keep_test)
            else:
                out[rel] = source
        return out

    def _child(self, config, time_limit_s, memory_mib=None, sources=None):
        cfg = dict(config)
        cfg.update(student_dir=self.student_dir, student_files=self.plan["student_files"],
                   require_drop=self.drop, run_seed=self.seed, preload=self.plan["preload"],
                   allow=self.plan["allow"], sources=sources if sources is not None else self._sources_for())
        if memory_mib is not None:
            cfg["memory_mib"] = memory_mib
        return procs.run("child", cfg, self.uid, self.gid, time_limit_s,
                         startup_limit_s=self.plan["defaults"]["startup_limit_s"],
                         output_cap=self.plan["output_limit_bytes"], cwd=self.student_dir,
                         tmpdir=self.scratch, drop=self.drop, zygote=self._zygote())

    def _collect_output(self, label, outcome, hidden=False):
        section = {"label": label, "hidden": bool(hidden)}
        for stream in ("stdout", "stderr"):
            data = getattr(outcome, stream)
            total = getattr(outcome, stream + "_bytes")
            self.output_bytes[stream] += total
            more = total - len(data)
            if more > 0:
                self.output_truncated = True
            section[stream] = _text(data) + ("\n[… %d more bytes not kept]" % more if more > 0 else "")
        if section["stdout"] or section["stderr"]:
            self.sections.append(section)

    def _channel_flag(self, label, outcome):
        if outcome.channel_error:
            self.flags.append({"kind": "channel", "severity": "high", "code": "message-channel-garbled",
                               "where": label, "message": "the process sent data the harness did not write (%s)"
                                                          % outcome.channel_error})
            return True
        return False

    def _runtime_flags(self, label, msg):
        changed = msg.get("changed") if isinstance(msg.get("changed"), list) else []
        if changed:
            self.flags.append({"kind": "runtime", "severity": "high", "code": "monkeypatch", "where": label,
                               "message": "student code replaced %s" % ", ".join(str(c) for c in sorted(map(str, changed))[:20])})
        blocked = msg.get("blocked") if isinstance(msg.get("blocked"), list) else []
        for b in blocked[:10]:
            if not isinstance(b, dict):
                continue
            self.flags.append({"kind": "blocked", "severity": "high", "code": "blocked-" + str(b.get("what", "?"))[:40],
                               "file": str(b.get("file", "?"))[:200], "line": b.get("line") if type(b.get("line")) is int else 0,
                               "where": label, "message": str(b.get("message", ""))[:300]})

    # ------------------------------------------------------------ the reference side
    def start_reference(self):
        """The reference solution's answers, computed in parallel with the student's side."""
        if self.reference_sources is None:
            return None
        # The reference files travel on the child's stdin; it writes them into a directory of its
        # own (0700, the reference uid's), which the student uid can neither list nor read.
        tests = [{"id": t["id"], "module": t["module"], "name": t["name"], "memory_mib": t["memory_mib"]}
                 for t in self.plan["tests"]]
        workloads = [{"id": a["id"], "workload": a["workload"], "gc": a["gc"], "memory_mib": a["memory_mib"],
                      "runs": [["baseline", a["workload"]["warmup"]],
                               ["amplified", a["workload"]["warmup"] + a["workload"]["calls"]]]}
                     for a in self.plan["amplified"]]
        budget = (sum(t["time_limit_s"] for t in self.plan["tests"]) +
                  sum(2 * a["time_limit_s"] for a in self.plan["amplified"]))
        memory = max([t["memory_mib"] for t in self.plan["tests"]] + [a["memory_mib"] for a in self.plan["amplified"]])
        cfg = {"mode": "reference", "tests": tests, "workloads": workloads, "reference_files": self.reference_sources}

        def run():
            try:
                zygote = self._zygote()
                self.reference["outcome"] = procs.run(
                    "child", dict(cfg, student_dir=None, student_files=self.plan["student_files"],
                                  require_drop=self.drop, run_seed=self.seed, preload=self.plan["preload"],
                                  allow=self.plan["allow"], sources=self.sources, memory_mib=memory + 256),
                    self.ref_uid, self.ref_gid, budget, startup_limit_s=self.plan["defaults"]["startup_limit_s"],
                    output_cap=self.plan["output_limit_bytes"], cwd="/", tmpdir=self.ref_scratch, drop=self.drop,
                    zygote=zygote)
            except Exception as exc:  # noqa: BLE001 - reported as a grader error of every test
                self.reference["error"] = "%s: %s" % (type(exc).__name__, exc)

        thread = threading.Thread(target=run, name="reference", daemon=True)
        thread.start()
        return thread

    def finish_reference(self, thread):
        if thread is None:
            self.reference["error"] = "the task has no reference/ solution"
            return
        t0 = time.monotonic()
        thread.join()
        self._lap("reference_wait_ms", t0)
        out = self.reference.get("outcome")
        if out is None:
            return
        self._time_process("reference", out, lane="reference")
        # Labelled as the student's processes are ("test N", never a hidden test's name).
        index = {t["id"]: "test %d" % (i + 1) for i, t in enumerate(self.plan["tests"])}
        index.update({a["id"]: "check %s" % a["id"] for a in self.plan["amplified"]})
        self.timings["reference_items"] = [
            {"label": index.get(m["id"], "?"), "ms": m["ms"]} for m in out.messages
            if m.get("type") in ("reference-test", "reference-workload") and type(m.get("ms")) in (int, float)]
        for m in out.messages:
            if m.get("type") == "reference-test" and type(m.get("id")) is str:
                self.reference["tests"][m["id"]] = m
            elif m.get("type") == "reference-workload" and type(m.get("id")) is str:
                self.reference["workloads"][m["id"]] = m.get("runs") or {}
        if out.first("reference-done") is None:
            self.reference["error"] = "the reference run did not finish (%s%s): %s" % (
                out.describe_exit(), ", timed out" if out.timed_out else "", _text(out.stderr[-1500:]))
            self.warnings.append(self.reference["error"])

    # ------------------------------------------------------------ the student side
    def check(self):
        out = self._child({"mode": "check"}, time_limit_s=self.plan["defaults"]["time_limit_s"],
                          memory_mib=self.plan["defaults"]["memory_mib"], sources={})
        self._collect_output("import check", out)
        self._time_process("import check", out)
        self._channel_flag("import check", out)
        scan = out.first("scan") if not out.channel_error else None
        files = (scan or {}).get("files", {}) if isinstance((scan or {}).get("files", {}), dict) else {}
        for fname in self.plan["student_files"]:
            entry = files.get(fname) if isinstance(files.get(fname), dict) else {}
            for f in entry.get("flags", [])[:100] if isinstance(entry.get("flags"), list) else []:
                if isinstance(f, dict):
                    self.flags.append(f)
        for fname in self.plan["student_files"]:
            entry = files.get(fname) if isinstance(files.get(fname), dict) else {}
            if entry.get("error"):
                return {"ok": False, "kind": "syntax", "message": str(entry["error"])}
        missing = [f for f in self.plan["student_files"]
                   if isinstance(files.get(f), dict) and not files[f].get("present")]
        imp = out.first("import") if not out.channel_error else None
        if missing and (imp is None or imp.get("ok")):
            return {"ok": False, "kind": "missing", "message": "missing from your submission: %s" % ", ".join(missing)}
        if imp is None:
            if out.timed_out:
                return {"ok": False, "kind": "timeout",
                        "message": "importing your file did not finish within %s s (an endless loop at module level?)"
                                   % self.plan["defaults"]["time_limit_s"]}
            if out.channel_error:
                msg = ("your file wrote into the grader's message channel while being imported; it is not "
                       "graded (write output with print())")
            elif scan is None:
                msg = "the grader could not check your file (%s)" % out.describe_exit()
            else:
                msg = ("your file ended the process while being imported (%s) — does it call os._exit(), exit() "
                       "or kill itself?" % out.describe_exit())
            return {"ok": False, "kind": "import", "message": msg}
        self._runtime_flags("import check", imp)
        if not imp.get("ok"):
            kind = "memory" if imp.get("kind") == "memory" else "import"
            return {"ok": False, "kind": kind, "message": str(imp.get("message") or "importing your file failed"),
                    "detail": imp.get("detail") if isinstance(imp.get("detail"), str) else None}
        return {"ok": True}

    def run_test(self, index, t):
        out = self._child({"mode": "test", "test": {"id": t["id"], "module": t["module"], "name": t["name"],
                                                   "memory_mib": t["memory_mib"]},
                           "reference": self._figures_for(t)},
                          time_limit_s=t["time_limit_s"], memory_mib=t["memory_mib"],
                          sources=self._sources_for(t["name"]))
        label = "test %d" % (index + 1)
        self._collect_output(label, out, hidden=t["hidden"])
        self._time_process(label, out)
        entry = {"id": t["id"], "name": t["name"], "module": t["module"], "hidden": t["hidden"],
                 "max_score": t["points"], "score": 0, "passed": False, "status": "crashed",
                 "message": "", "detail": None, "measurements": {},
                 "duration_ms": round((out.run_s or out.wall_s) * 1000, 1)}
        if self._channel_flag(label, out) or out.count("result") > 1:
            entry.update(status="tampered", message="This test's process sent messages the harness did not write; "
                                                    "the test is not counted.", detail=out.channel_error or "two results")
            return entry, None
        res = out.first("result")
        if out.timed_out:
            if out.timed_out == "startup":
                entry.update(status="sandbox_error", message="the test process did not start in time (not your fault)")
            else:
                entry.update(status="timeout", message=procs.timeout_message(out, t["time_limit_s"]))
            return entry, None
        if res is None:
            import signal as _s
            if out.signal == _s.SIGKILL:
                entry.update(status="memory_limit", message="the test process was killed (most likely it ran out of memory)")
            elif out.signal == _s.SIGXCPU:
                entry.update(status="timeout", message="used too much CPU time")
            elif out.signal is not None:
                entry["message"] = "the test process crashed (%s)" % out.describe_exit()
            else:
                entry["message"] = ("the test process exited (%s) before the grader could report a result — "
                                    "does your code call os._exit(), exit() or kill its own process?" % out.describe_exit())
            entry["detail"] = "no result; %s; stderr tail:\n%s" % (out.describe_exit(), _text(out.stderr[-2000:]))
            return entry, None
        status = res.get("status") if res.get("status") in (
            "passed", "failed", "error", "memory_limit", "grader_error", "blocked") else "grader_error"
        entry.update(status=status, message=str(res.get("message") or "")[:4000],
                     detail=res.get("detail") if isinstance(res.get("detail"), str) else None,
                     measurements=res.get("measurements") if isinstance(res.get("measurements"), dict) else {})
        if isinstance(res.get("notes"), list):
            entry["detail"] = ((entry["detail"] or "") + "\n" + "\n".join(map(str, res["notes"][:20]))).strip()
        dec = res.get("decorator") if isinstance(res.get("decorator"), dict) else {}
        for k in ("points", "hidden"):
            if k in dec and dec[k] != t[k]:
                self.warnings.append("test %r: @test(%s=%r) differs from plan.json (%r); the plan wins"
                                     % (t["name"], k, dec[k], t[k]))
        self._runtime_flags(label, res)
        if status == "grader_error":
            self.warnings.append("test %r: grader error: %s" % (t["name"], (entry["detail"] or "")[:500]))
        answers = res.get("answers") if isinstance(res.get("answers"), dict) else {}
        return entry, answers

    def _figures_for(self, t):
        """The reference figures a test's process may see: never those keyed by another test's
        name (that would name a hidden test to a visible one's process)."""
        others = {o["name"] for o in self.plan["tests"] if o["name"] != t["name"]}
        return {k: v for k, v in self.plan["reference"].items() if k.split("#", 1)[0] not in others}

    def run_amplified(self, a):
        """The student's two runs of one out-of-process check (judged later, with the reference's answers)."""
        w = a["workload"]
        runs = {}
        sources = self._sources_for()
        for phase, n in (("baseline", w["warmup"]), ("amplified", w["warmup"] + w["calls"])):
            out = self._child({"mode": "workload", "workload": {"id": a["id"], "workload": w, "gc": a["gc"],
                                                               "memory_mib": a["memory_mib"]}, "iterations": n},
                              time_limit_s=a["time_limit_s"], memory_mib=a["memory_mib"], sources=sources)
            self._collect_output("out-of-process check %s (%s)" % (a["id"], phase), out)
            self._time_process("check %s (%s)" % (a["id"], phase), out)
            runs[phase] = out
        return runs

    def judge_amplified(self, a, runs):
        w = a["workload"]
        expected = {"baseline": w["warmup"], "amplified": w["warmup"] + w["calls"]}
        result = {"id": a["id"], "passed": False, "max_growth_mib": a["max_growth_mib"],
                  "calls": w["calls"], "kind": w["kind"], "gc": a["gc"]}
        if a.get("min_growth_mib") is not None:
            result["min_growth_mib"] = a["min_growth_mib"]
        for phase, out in runs.items():
            result[phase + "_rss_mib"] = round(out.maxrss_kib / 1024.0, 2)
            result[phase + "_ms"] = round(out.wall_s * 1000, 1)
        growth = round((runs["amplified"].maxrss_kib - runs["baseline"].maxrss_kib) / 1024.0, 2)
        result["growth_mib"] = growth
        problem = None
        ref_runs = self.reference["workloads"].get(a["id"])
        ref_amplified = ref_runs.get("amplified") if isinstance(ref_runs, dict) else None
        # Only a workload that returns something proves that the work was done.
        result["proves_work"] = isinstance(ref_amplified, dict) and ref_amplified.get("answer") is not None
        for phase, out in runs.items():
            label = "out-of-process check %s (%s)" % (a["id"], phase)
            if self._channel_flag(label, out):
                problem = "its process sent messages the harness did not write"
                break
            done = out.first("done")
            if out.timed_out:
                problem = procs.timeout_message(out, a["time_limit_s"])
                break
            if done is None:
                problem = "the %s run ended without a result (%s)" % (phase, out.describe_exit())
                break
            self._runtime_flags(label, done)
            if "error" in done:
                problem = "%s (%s run, %d calls)" % (str(done["error"])[:500], phase, expected[phase])
                if done.get("kind") == "blocked":
                    result["blocked"] = True
                break
            ref = (ref_runs or {}).get(phase) if isinstance(ref_runs, dict) else None
            if not isinstance(ref, dict) or "answer" not in ref:
                result["grader_error"] = True
                problem = "the reference solution's answer for this check is missing (not your fault)"
                self.warnings.append("out-of-process check %s: no reference answer for the %s run: %s"
                                     % (a["id"], phase, (ref or {}).get("error") if isinstance(ref, dict) else self.reference.get("error")))
                break
            if not evidence.same(ref["answer"], done.get("answer")):
                problem = ("the %s run did not produce the results of a working solution (it returned %s)"
                           % (phase, evidence.describe(done.get("answer"))))
                result["disagreed"] = True
                break
        if problem:
            result["problem"] = problem
        elif growth > a["max_growth_mib"]:
            result["problem"] = ("memory grew by %.1f MiB over %d amplified calls (allowed: %s MiB)"
                                 % (growth, w["calls"], a["max_growth_mib"]))
        elif a.get("min_growth_mib") is not None and growth < a["min_growth_mib"]:
            result["problem"] = ("memory grew by only %.1f MiB over %d amplified calls (at least %s MiB expected)"
                                 % (growth, w["calls"], a["min_growth_mib"]))
        else:
            result["passed"] = True
        return result

    # ------------------------------------------------------------ the decision
    def decide(self, t, entry, answers, checks):
        """The test's points, from the judge's own evidence (module docstring)."""
        entry["evidence"] = {"answers": 0, "answers_match": None, "backed_by": list(t["backed_by"])}
        ref = self.reference["tests"].get(t["id"])
        if entry["status"] == "passed":
            if ref is None or ref.get("status") != "passed":
                why = (ref or {}).get("message") or self.reference.get("error") or "no reference result"
                entry.update(status="grader_error", message="The grader could not check this test against the "
                                                            "reference solution (not your fault).",
                             detail="reference: %s" % str(why)[:1000])
                self.warnings.append("test %r: the reference solution did not pass in this run: %s" % (t["name"], str(why)[:500]))
            else:
                expected = (ref.get("answers") or {}).get("items") or []
                got = (answers or {}).get("items") if isinstance((answers or {}).get("items"), list) else []
                entry["evidence"]["answers"] = len(expected)
                if not expected and not any(checks[b].get("proves_work") for b in t["backed_by"]):
                    entry.update(status="grader_error", message="This test gives the judge nothing to check "
                                                                "(not your fault).",
                                 detail="no answer() in the reference run, and no out-of-process check whose "
                                        "workload returns a result: the test cannot award points")
                else:
                    diff = evidence.first_difference(expected, got)
                    entry["evidence"]["answers_match"] = diff is None
                    if diff is not None:
                        label, want, have, how = diff
                        if how == "missing":
                            msg = "your code did not produce the result %r the test checks" % label
                        elif how == "extra":
                            msg = "your code produced more results than the test expects"
                        else:
                            msg = "%r should be %s, but your code gave %s" % (
                                label, evidence.describe(want), evidence.describe(have))
                        entry.update(status="disagreed", message="The checks in this test passed, but the values "
                                                                 "your code returned are not those of a working "
                                                                 "solution: " + msg + ".")
        for bid in t["backed_by"]:
            r = checks[bid]
            entry["measurements"]["out_of_process_" + bid] = {
                "growth_mib": r["growth_mib"], "max_growth_mib": r["max_growth_mib"], "passed": r["passed"]}
            if r["passed"]:
                continue
            why = r.get("problem") or "failed"
            if entry["status"] == "passed":
                status = "grader_error" if r.get("grader_error") else "contradicted"
                entry.update(status=status, message="An out-of-process check contradicts this test's result: " + why)
                if status == "contradicted":
                    self.flags.append({"kind": "contradiction", "severity": "medium" if not r.get("disagreed") else "high",
                                       "code": "out-of-process-contradiction", "where": t["name"],
                                       "message": "in-process verdict was pass; out-of-process check %s: %s" % (bid, why)})
            else:
                entry["detail"] = ((entry.get("detail") or "") + "\nout-of-process check %s: %s" % (bid, why)).strip()
        if entry["status"] == "disagreed":
            self.flags.append({"kind": "evidence", "severity": "medium", "code": "evidence-disagreed",
                               "where": t["name"], "message": entry["message"][:300]})
        entry["passed"] = entry["status"] == "passed"
        entry["score"] = t["points"] if entry["passed"] else 0
        return entry

    def grade(self):
        t0 = time.monotonic()
        self.prepare()
        reference = self.start_reference()
        check = self.check()
        tests, oop = [], []
        if not check["ok"]:
            # Nothing to compare: the reference's answers are not waited for.
            verdict = {"syntax": "syntax_error", "timeout": "timeout", "memory": "memory_limit"}.get(check["kind"], "import_error")
            for t in self.plan["tests"]:
                tests.append({"id": t["id"], "name": t["name"], "module": t["module"], "hidden": t["hidden"],
                              "max_score": t["points"], "score": 0, "passed": False, "status": "error",
                              "message": check["message"], "detail": check.get("detail"), "measurements": {}})
            return self._document("student_error", tests, oop, t0, verdict=verdict,
                                  student_error={"kind": verdict, "message": check["message"], "detail": check.get("detail")})
        results = [self.run_test(i, t) for i, t in enumerate(self.plan["tests"])]
        runs = [self.run_amplified(a) for a in self.plan["amplified"]]
        self.finish_reference(reference)
        t1 = time.monotonic()
        oop = [self.judge_amplified(a, r) for a, r in zip(self.plan["amplified"], runs)]
        checks = {r["id"]: r for r in oop}
        for t, (entry, answers) in zip(self.plan["tests"], results):
            tests.append(self.decide(t, entry, answers, checks))
        self._lap("decide_ms", t1)
        return self._document("ok", tests, oop, t0, verdict=self._verdict(tests))

    @staticmethod
    def _verdict(tests):
        failed = [t["status"] for t in tests if not t["passed"]]
        for kind in ("timeout", "memory_limit", "crashed"):
            if failed and all(s in (kind, "passed") for s in failed):
                return kind
        return "ok"

    def _document(self, status, tests, oop, t0, error=None, verdict=None, student_error=None):
        from .version import HARNESS_VERSION, RESULT_FORMAT
        import platform
        limit = self.plan["output_limit_bytes"] if hasattr(self, "plan") else 65536
        streams = {}
        for stream in ("stdout", "stderr"):
            text = "\n".join("── %s ──\n%s" % (s["label"], s[stream]) for s in self.sections if s[stream])
            if len(text) > limit:
                text = text[:limit] + "\n[… cut at %d characters]" % limit
                self.output_truncated = True
            streams[stream] = text
        doc = {
            "format": RESULT_FORMAT,
            "status": status,
            "verdict": verdict or ("ok" if status == "ok" else "error"),
            "score": sum(t["score"] for t in tests),
            "max_score": sum(t["max_score"] for t in tests),
            "tests": tests,
            "flags": _unique_flags(self.flags),
            "out_of_process": oop,
            "student_output": {"stdout": streams["stdout"], "stderr": streams["stderr"],
                               "truncated": self.output_truncated, "bytes": dict(self.output_bytes),
                               "sections": [dict(s, stdout=s["stdout"][:limit], stderr=s["stderr"][:limit])
                                            for s in self.sections]},
            "warnings": self.warnings,
            "seed": self.seed,
            "harness_version": HARNESS_VERSION,
            "python_version": platform.python_version(),
            "duration_ms": round((time.monotonic() - t0) * 1000, 1),
            "timings": dict(self.timings, total_ms=_ms(time.monotonic() - self._clock0), container_cpu_ms=_container_cpu_ms(),
                            **({"zygote_ms": _ms(self.zygote.ready_s)}
                               if getattr(self, "zygote", None) is not None and self.zygote.ready_s else {})),
        }
        if student_error:
            doc["student_error"] = student_error
        if error:
            doc["error"] = error
        return doc

    def cleanup(self):
        if getattr(self, "zygote", None) is not None:
            self.zygote.close()
        if getattr(self, "work", None):
            shutil.rmtree(self.work, ignore_errors=True)


def _process_age_ms():
    """How long ago this process was exec'd (interpreter start and the judge's imports), from
    /proc (clock ticks, 10 ms resolution)."""
    try:
        with open("/proc/self/stat", "rb") as f:
            start_ticks = int(f.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/uptime", "rb") as f:
            uptime = float(f.read().split()[0])
        return _ms(uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def _container_cpu_ms():
    """CPU time used so far by every process of this container (cgroup v2 or v1), when readable."""
    try:
        with open("/sys/fs/cgroup/cpu.stat", "rb") as f:
            for line in f:
                if line.startswith(b"usage_usec "):
                    return round(int(line.split()[1]) / 1000.0, 1)
    except (OSError, ValueError):
        pass
    try:
        with open("/sys/fs/cgroup/cpuacct/cpuacct.usage", "rb") as f:
            return round(int(f.read().strip()) / 1e6, 1)
    except (OSError, ValueError):
        return None


def _ms(seconds):
    return round(seconds * 1000, 1)


def _numbers(d):
    """The numeric entries of a child's self-report (untrusted: only plain numbers are kept)."""
    if not isinstance(d, dict):
        return {}
    return {str(k)[:40]: v for k, v in list(d.items())[:20] if type(v) in (int, float)}


def _unique_flags(flags):
    """One flag per construct: the same blocked call in every test's process is one finding."""
    seen, out = set(), []
    for f in flags:
        key = (f.get("kind"), f.get("code"), f.get("file"), f.get("line"), f.get("message") if not f.get("file") else None)
        if key in seen:
            continue
        seen.add(key)
        out.append(f)
    return out[:200]


def judge(task_dir, uid=DEFAULT_UID, gid=DEFAULT_GID, drop=True, workroot=None, seed=None,
          reference_uid=REFERENCE_UID, reference_gid=REFERENCE_GID, use_zygote=True):
    """Grade the task; return the result document (a dict)."""
    j = Judge(task_dir, uid, gid, drop, workroot, reference_uid, reference_gid, seed, use_zygote)
    t0 = time.monotonic()
    try:
        return j.grade()
    except planmod.PlanError as exc:
        return j._document("plan_error", [], [], t0, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - always produce a signed answer
        import traceback
        tests = []
        for t in (getattr(j, "plan", None) or {}).get("tests", []) or []:
            tests.append({"id": t["id"], "name": t["name"], "module": t["module"], "hidden": t["hidden"],
                          "max_score": t["points"], "score": 0, "passed": False, "status": "sandbox_error",
                          "message": "internal grading error (not your fault)", "detail": None, "measurements": {}})
        return j._document("harness_error", tests, [], t0,
                           error="%s: %s\n%s" % (type(exc).__name__, exc, traceback.format_exc()[-4000:]))
    finally:
        j.cleanup()
