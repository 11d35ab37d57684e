"""plan.json: what to run, how many points, which limits.  See README.md, "plan.json"."""

import json
import os
import re

# The fields' ranges, enums and patterns, shared with exercise.yaml's schema (plan_fields.json says how).
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "plan_fields.json"), "rb") as _f:
    FIELDS = json.loads(_f.read().decode("utf-8"))
_NUMBERS = FIELDS["numbers"]
_STRINGS = FIELDS["strings"]
DEFAULTS = {k: _NUMBERS["defaults." + k]["default"] for k in ("time_limit_s", "memory_mib", "startup_limit_s")}
_NAME = re.compile(FIELDS["patterns"]["module"])
_FILE = re.compile(FIELDS["patterns"]["file"])
_CHECK_ID = re.compile(FIELDS["patterns"]["check_id"])
WORKLOAD_KINDS = tuple(FIELDS["enums"]["workload_kind"])
GC_MODES = tuple(FIELDS["enums"]["gc"])
ALLOWABLE = tuple(FIELDS["enums"]["allow"])
_UNSET = object()


class PlanError(ValueError):
    pass


def _num(d, key, field, where, default=_UNSET):
    """*d[key]*, a number within the bounds of *field* (a key of plan_fields.json's "numbers")."""
    spec = _NUMBERS[field]
    lo, hi, whole = spec["min"], spec["max"], spec.get("integer", False)
    v = d.get(key, spec.get("default") if default is _UNSET else default)
    if (isinstance(v, bool) or not isinstance(v, (int, float)) or not (lo <= v <= hi)
            or (whole and v != int(v))):
        raise PlanError("%s.%s must be a %s in [%s, %s], got %r"
                        % (where, key, "whole number" if whole else "number", lo, hi, v))
    return v


def _str(d, key, where, pattern=None, required=True, default=None, max_length=None):
    v = d.get(key, default)
    if v is None and not required:
        return None
    if (not isinstance(v, str) or not v.strip() or (pattern and not pattern.fullmatch(v))
            or (max_length is not None and len(v.strip()) > max_length)):
        what = ("valid" if pattern else "non-empty" if max_length is None
                else "non-empty (at most %d characters)" % max_length)
        raise PlanError("%s.%s must be a %s string, got %r" % (where, key, what, v))
    return v


def validate(raw):
    if not isinstance(raw, dict):
        raise PlanError("plan must be a JSON object")
    if raw.get("format") != 1:
        raise PlanError("plan.format must be 1")
    plan = {"format": 1, "exercise": raw.get("exercise", "")}
    files = raw.get("student_files", FIELDS["student_files_default"])
    if not isinstance(files, list) or not files or not all(isinstance(f, str) and _FILE.fullmatch(f) for f in files):
        raise PlanError("plan.student_files must be a non-empty list of plain file names")
    plan["student_files"] = list(files)
    d = raw.get("defaults", {})
    if not isinstance(d, dict):
        raise PlanError("plan.defaults must be an object")
    plan["defaults"] = defaults = {k: _num(d, k, "defaults." + k, "defaults") for k in DEFAULTS}
    pre = raw.get("preload", [])
    if not isinstance(pre, list) or not all(isinstance(p, str) and _NAME.fullmatch(p) for p in pre):
        raise PlanError("plan.preload must be a list of module names")
    plan["preload"] = pre
    plan["output_limit_bytes"] = int(_num(raw, "output_limit_bytes", "plan.output_limit_bytes", "plan"))
    ref = raw.get("reference", {})
    if not isinstance(ref, dict):
        raise PlanError("plan.reference must be an object")
    plan["reference"] = ref
    allow = raw.get("allow", [])
    if not isinstance(allow, list) or not all(isinstance(a, str) and a in ALLOWABLE for a in allow):
        raise PlanError("plan.allow must be a list of: %s" % ", ".join(ALLOWABLE))
    plan["allow"] = list(allow)
    amps = raw.get("amplified", [])
    if not isinstance(amps, list):
        raise PlanError("plan.amplified must be a list")
    plan["amplified"] = []
    for i, a in enumerate(amps):
        plan["amplified"].append(_amplified(a, "amplified[%d]" % i, {x["id"] for x in plan["amplified"]}))
    tests = raw.get("tests")
    if not isinstance(tests, list) or not tests:
        raise PlanError("plan.tests must be a non-empty list")
    plan["tests"] = []
    seen = set()
    ids = {a["id"] for a in plan["amplified"]}
    for i, t in enumerate(tests):
        plan["tests"].append(_test(t, "tests[%d]" % i, defaults, ids, seen))
    return plan


def _workload(w, where):
    if not isinstance(w, dict) or w.get("kind") not in WORKLOAD_KINDS:
        raise PlanError("%s.workload.kind must be one of %s" % (where, ", ".join(WORKLOAD_KINDS)))
    wk = dict(w)
    where += ".workload"
    if w["kind"] in ("calls", "build"):
        wk["module"] = _str(w, "module", where, _NAME, required=False, default="solution")
    else:
        _str(w, "module", where, _NAME)
    _str(w, "function", where, _NAME)
    wk["calls"] = int(_num(w, "calls", "workload.calls", where))
    wk["warmup"] = int(_num(w, "warmup", "workload.warmup", where))
    wk["arg_bytes"] = int(_num(w, "arg_bytes", "workload.arg_bytes", where))
    if not isinstance(w.get("args", []), list):
        raise PlanError("%s.args must be a list" % where)
    return wk


def _amplified(a, where, ids):
    """One out-of-process check; *ids*: those of the checks before it."""
    if not isinstance(a, dict):
        raise PlanError("%s must be an object" % where)
    aid = _str(a, "id", where, _CHECK_ID)
    if aid in ids:
        raise PlanError("%s.id %r is used twice" % (where, aid))
    entry = {
        "id": aid,
        "workload": _workload(a.get("workload"), where),
        "gc": a.get("gc", "on"),
        "max_growth_mib": _num(a, "max_growth_mib", "amplified.max_growth_mib", where),
        "min_growth_mib": (_num(a, "min_growth_mib", "amplified.min_growth_mib", where)
                           if a.get("min_growth_mib") is not None else None),
        "time_limit_s": _num(a, "time_limit_s", "amplified.time_limit_s", where),
        "memory_mib": _num(a, "memory_mib", "amplified.memory_mib", where),
        "message": a.get("message"),
    }
    if entry["gc"] not in GC_MODES:
        raise PlanError("%s.gc must be %s" % (where, " or ".join('"%s"' % g for g in GC_MODES)))
    return entry


def _test(t, where, defaults, check_ids, seen):
    """One test; *seen*: the (module, name) of the tests before it."""
    if not isinstance(t, dict):
        raise PlanError("%s must be an object" % where)
    module = _str(t, "module", where, _NAME)
    name = _str(t, "name", where, max_length=_STRINGS["test.name"]["max_length"])
    if (module, name) in seen:
        raise PlanError("%s: test %r in %s is listed twice" % (where, name, module))
    seen.add((module, name))
    tid = _str(t, "id", where, required=False, max_length=_STRINGS["test.id"]["max_length"]) if "id" in t else None
    backed = t.get("backed_by", [])
    if not isinstance(backed, list) or not all(b in check_ids for b in backed):
        raise PlanError("%s.backed_by must list ids of plan.amplified entries" % where)
    hidden = t.get("hidden", False)
    if not isinstance(hidden, bool):
        raise PlanError("%s.hidden must be true or false" % where)
    return {
        "id": tid or "%s::%s" % (module, name),
        "module": module,
        "name": name,
        "points": _num(t, "points", "test.points", where),
        "hidden": hidden,
        "time_limit_s": _num(t, "time_limit_s", "test.time_limit_s", where, defaults["time_limit_s"]),
        "memory_mib": _num(t, "memory_mib", "test.memory_mib", where, defaults["memory_mib"]),
        "backed_by": backed,
    }


def load(task_dir):
    path = os.path.join(task_dir, "plan.json")
    try:
        with open(path, "rb") as f:
            raw = json.loads(f.read().decode("utf-8"))
    except OSError as exc:
        raise PlanError("cannot read %s: %s" % (path, exc.strerror)) from None
    except ValueError as exc:
        raise PlanError("plan.json is not valid JSON: %s" % exc) from None
    return validate(raw)
