"""The student's side of a run: the import check, one process per test, two per out-of-process
check — each started (procs.run) under the student uid with only the sources it must run, and its
report read as untrusted data into a test entry or a check's raw runs.  The judge decides later
(reconcile.py)."""

import signal

from . import procs, taskdir
from .result import test_entry


def run_child(plan, seed, drop, config, uid, gid, time_limit_s, cwd, tmpdir, zygote):
    """One child process of either lane, with what every child gets from the plan; an Outcome."""
    cfg = dict(config, student_files=plan["student_files"], require_drop=drop, run_seed=seed,
               preload=plan["preload"], allow=plan["allow"])
    return procs.run("child", cfg, uid, gid, time_limit_s,
                     startup_limit_s=plan["defaults"]["startup_limit_s"],
                     output_cap=plan["output_limit_bytes"], cwd=cwd,
                     tmpdir=tmpdir, drop=drop, zygote=zygote)


def _text(b):
    return b.decode("utf-8", errors="replace")


def _dict(v) -> dict:
    """*v* when a child sent an object there, else an empty one."""
    return v if isinstance(v, dict) else {}


class StudentRuns:
    """Runs the student's processes; *zygote* is a callable giving the ready zygote or None."""

    def __init__(self, plan, seed, drop, uid, gid, student_dir, scratch, sources, zygote,
                 output, timings, findings):
        self.plan, self.seed, self.drop = plan, seed, drop
        self.uid, self.gid = uid, gid
        self.student_dir, self.scratch, self.sources = student_dir, scratch, sources
        self.zygote = zygote
        self.output, self.timings, self.findings = output, timings, findings

    def _child(self, config, time_limit_s, memory_mib=None, sources=None):
        cfg = dict(config, student_dir=self.student_dir,
                   sources=sources if sources is not None else taskdir.sources_for(self.sources))
        if memory_mib is not None:
            cfg["memory_mib"] = memory_mib
        return run_child(self.plan, self.seed, self.drop, cfg, self.uid, self.gid, time_limit_s,
                         cwd=self.student_dir, tmpdir=self.scratch, zygote=self.zygote())

    # ------------------------------------------------------------ the import check
    def check(self) -> dict:
        """Parse, scan and import the student's files: {"ok": True} or {"ok": False, "kind", "message", …}."""
        defaults = self.plan["defaults"]
        out = self._child({"mode": "check"}, time_limit_s=defaults["time_limit_s"],
                          memory_mib=defaults["memory_mib"], sources={})
        self.output.collect("import check", out)
        self.timings.process("import check", out)
        self.findings.channel("import check", out)
        scan = out.first("scan") if not out.channel_error else None
        files = _dict(scan.get("files") if scan is not None else None)
        for fname in self.plan["student_files"]:
            self.findings.add_scan_flags(_dict(files.get(fname)).get("flags", []))
        for fname in self.plan["student_files"]:
            entry = _dict(files.get(fname))
            if entry.get("error"):
                return {"ok": False, "kind": "syntax", "message": str(entry["error"])}
        missing = [f for f in self.plan["student_files"]
                   if isinstance(files.get(f), dict) and not _dict(files.get(f)).get("present")]
        imp = out.first("import") if not out.channel_error else None
        if missing and (imp is None or imp.get("ok")):
            return {"ok": False, "kind": "missing", "message": "missing from your submission: %s" % ", ".join(missing)}
        if imp is None:
            return self._import_did_not_report(out, scan)
        self.findings.runtime("import check", imp)
        if not imp.get("ok"):
            kind = "memory" if imp.get("kind") == "memory" else "import"
            return {"ok": False, "kind": kind, "message": str(imp.get("message") or "importing your file failed"),
                    "detail": imp.get("detail") if isinstance(imp.get("detail"), str) else None}
        return {"ok": True}

    def _import_did_not_report(self, out, scan):
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

    # ------------------------------------------------------------ one test
    def test(self, index, t):
        """Test *t*'s process: (its entry, its answers or None when it gave no usable result)."""
        test = {"id": t["id"], "module": t["module"], "name": t["name"], "memory_mib": t["memory_mib"]}
        out = self._child({"mode": "test", "test": test, "reference": self._figures_for(t)},
                          time_limit_s=t["time_limit_s"], memory_mib=t["memory_mib"],
                          sources=taskdir.sources_for(self.sources, t["name"]))
        label = "test %d" % (index + 1)
        self.output.collect(label, out, hidden=t["hidden"])
        self.timings.process(label, out)
        entry = test_entry(t, "crashed", duration_ms=round((out.run_s or out.wall_s) * 1000, 1))
        if self.findings.channel(label, out) or out.count("result") > 1:
            entry.update(status="tampered", message="This test's process sent messages the harness did not write; "
                                                    "the test is not counted.",
                         detail=out.channel_error or "two results")
            return entry, None
        res = out.first("result")
        if out.timed_out:
            if out.timed_out == "startup":
                entry.update(status="sandbox_error", message="the test process did not start in time (not your fault)")
            else:
                entry.update(status="timeout", message=procs.timeout_message(out, t["time_limit_s"]))
            return entry, None
        if res is None:
            _no_result(entry, out)
            return entry, None
        return self._reported(label, t, entry, res)

    def _reported(self, label, t, entry, res):
        """The entry of a test whose process sent its result *res* (untrusted)."""
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
                self.findings.warn("test %r: @test(%s=%r) differs from plan.json (%r); the plan wins"
                                   % (t["name"], k, dec[k], t[k]))
        self.findings.runtime(label, res)
        if status == "grader_error":
            self.findings.warn("test %r: grader error: %s" % (t["name"], (entry["detail"] or "")[:500]))
        answers = res.get("answers") if isinstance(res.get("answers"), dict) else {}
        return entry, answers

    def _figures_for(self, t):
        """The reference figures a test's process may see: never those keyed by another test's
        name (that would name a hidden test to a visible one's process)."""
        others = {o["name"] for o in self.plan["tests"] if o["name"] != t["name"]}
        return {k: v for k, v in self.plan["reference"].items() if k.split("#", 1)[0] not in others}

    # ------------------------------------------------------------ one out-of-process check
    def workload(self, a):
        """The student's two runs of check *a* (judged later, with the reference's answers)."""
        w = a["workload"]
        runs = {}
        sources = taskdir.sources_for(self.sources)
        for phase, n in (("baseline", w["warmup"]), ("amplified", w["warmup"] + w["calls"])):
            workload = {"id": a["id"], "workload": w, "gc": a["gc"], "memory_mib": a["memory_mib"]}
            out = self._child({"mode": "workload", "workload": workload, "iterations": n},
                              time_limit_s=a["time_limit_s"], memory_mib=a["memory_mib"], sources=sources)
            self.output.collect("out-of-process check %s (%s)" % (a["id"], phase), out)
            self.timings.process("check %s (%s)" % (a["id"], phase), out)
            runs[phase] = out
        return runs


def _no_result(entry, out):
    """A test process that ended without a result: how it ended, in the student's words."""
    if out.signal == signal.SIGKILL:
        entry.update(status="memory_limit", message="the test process was killed (most likely it ran out of memory)")
    elif out.signal == signal.SIGXCPU:
        entry.update(status="timeout", message="used too much CPU time")
    elif out.signal is not None:
        entry["message"] = "the test process crashed (%s)" % out.describe_exit()
    else:
        entry["message"] = ("the test process exited (%s) before the grader could report a result — "
                            "does your code call os._exit(), exit() or kill its own process?" % out.describe_exit())
    entry["detail"] = "no result; %s; stderr tail:\n%s" % (out.describe_exit(), _text(out.stderr[-2000:]))
