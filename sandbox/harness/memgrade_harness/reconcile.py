"""The decision: the student's processes' reports set against the judge's own evidence — the
reference solution's answers for this run's seed, and the kernel's memory figures of the
workloads (judge.py's docstring has the three conditions).  Nothing here runs or starts a process.
"""

from . import evidence, procs


def _workload_problem(a, runs, ref_runs, reference_error, result, findings):
    """Why the student's runs of check *a* prove nothing (None when they do); marks *result*."""
    w = a["workload"]
    expected = {"baseline": w["warmup"], "amplified": w["warmup"] + w["calls"]}
    for phase, out in runs.items():
        label = "out-of-process check %s (%s)" % (a["id"], phase)
        if findings.channel(label, out):
            return "its process sent messages the harness did not write"
        done = out.first("done")
        if out.timed_out:
            return procs.timeout_message(out, a["time_limit_s"])
        if done is None:
            return "the %s run ended without a result (%s)" % (phase, out.describe_exit())
        findings.runtime(label, done)
        if "error" in done:
            if done.get("kind") == "blocked":
                result["blocked"] = True
            return "%s (%s run, %d calls)" % (str(done["error"])[:500], phase, expected[phase])
        ref = (ref_runs or {}).get(phase) if isinstance(ref_runs, dict) else None
        if not isinstance(ref, dict) or "answer" not in ref:
            result["grader_error"] = True
            findings.warn("out-of-process check %s: no reference answer for the %s run: %s"
                          % (a["id"], phase, ref.get("error") if isinstance(ref, dict) else reference_error))
            return "the reference solution's answer for this check is missing (not your fault)"
        if not evidence.same(ref["answer"], done.get("answer")):
            result["disagreed"] = True
            return ("the %s run did not produce the results of a working solution (it returned %s)"
                    % (phase, evidence.describe(done.get("answer"))))
    return None


def judge_amplified(a, runs, reference, findings):
    """The verdict of out-of-process check *a* from the student's two runs (Outcomes by phase)."""
    w = a["workload"]
    result = {"id": a["id"], "passed": False, "max_growth_mib": a["max_growth_mib"],
              "calls": w["calls"], "kind": w["kind"], "gc": a["gc"]}
    if a.get("min_growth_mib") is not None:
        result["min_growth_mib"] = a["min_growth_mib"]
    for phase, out in runs.items():
        result[phase + "_rss_mib"] = round(out.maxrss_kib / 1024.0, 2)
        result[phase + "_ms"] = round(out.wall_s * 1000, 1)
    growth = round((runs["amplified"].maxrss_kib - runs["baseline"].maxrss_kib) / 1024.0, 2)
    result["growth_mib"] = growth
    ref_runs = reference.workloads.get(a["id"])
    ref_amplified = ref_runs.get("amplified") if isinstance(ref_runs, dict) else None
    # Only a workload that returns something proves that the work was done.
    result["proves_work"] = isinstance(ref_amplified, dict) and ref_amplified.get("answer") is not None
    problem = _workload_problem(a, runs, ref_runs, reference.error, result, findings)
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


def _difference_message(diff):
    label, want, have, how = diff
    if how == "missing":
        return "your code did not produce the result %r the test checks" % label
    if how == "extra":
        return "your code produced more results than the test expects"
    return "%r should be %s, but your code gave %s" % (label, evidence.describe(want), evidence.describe(have))


def _check_answers(t, entry, answers, checks, reference, findings):
    """A passed test against the reference's answers: it stays passed, or becomes grader_error or
    disagreed."""
    ref = reference.tests.get(t["id"])
    if ref is None or ref.get("status") != "passed":
        why = (ref or {}).get("message") or reference.error or "no reference result"
        entry.update(status="grader_error", message="The grader could not check this test against the "
                                                    "reference solution (not your fault).",
                     detail="reference: %s" % str(why)[:1000])
        findings.warn("test %r: the reference solution did not pass in this run: %s" % (t["name"], str(why)[:500]))
        return
    expected = (ref.get("answers") or {}).get("items") or []
    got = (answers or {}).get("items") if isinstance((answers or {}).get("items"), list) else []
    entry["evidence"]["answers"] = len(expected)
    if not expected and not any(checks[b].get("proves_work") for b in t["backed_by"]):
        entry.update(status="grader_error", message="This test gives the judge nothing to check (not your fault).",
                     detail="no answer() in the reference run, and no out-of-process check whose "
                            "workload returns a result: the test cannot award points")
        return
    diff = evidence.first_difference(expected, got)
    entry["evidence"]["answers_match"] = diff is None
    if diff is not None:
        entry.update(status="disagreed", message="The checks in this test passed, but the values your code "
                                                 "returned are not those of a working solution: "
                                                 + _difference_message(diff) + ".")


def decide(t, entry, answers, checks, reference, findings):
    """The test's points, from the judge's own evidence (judge.py's docstring)."""
    entry["evidence"] = {"answers": 0, "answers_match": None, "backed_by": list(t["backed_by"])}
    if entry["status"] == "passed":
        _check_answers(t, entry, answers, checks, reference, findings)
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
                findings.contradiction(t["name"], bid, why, r.get("disagreed"))
        else:
            entry["detail"] = ((entry.get("detail") or "") + "\nout-of-process check %s: %s" % (bid, why)).strip()
    if entry["status"] == "disagreed":
        findings.evidence_disagreed(t["name"], entry["message"])
    entry["passed"] = entry["status"] == "passed"
    entry["score"] = t["points"] if entry["passed"] else 0
    return entry
