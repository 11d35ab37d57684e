"""The result document (README, "Result document"): one entry per test, and the run's verdict."""

import platform
import time

from .version import HARNESS_VERSION, RESULT_FORMAT

# The run's verdict when the import check failed, by the kind of failure.
STUDENT_ERROR_VERDICTS = {"syntax": "syntax_error", "timeout": "timeout", "memory": "memory_limit"}


def test_entry(t, status, message="", detail=None, measurements=None, **more):
    """A test's entry, 0 points until the judge decides otherwise; *t* is the plan's test."""
    entry = {"id": t["id"], "name": t["name"], "module": t["module"], "hidden": t["hidden"],
             "max_score": t["points"], "score": 0, "passed": False, "status": status,
             "message": message, "detail": detail, "measurements": {} if measurements is None else measurements}
    entry.update(more)
    return entry


def run_verdict(tests):
    """``timeout`` / ``memory_limit`` / ``crashed`` when every failing test failed that way, else ``ok``."""
    failed = [t["status"] for t in tests if not t["passed"]]
    for kind in ("timeout", "memory_limit", "crashed"):
        if failed and all(s in (kind, "passed") for s in failed):
            return kind
    return "ok"


def document(status, tests, oop, t0, findings, output, timings, seed, output_limit=65536,
             zygote_ready_s=None, error=None, verdict=None, student_error=None):
    """The whole document; *findings*, *output* and *timings* are the run's collectors."""
    doc = {
        "format": RESULT_FORMAT,
        "status": status,
        "verdict": verdict or ("ok" if status == "ok" else "error"),
        "score": sum(t["score"] for t in tests),
        "max_score": sum(t["max_score"] for t in tests),
        "tests": tests,
        "flags": findings.unique_flags(),
        "out_of_process": oop,
        "student_output": output.document(output_limit),
        "warnings": findings.warnings,
        "seed": seed,
        "harness_version": HARNESS_VERSION,
        "python_version": platform.python_version(),
        "duration_ms": round((time.monotonic() - t0) * 1000, 1),
        "timings": timings.document(zygote_ready_s),
    }
    if student_error:
        doc["student_error"] = student_error
    if error:
        doc["error"] = error
    return doc
