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

import os
import secrets
import shutil
import tempfile
import threading
import time

from . import plan as planmod, procs, reconcile, result, taskdir
from .children import StudentRuns
from .findings import Findings
from .output import StudentOutput
from .reference import ReferenceRun
from .timings import Timings, ms

DEFAULT_UID = 10002
DEFAULT_GID = 10002
REFERENCE_UID = 10003
REFERENCE_GID = 10003


class Judge:
    """One run: set-up (task files, zygote), the two lanes, the decision, the document."""

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
        self.plan = None
        self.work = None
        self.findings = Findings()
        self.output = StudentOutput()
        self.timings = Timings()
        self._zygote_lock = threading.Lock()

    # ------------------------------------------------------------ set-up
    def prepare(self):
        t0 = time.monotonic()
        self.plan = plan = planmod.load(self.task_dir)
        self.work = tempfile.mkdtemp(prefix="memgrade-", dir=self.workroot)
        os.chmod(self.work, 0o711)
        scratch = taskdir.make_scratch(self.work, "scratch")
        ref_scratch = taskdir.make_scratch(self.work, "reference-scratch")
        # The zygote imports the harness and the preload while the task is read and copied.
        self.zygote = self._start_zygote(plan["preload"], scratch)
        budget = [taskdir.MAX_COPY_BYTES]
        sources, reference_sources = taskdir.read_instructor_files(self.task_dir, budget)
        student_dir = taskdir.copy_submission(self.task_dir, self.work, budget)
        self.student = StudentRuns(plan, self.seed, self.drop, self.uid, self.gid, student_dir, scratch, sources,
                                   self._zygote, self.output, self.timings, self.findings)
        self.reference = ReferenceRun(plan, self.seed, self.drop, self.ref_uid, self.ref_gid, sources,
                                      reference_sources, ref_scratch, self._zygote, self.timings, self.findings)
        self.timings.lap("prepare_ms", t0)
        return plan

    def _start_zygote(self, preload, scratch):
        """The run's warm interpreter, starting in the background; None without one."""
        if not self.use_zygote:
            return None
        try:
            return procs.Zygote(preload, scratch)
        except (OSError, ValueError) as exc:
            self.findings.warn("no zygote, fresh interpreters instead: %s" % exc)
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
                    self.findings.warn("no zygote, fresh interpreters instead: %s" % exc)
                    self.timings.data["zygote_ms"] = ms(z.ready_s or 0)
                    self.zygote = None
                    z.close()
            return None

    # ------------------------------------------------------------ the run
    def grade(self):
        t0 = time.monotonic()
        plan = self.prepare()
        self.reference.start()
        check = self.student.check()
        if not check["ok"]:
            # Nothing to compare: the reference's answers are not waited for.
            verdict = result.STUDENT_ERROR_VERDICTS.get(check["kind"], "import_error")
            tests = [result.test_entry(t, "error", check["message"], check.get("detail")) for t in plan["tests"]]
            return self.document("student_error", tests, [], t0, verdict=verdict,
                                 student_error={"kind": verdict, "message": check["message"],
                                                "detail": check.get("detail")})
        results = [self.student.test(i, t) for i, t in enumerate(plan["tests"])]
        runs = [self.student.workload(a) for a in plan["amplified"]]
        self.reference.finish()
        t1 = time.monotonic()
        oop = [reconcile.judge_amplified(a, r, self.reference, self.findings) for a, r in zip(plan["amplified"], runs)]
        checks = {r["id"]: r for r in oop}
        tests = [reconcile.decide(t, entry, answers, checks, self.reference, self.findings)
                 for t, (entry, answers) in zip(plan["tests"], results)]
        self.timings.lap("decide_ms", t1)
        return self.document("ok", tests, oop, t0, verdict=result.run_verdict(tests))

    def document(self, status, tests, oop, t0, error=None, verdict=None, student_error=None):
        zygote = self.zygote
        return result.document(status, tests, oop, t0, self.findings, self.output, self.timings, self.seed,
                               output_limit=self.plan["output_limit_bytes"] if self.plan is not None else 65536,
                               zygote_ready_s=zygote.ready_s if zygote is not None else None,
                               error=error, verdict=verdict, student_error=student_error)

    def cleanup(self):
        if self.zygote is not None:
            self.zygote.kill()
        if self.work:
            shutil.rmtree(self.work, ignore_errors=True)


def judge(task_dir, uid=DEFAULT_UID, gid=DEFAULT_GID, drop=True, workroot=None, seed=None,
          reference_uid=REFERENCE_UID, reference_gid=REFERENCE_GID, use_zygote=True, emit=None):
    """Grade the task; return the result document (a dict).  *emit*, when given, is handed the
    document before the clean-up, so the answer does not wait for it."""
    j = Judge(task_dir, uid, gid, drop, workroot, reference_uid, reference_gid, seed, use_zygote)
    try:
        doc = _decide(j)
        if emit is not None:
            emit(doc)
        return doc
    finally:
        j.cleanup()


def _decide(j):
    t0 = time.monotonic()
    try:
        return j.grade()
    except planmod.PlanError as exc:
        return j.document("plan_error", [], [], t0, error=str(exc))
    except Exception as exc:  # noqa: BLE001 - always produce a signed answer
        import traceback
        tests = [result.test_entry(t, "sandbox_error", "internal grading error (not your fault)")
                 for t in ((j.plan or {}).get("tests") or [])]
        return j.document("harness_error", tests, [], t0,
                          error="%s: %s\n%s" % (type(exc).__name__, exc, traceback.format_exc()[-4000:]))
