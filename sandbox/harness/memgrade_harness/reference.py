"""The reference side of a run: one process, as the reference uid, with the reference solution,
computing the answers of every test and workload for this run's seed — in a thread, in parallel
with the student's side."""

import threading
import time
from typing import Optional

from .children import run_child
from .procs import Outcome

REFERENCE_HEADROOM_MIB = 256


def _text(b):
    return b.decode("utf-8", errors="replace")


class ReferenceRun:
    """What the reference process answered: ``tests`` and ``workloads`` by id, or ``error``."""

    def __init__(self, plan, seed, drop, uid, gid, sources, reference_sources, scratch, zygote,
                 timings, findings):
        self.plan, self.seed, self.drop = plan, seed, drop
        self.uid, self.gid = uid, gid
        self.sources, self.reference_sources, self.scratch = sources, reference_sources, scratch
        self.zygote = zygote
        self.timings, self.findings = timings, findings
        self.tests = {}
        self.workloads = {}
        self.outcome: Optional[Outcome] = None
        self.error: Optional[str] = None
        self._thread = None

    def _config(self):
        plan = self.plan
        # The reference files travel on the child's stdin; it writes them into a directory of its
        # own (0700, the reference uid's), which the student uid can neither list nor read.
        tests = [{"id": t["id"], "module": t["module"], "name": t["name"], "memory_mib": t["memory_mib"]}
                 for t in plan["tests"]]
        workloads = [{"id": a["id"], "workload": a["workload"], "gc": a["gc"], "memory_mib": a["memory_mib"],
                      "runs": [["baseline", a["workload"]["warmup"]],
                               ["amplified", a["workload"]["warmup"] + a["workload"]["calls"]]]}
                     for a in plan["amplified"]]
        memory = max([t["memory_mib"] for t in plan["tests"]] + [a["memory_mib"] for a in plan["amplified"]])
        return {"mode": "reference", "tests": tests, "workloads": workloads,
                "reference_files": self.reference_sources, "student_dir": None, "sources": self.sources,
                "memory_mib": memory + REFERENCE_HEADROOM_MIB}

    def start(self):
        """Start the reference process in the background (nothing to start without a reference/)."""
        if self.reference_sources is None:
            return
        plan = self.plan
        budget = (sum(t["time_limit_s"] for t in plan["tests"]) +
                  sum(2 * a["time_limit_s"] for a in plan["amplified"]))
        cfg = self._config()

        def run():
            try:
                zygote = self.zygote()
                self.outcome = run_child(plan, self.seed, self.drop, cfg, self.uid, self.gid, budget,
                                         cwd="/", tmpdir=self.scratch, zygote=zygote)
            except Exception as exc:  # noqa: BLE001 - reported as a grader error of every test
                self.error = "%s: %s" % (type(exc).__name__, exc)

        self._thread = threading.Thread(target=run, name="reference", daemon=True)
        self._thread.start()

    def finish(self):
        """Wait for the reference process and read its answers (untrusted only in form: it ran the
        instructor's code, never the student's)."""
        if self._thread is None:
            self.error = "the task has no reference/ solution"
            return
        t0 = time.monotonic()
        self._thread.join()
        self.timings.lap("reference_wait_ms", t0)
        out = self.outcome
        if out is None:
            return
        self.timings.process("reference", out, lane="reference")
        # Labelled as the student's processes are ("test N", never a hidden test's name).
        index = {t["id"]: "test %d" % (i + 1) for i, t in enumerate(self.plan["tests"])}
        index.update({a["id"]: "check %s" % a["id"] for a in self.plan["amplified"]})
        self.timings.data["reference_items"] = [
            {"label": index.get(m["id"], "?"), "ms": m["ms"]} for m in out.messages
            if m.get("type") in ("reference-test", "reference-workload") and type(m.get("ms")) in (int, float)]
        for m in out.messages:
            if m.get("type") == "reference-test" and type(m.get("id")) is str:
                self.tests[m["id"]] = m
            elif m.get("type") == "reference-workload" and type(m.get("id")) is str:
                self.workloads[m["id"]] = m.get("runs") or {}
        if out.first("reference-done") is None:
            self.error = "the reference run did not finish (%s%s): %s" % (
                out.describe_exit(), ", timed out" if out.timed_out else "", _text(out.stderr[-1500:]))
            self.findings.warn(self.error)
