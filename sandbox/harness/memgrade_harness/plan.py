"""plan.json: what to run, how many points, which limits.  See README.md, "plan.json"."""

import json
import os
import re

DEFAULTS = {"time_limit_s": 10.0, "memory_mib": 256, "startup_limit_s": 30.0}
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")
WORKLOAD_KINDS = ("calls", "build", "custom")


class PlanError(ValueError):
    pass


def _num(d, key, default, lo, hi, where):
    v = d.get(key, default)
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not (lo <= v <= hi):
        raise PlanError("%s.%s must be a number in [%s, %s], got %r" % (where, key, lo, hi, v))
    return v


def _str(d, key, where, pattern=None, required=True, default=None):
    v = d.get(key, default)
    if v is None and not required:
        return None
    if not isinstance(v, str) or not v or (pattern and not pattern.match(v)):
        raise PlanError("%s.%s must be a %s string, got %r" % (where, key, "valid" if pattern else "non-empty", v))
    return v


def validate(raw):
    if not isinstance(raw, dict):
        raise PlanError("plan must be a JSON object")
    if raw.get("format") != 1:
        raise PlanError("plan.format must be 1")
    plan = {"format": 1, "exercise": raw.get("exercise", "")}
    files = raw.get("student_files")
    if not isinstance(files, list) or not files or not all(isinstance(f, str) and _FILE.match(f) for f in files):
        raise PlanError("plan.student_files must be a non-empty list of plain file names")
    plan["student_files"] = list(files)
    defaults = dict(DEFAULTS)
    d = raw.get("defaults", {})
    if not isinstance(d, dict):
        raise PlanError("plan.defaults must be an object")
    defaults["time_limit_s"] = _num(d, "time_limit_s", DEFAULTS["time_limit_s"], 0.1, 600, "defaults")
    defaults["memory_mib"] = _num(d, "memory_mib", DEFAULTS["memory_mib"], 16, 16384, "defaults")
    defaults["startup_limit_s"] = _num(d, "startup_limit_s", DEFAULTS["startup_limit_s"], 1, 120, "defaults")
    plan["defaults"] = defaults
    pre = raw.get("preload", [])
    if not isinstance(pre, list) or not all(isinstance(p, str) and _NAME.match(p) for p in pre):
        raise PlanError("plan.preload must be a list of module names")
    plan["preload"] = pre
    plan["output_limit_bytes"] = int(_num(raw, "output_limit_bytes", 65536, 0, 1 << 22, "plan"))
    ref = raw.get("reference", {})
    if not isinstance(ref, dict):
        raise PlanError("plan.reference must be an object")
    plan["reference"] = ref
    allow = raw.get("allow", [])
    from .guard import ALLOWABLE
    if not isinstance(allow, list) or not all(isinstance(a, str) and a in ALLOWABLE for a in allow):
        raise PlanError("plan.allow must be a list of: %s" % ", ".join(ALLOWABLE))
    plan["allow"] = list(allow)

    amps = raw.get("amplified", [])
    if not isinstance(amps, list):
        raise PlanError("plan.amplified must be a list")
    plan["amplified"] = []
    ids = set()
    for i, a in enumerate(amps):
        where = "amplified[%d]" % i
        if not isinstance(a, dict):
            raise PlanError("%s must be an object" % where)
        aid = _str(a, "id", where)
        if aid in ids:
            raise PlanError("%s.id %r is used twice" % (where, aid))
        ids.add(aid)
        w = a.get("workload")
        if not isinstance(w, dict) or w.get("kind") not in WORKLOAD_KINDS:
            raise PlanError("%s.workload.kind must be one of %s" % (where, ", ".join(WORKLOAD_KINDS)))
        wk = dict(w)
        if w["kind"] in ("calls", "build"):
            wk["module"] = _str(w, "module", where + ".workload", _NAME, required=False, default="solution")
            _str(w, "function", where + ".workload", _NAME)
        else:
            _str(w, "module", where + ".workload", _NAME)
            _str(w, "function", where + ".workload", _NAME)
        wk["calls"] = int(_num(w, "calls", 20000, 1, 10 ** 7, where + ".workload"))
        wk["warmup"] = int(_num(w, "warmup", 10, 0, 10 ** 6, where + ".workload"))
        wk["arg_bytes"] = int(_num(w, "arg_bytes", 4096, 0, 1 << 20, where + ".workload"))
        args = w.get("args", [])
        if not isinstance(args, list):
            raise PlanError("%s.workload.args must be a list" % where)
        entry = {
            "id": aid,
            "workload": wk,
            "gc": a.get("gc", "on"),
            "max_growth_mib": _num(a, "max_growth_mib", 20, 0.1, 65536, where),
            "min_growth_mib": (_num(a, "min_growth_mib", None, 0, 65536, where)
                               if a.get("min_growth_mib") is not None else None),
            "time_limit_s": _num(a, "time_limit_s", 60, 1, 600, where),
            "memory_mib": _num(a, "memory_mib", 256, 32, 16384, where),
            "message": a.get("message"),
        }
        if entry["gc"] not in ("on", "off"):
            raise PlanError("%s.gc must be \"on\" or \"off\"" % where)
        plan["amplified"].append(entry)

    tests = raw.get("tests")
    if not isinstance(tests, list) or not tests:
        raise PlanError("plan.tests must be a non-empty list")
    plan["tests"] = []
    seen = set()
    for i, t in enumerate(tests):
        where = "tests[%d]" % i
        if not isinstance(t, dict):
            raise PlanError("%s must be an object" % where)
        module = _str(t, "module", where, _NAME)
        name = _str(t, "name", where)
        if (module, name) in seen:
            raise PlanError("%s: test %r in %s is listed twice" % (where, name, module))
        seen.add((module, name))
        backed = t.get("backed_by", [])
        if not isinstance(backed, list) or not all(b in ids for b in backed):
            raise PlanError("%s.backed_by must list ids of plan.amplified entries" % where)
        hidden = t.get("hidden", False)
        if not isinstance(hidden, bool):
            raise PlanError("%s.hidden must be true or false" % where)
        plan["tests"].append({
            "id": t.get("id") or "%s::%s" % (module, name),
            "module": module,
            "name": name,
            "points": _num(t, "points", 1, 0, 1000, where),
            "hidden": hidden,
            "time_limit_s": _num(t, "time_limit_s", defaults["time_limit_s"], 0.1, 600, where),
            "memory_mib": _num(t, "memory_mib", defaults["memory_mib"], 16, 16384, where),
            "backed_by": backed,
        })
    return plan


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
