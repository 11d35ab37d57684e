"""Authoring helpers (not used by the worker):

  python3 -m memgrade_harness collect --tests DIR [--student-files solution.py]
      print a plan.json skeleton from the @test decorators in DIR/test_*.py
  python3 -m memgrade_harness reference --task DIR [--runs 5] [--no-drop]
      grade the task's student/ (put the reference solution there) RUNS times and print the
      "reference" object (median peak per measurement key) to paste into plan.json
  python3 -m memgrade_harness verify --key KEY [FILE]
      check a result frame (from FILE or stdin) and print its document
"""

import argparse
import importlib
import json
import os
import secrets
import statistics
import sys

from . import api, frame


def collect(tests_dir, student_files):
    sys.path.insert(0, os.path.abspath(tests_dir))
    tests = []
    for fname in sorted(os.listdir(tests_dir)):
        if fname.startswith("test") and fname.endswith(".py"):
            mod = importlib.import_module(fname[:-3])
            for t in api.registered(mod.__name__):
                tests.append(t.meta())
    return {"format": 1, "student_files": student_files, "tests": tests}


def reference(task, runs, drop):
    from .supervisor import supervise
    figures = {}
    for _ in range(runs):
        doc = supervise(task, secrets.token_bytes(32), drop=drop)
        if doc["status"] != "ok":
            why = doc.get("error") or [t["message"] for t in doc["tests"]]
            raise SystemExit("reference run failed: %s %s" % (doc["status"], why))
        for t in doc["tests"]:
            for k, v in t["measurements"].items():
                if k.startswith("memory") and isinstance(v, dict) and "key" in v:
                    figures.setdefault(v["key"], {}).setdefault(v["method"] + "_peak_mib", []).append(v["peak_mib"])
    return {k: {m: round(statistics.median(vals), 3) for m, vals in d.items()} for k, d in figures.items()}


def main(argv):
    p = argparse.ArgumentParser(prog="python3 -m memgrade_harness")
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("collect")
    c.add_argument("--tests", required=True)
    c.add_argument("--student-files", nargs="+", default=["solution.py"])
    r = sub.add_parser("reference")
    r.add_argument("--task", required=True)
    r.add_argument("--runs", type=int, default=5)
    r.add_argument("--no-drop", action="store_true")
    v = sub.add_parser("verify")
    v.add_argument("--key", required=True, help="the run key, as sent on stdin")
    v.add_argument("file", nargs="?")
    args = p.parse_args(argv)
    if args.cmd == "collect":
        print(json.dumps(collect(args.tests, args.student_files), indent=2))
    elif args.cmd == "reference":
        drop = not args.no_drop and os.geteuid() == 0
        print(json.dumps({"reference": reference(args.task, args.runs, drop)}, indent=2, sort_keys=True))
    else:
        data = open(args.file, "rb").read() if args.file else sys.stdin.buffer.read()
        try:
            docs = frame.decode_all(args.key.encode("utf-8"), frame.RESULT_DOMAIN, data)
        except frame.FrameError as exc:
            print("INVALID: %s" % exc, file=sys.stderr)
            return 1
        if len(docs) != 1:
            print("INVALID: %d frames" % len(docs), file=sys.stderr)
            return 1
        print(json.dumps(docs[0], indent=2, sort_keys=True))
    return 0
