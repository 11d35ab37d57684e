#!/usr/bin/env python3
"""Run an exercise's tests IN PROCESS with any Python (e.g. 3.12 / 3.13 from pyenv) to check that
the graders behave the same across versions — for your own reference/starter/wrong solutions only.

    python3.13 exercises/.tools/inproc.py exercises/weak-cache [reference|starter|wrong ...]

No sandbox, no supervisor, no uid switch, no out-of-process checks, no reference figures (relative
memory budgets fall back to their absolute part): each test runs in a fresh interpreter of the
Python given, with memgrade_harness's assertion library imported from sandbox/harness.  Tests of
exercises that preload modules this Python lacks (numpy, pandas) are reported as skipped.
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
HARNESS = os.path.join(REPO, "sandbox", "harness")

CHILD = r"""
import json, os, sys, importlib
cfg = json.loads(sys.argv[1])
from memgrade_harness import _trusted
_trusted.load_measurement_tools()
from memgrade_harness import api, errors
from memgrade_harness.errors import MemgradeFailure, StudentError, HarnessUsageError
errors.set_student_files({os.path.join(cfg["student_dir"], f): f for f in cfg["student_files"]})
sys.path.insert(0, cfg["tests_dir"])
for name in cfg["preload"]:
    importlib.import_module(name)
api.set_context(api.Context(test_name=cfg["name"], student_dir=cfg["student_dir"],
                            student_files=cfg["student_files"], reference={}, in_test=True))
mod = importlib.import_module(cfg["module"])
t = {d.name: d for d in api.registered(mod.__name__)}[cfg["name"]]
try:
    t.func()
    out = {"status": "passed"}
except MemgradeFailure as e:
    out = {"status": "failed", "message": e.message}
except AssertionError as e:
    out = {"status": "failed", "message": str(e)}
except StudentError as e:
    out = {"status": "error", "message": e.message}
except HarnessUsageError as e:
    out = {"status": "grader_error", "message": str(e)}
except Exception as e:
    out = {"status": "error", "message": "%s: %s" % (type(e).__name__, e)}
print("RESULT " + json.dumps(out))
"""


def load_spec(ex_dir):
    try:
        import yaml
        return yaml.safe_load(open(os.path.join(ex_dir, "exercise.yaml")))
    except ImportError:
        sys.exit("needs PyYAML for this Python (or run with /usr/bin/python3 and --python)")


def main():
    args = sys.argv[1:]
    python = sys.executable
    if "--python" in args:
        i = args.index("--python")
        python = args[i + 1]
        del args[i:i + 2]
    ex_dir = os.path.abspath(args[0])
    sols = args[1:] or ["reference", "starter", "wrong"]
    spec = load_spec(ex_dir)
    files = spec.get("student_files", ["solution.py"])
    preload = spec.get("preload", [])
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"],
                             stdout=subprocess.PIPE, text=True).stdout.strip()
    for sol in sols:
        sdir = os.path.join(ex_dir, sol)
        score = total = 0
        lines = []
        for t in spec["tests"]:
            total += t.get("points", 1)
            cfg = {"student_dir": sdir, "student_files": files, "tests_dir": os.path.join(ex_dir, "tests"),
                   "module": t["module"], "name": t["name"], "preload": preload}
            env = dict(os.environ, PYTHONPATH=HARNESS, PYTHONHASHSEED="0", PYTHONDONTWRITEBYTECODE="1")
            p = subprocess.run([python, "-c", CHILD, json.dumps(cfg)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env=env, cwd=sdir, timeout=120)
            res = None
            for line in p.stdout.splitlines():
                if line.startswith("RESULT "):
                    res = json.loads(line[7:])
            if res is None:
                if "ModuleNotFoundError" in p.stderr and any(m in p.stderr for m in preload):
                    res = {"status": "skipped", "message": "preload missing"}
                else:
                    res = {"status": "crashed", "message": p.stderr.strip().splitlines()[-1:] or ""}
            if res["status"] == "passed":
                score += t.get("points", 1)
            lines.append("   %-8s %s%s" % (res["status"], t["name"],
                                          "" if res["status"] == "passed" else " — " + str(res.get("message"))[:300]))
        print("== Python %s %s/%s: %s/%s" % (version, os.path.basename(ex_dir), sol, score, total))
        print("\n".join(lines))


if __name__ == "__main__":
    main()
