#!/usr/bin/python3
"""Try an exercise of the catalog in the sandbox image (until `memgrade validate` lands).

    exercises/.tools/try.sh EXERCISE_DIR [SOLUTION_DIR ...] [--runs N] [--json FILE] [--quiet]
    exercises/.tools/try.sh EXERCISE_DIR --check [--runs N]     # reference, starter, wrong (N× each)
    exercises/.tools/try.sh --lint [EXERCISE_DIR ...]            # folder format only, no Docker

For each solution dir it builds a task directory (plan.json from exercise.yaml plus
"format": 1, "exercise": <slug> and the "reference" figures measured by running the harness's
`reference` command on reference/ in the container), copies tests/ and the solution as
student/, grades it in a container run with the flags of the harness README's container
contract, verifies the signed frame, and prints the score, every test's status and message and
the out-of-process checks.  Reference figures are cached in /tmp per exercise content hash.

Needs Docker, /usr/bin/python3 with PyYAML (apt-get install -y python3-yaml), and the sandbox
image (scripts/sandbox-image.sh builds it).  Never runs the harness on the host.
"""

import argparse
import hashlib
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
CACHE = os.path.join(tempfile.gettempdir(), "memgrade-exercise-refs")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PLAN_FIELDS = {"title", "student_files", "limits", "defaults", "preload", "tests", "amplified",
               "output_limit_bytes", "description"}


def image():
    out = subprocess.run(["bash", os.path.join(REPO, "scripts", "sandbox-image.sh")],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True, text=True)
    return out.stdout.strip()


def load_spec(ex_dir):
    with open(os.path.join(ex_dir, "exercise.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


def lint(ex_dir):
    """Problems with the folder format (empty list = fine)."""
    problems = []
    slug = os.path.basename(os.path.normpath(ex_dir))
    if not SLUG.match(slug):
        problems.append("slug %r is not lower-case letters, digits and '-'" % slug)
    try:
        spec = load_spec(ex_dir)
    except Exception as exc:  # noqa: BLE001
        return ["exercise.yaml: %s" % exc]
    for k in spec:
        if k not in PLAN_FIELDS:
            problems.append("exercise.yaml: unexpected field %r" % k)
    if "reference" in spec:
        problems.append("exercise.yaml must not contain reference figures")
    if not spec.get("title"):
        problems.append("exercise.yaml: title is required")
    files = spec.get("student_files", ["solution.py"])
    for sub in ("starter", "reference", "wrong"):
        for f in files:
            if not os.path.isfile(os.path.join(ex_dir, sub, f)):
                problems.append("%s/%s is missing" % (sub, f))
    if not os.path.isfile(os.path.join(ex_dir, "statement.md")):
        problems.append("statement.md is missing")
    ids = [a["id"] for a in spec.get("amplified", []) or []]
    names = set()
    hidden = visible = 0
    for t in spec.get("tests") or []:
        mod = t["module"]
        path = os.path.join(ex_dir, "tests", mod.replace(".", "/") + ".py")
        if not os.path.isfile(path):
            problems.append("tests/%s.py is missing" % mod)
            continue
        src = open(path, encoding="utf-8").read()
        if ('@test("%s"' % t["name"]) not in src and ("@test('%s'" % t["name"]) not in src:
            problems.append("no @test(%r) in tests/%s.py" % (t["name"], mod))
        for b in t.get("backed_by", []):
            if b not in ids:
                problems.append("test %r: backed_by %r is not an amplified id" % (t["name"], b))
        if (mod, t["name"]) in names:
            problems.append("test %r listed twice" % t["name"])
        names.add((mod, t["name"]))
        if t.get("hidden"):
            hidden += 1
        else:
            visible += 1
    if not spec.get("tests"):
        problems.append("no tests")
    if not hidden or not visible:
        problems.append("needs visible and hidden tests (visible %d, hidden %d)" % (visible, hidden))
    used = {b for t in spec.get("tests") or [] for b in t.get("backed_by", [])}
    for i in ids:
        if i not in used:
            problems.append("amplified check %r backs no test" % i)
    return problems


def plan_from_spec(spec, slug):
    plan = {k: v for k, v in spec.items() if k not in ("title", "limits", "description")}
    plan["format"] = 1
    plan["exercise"] = slug
    plan.setdefault("student_files", ["solution.py"])
    return plan


def container_mib(spec):
    lim = (spec.get("limits") or {}).get("memory_mib")
    if lim:
        return int(lim)
    d = (spec.get("defaults") or {}).get("memory_mib", 256)
    vals = [d] + [t.get("memory_mib", d) for t in spec["tests"]] + [a.get("memory_mib", 256) for a in spec.get("amplified") or []]
    return int(max(vals)) + 160


def ex_hash(ex_dir):
    h = hashlib.sha256()
    for root, dirs, files in sorted(os.walk(ex_dir)):
        dirs.sort()
        rel = os.path.relpath(root, ex_dir)
        if rel.split(os.sep)[0] in ("starter", "wrong"):
            continue
        for f in sorted(files):
            if f.endswith(".pyc"):
                continue
            p = os.path.join(root, f)
            h.update(os.path.relpath(p, ex_dir).encode() + b"\0" + open(p, "rb").read() + b"\0")
    return h.hexdigest()[:16]


def make_task(ex_dir, solution_dir, plan):
    task = tempfile.mkdtemp(prefix="memgrade-try-")
    with open(os.path.join(task, "plan.json"), "w") as f:
        json.dump(plan, f, indent=1)
    shutil.copytree(os.path.join(ex_dir, "tests"), os.path.join(task, "tests"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copytree(solution_dir, os.path.join(task, "student"),
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    subprocess.run(["chmod", "-R", "a+rX", task], check=True)
    return task


def docker_args(img, task, mem_mib):
    return ["docker", "run", "-i", "--rm", "--init", "--user", "0:0", "--cap-drop", "ALL",
            "--cap-add", "SETUID", "--cap-add", "SETGID", "--cap-add", "KILL",
            "--security-opt", "no-new-privileges", "--read-only",
            "--tmpfs", "/tmp:rw,nosuid,nodev,noexec,size=64m,mode=1777", "--network", "none",
            "--pids-limit", "128", "--memory", "%dm" % mem_mib, "--memory-swap", "%dm" % mem_mib,
            "-v", "%s:/sandbox/task:ro" % task, img]


def reference_figures(ex_dir, img, spec, runs=3):
    os.makedirs(CACHE, exist_ok=True)
    slug = os.path.basename(os.path.normpath(ex_dir))
    cache = os.path.join(CACHE, "%s-%s-%s.json" % (slug, ex_hash(ex_dir), img.split(":")[-1]))
    if os.path.exists(cache):
        return json.load(open(cache))
    plan = plan_from_spec(spec, slug)
    task = make_task(ex_dir, os.path.join(ex_dir, "reference"), plan)
    try:
        p = subprocess.run(docker_args(img, task, container_mib(spec)) +
                           ["python3", "-m", "memgrade_harness", "reference", "--task", "/sandbox/task",
                            "--runs", str(runs)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           stdin=subprocess.DEVNULL, text=True)
    finally:
        shutil.rmtree(task, ignore_errors=True)
    if p.returncode != 0:
        raise SystemExit("reference run failed (%d): %s %s" % (p.returncode, p.stdout[-2000:], p.stderr[-2000:]))
    ref = json.loads(p.stdout)["reference"]
    json.dump(ref, open(cache, "w"))
    return ref


def grade(ex_dir, solution_dir, img, spec, ref):
    slug = os.path.basename(os.path.normpath(ex_dir))
    plan = plan_from_spec(spec, slug)
    if ref:
        plan["reference"] = ref
    task = make_task(ex_dir, solution_dir, plan)
    key = secrets.token_hex(32)
    try:
        t0 = time.monotonic()
        p = subprocess.run(docker_args(img, task, container_mib(spec)) +
                           ["python3", "-m", "memgrade_harness", "--task", "/sandbox/task"],
                           input=(key + "\n").encode(), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        wall = time.monotonic() - t0
    finally:
        shutil.rmtree(task, ignore_errors=True)
    if p.returncode != 0 or not p.stdout:
        raise SystemExit("grading run failed (exit %d): %s" % (p.returncode, p.stderr.decode()[-3000:]))
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "frame.out"), "wb") as f:
            f.write(p.stdout)
        subprocess.run(["chmod", "-R", "a+rX", d], check=True)
        v = subprocess.run(["docker", "run", "-i", "--rm", "--network", "none", "-v", "%s:/w:ro" % d, img,
                            "python3", "-m", "memgrade_harness", "verify", "--key", key, "/w/frame.out"],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if v.returncode != 0:
        raise SystemExit("frame did not verify: %s" % v.stderr)
    doc = json.loads(v.stdout)
    doc["_wall_s"] = round(wall, 2)
    return doc


def fingerprint(doc):
    return (doc["status"], doc["score"], tuple((t["status"], t["score"]) for t in doc["tests"]),
            tuple((o["id"], o["passed"]) for o in doc.get("out_of_process", [])))


def show(doc, label, quiet=False):
    print("== %s: %s %s/%s  (harness %.0f ms, docker run %.2f s)" % (
        label, doc["status"], doc["score"], doc["max_score"], doc.get("duration_ms", 0), doc["_wall_s"]))
    if quiet:
        return
    if doc.get("error"):
        print("   error:", doc["error"][:2000])
    for t in doc["tests"]:
        print("   [%s] %-8s %s/%s %s%s (%.0f ms)" % ("H" if t["hidden"] else "V", t["status"], t["score"], t["max_score"],
                                                t["name"], "", t.get("duration_ms") or 0))
        if not t["passed"]:
            print("        message:", t["message"])
            if t.get("detail"):
                print("        detail:", "\n                ".join(str(t["detail"]).splitlines()[:12]))
        mem = t.get("measurements", {}).get("memory")
        if mem:
            print("        memory: peak %.3f MiB, limit %s (tol %s), ref %s" % (
                mem["peak_mib"], mem.get("limit_mib"), mem.get("limit_with_tolerance_mib"), mem.get("reference_peak_mib")))
    for o in doc.get("out_of_process", []):
        print("   oop %-22s growth %7.2f MiB (max %s) %s  base %.1f amp %.1f  %s/%s ms%s" % (
            o["id"], o["growth_mib"], o["max_growth_mib"], "PASS" if o["passed"] else "FAIL",
            o.get("baseline_rss_mib", 0), o.get("amplified_rss_mib", 0), o.get("baseline_ms"), o.get("amplified_ms"),
            ("  problem: " + o["problem"]) if o.get("problem") else ""))
    for fl in doc.get("flags", []):
        print("   flag %s/%s: %s %s" % (fl["severity"], fl["code"], fl["message"], fl.get("text", "")))
    for w in doc.get("warnings", []):
        print("   WARNING:", w[:500])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("exercise", nargs="*")
    ap.add_argument("--check", action="store_true", help="reference, starter and wrong, each --runs times")
    ap.add_argument("--lint", action="store_true")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--json", help="write the last result document here")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--show-ref", action="store_true")
    args = ap.parse_args()
    if args.lint:
        dirs = args.exercise or sorted(os.path.join(REPO, "exercises", d) for d in os.listdir(os.path.join(REPO, "exercises"))
                                       if not d.startswith(".") and os.path.isdir(os.path.join(REPO, "exercises", d)))
        bad = 0
        for d in dirs:
            probs = lint(d)
            print("%-28s %s" % (os.path.basename(d), "ok" if not probs else "; ".join(probs)))
            bad += bool(probs)
        return 1 if bad else 0
    ex_dir = os.path.abspath(args.exercise[0])
    probs = lint(ex_dir)
    if probs:
        print("lint:", "; ".join(probs))
    spec = load_spec(ex_dir)
    img = image()
    ref = reference_figures(ex_dir, img, spec)
    if args.show_ref:
        print("reference figures:", json.dumps(ref))
    sols = args.exercise[1:]
    if args.check:
        sols = [(os.path.join(ex_dir, "reference"), args.runs), (os.path.join(ex_dir, "starter"), args.runs),
                (os.path.join(ex_dir, "wrong"), args.runs)]
    else:
        sols = [(os.path.abspath(s), args.runs) for s in (sols or [os.path.join(ex_dir, "reference")])]
    summary = []
    doc = None
    for sol, runs in sols:
        prints = set()
        for i in range(runs):
            doc = grade(ex_dir, sol, img, spec, ref)
            prints.add(fingerprint(doc))
            show(doc, "%s run %d" % (os.path.relpath(sol, ex_dir), i + 1), quiet=args.quiet or i > 0)
        summary.append((os.path.relpath(sol, ex_dir), doc["score"], doc["max_score"], len(prints), doc["_wall_s"]))
        if len(prints) > 1:
            for fp in sorted(prints, key=repr):
                print("   fingerprint:", fp)
    print("-- summary %s:" % os.path.basename(ex_dir), ", ".join(
        "%s %s/%s%s (%.1fs)" % (n, s, m, "" if k == 1 else " UNSTABLE(%d fingerprints)" % k, w) for n, s, m, k, w in summary))
    if args.json and doc:
        json.dump(doc, open(args.json, "w"), indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
