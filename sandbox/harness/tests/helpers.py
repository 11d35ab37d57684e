"""Shared helpers for the harness's unittest suite: build task directories from fixtures and
run the real supervisor (``python3 -m memgrade_harness``) as a separate process."""

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

TESTS = os.path.dirname(os.path.abspath(__file__))
HARNESS = os.path.dirname(TESTS)
FIXTURES = os.path.join(TESTS, "fixtures")
sys.path.insert(0, HARNESS)

from memgrade_harness import frame  # noqa: E402

KEY = b"unit-test-run-key-0123456789abcdef"
# The suite's student uid differs from the image's 10002: the supervisor SIGKILLs every process of
# its student uid, and on a host (no pid namespace) that would include sandbox containers of
# other test suites running at the same time.  Two runs of this suite still must not overlap.
TEST_UID = int(os.environ.get("MEMGRADE_TEST_UID", "10102"))
IS_ROOT = os.geteuid() == 0
_tmp_root = None


def tmp_root():
    global _tmp_root
    if _tmp_root is None:
        _tmp_root = tempfile.mkdtemp(prefix="memgrade-tests-")
        os.chmod(_tmp_root, 0o755)
        atexit.register(_remove_tree, _tmp_root)
    return _tmp_root


def fixture_source(fixture, name):
    path = os.path.join(FIXTURES, fixture, "solutions", name)
    if not os.path.exists(path):
        path = os.path.join(FIXTURES, "tamper", name)
    with open(path) as f:
        return f.read()


PRIVATE = ("plan.json", "tests", "reference")   # src/grading/harness/harness-task.ts HARNESS_PRIVATE_DIRS


def attack_dir():
    """The repository's attack submissions (test/fixtures/attacks): mounted read-only into the
    container by scripts/harness-tests.sh, or found beside the harness in a checkout."""
    for path in (os.environ.get("MEMGRADE_ATTACKS"),
                 os.path.join(HARNESS, "..", "..", "test", "fixtures", "attacks")):
        if path and os.path.isdir(path):
            return os.path.abspath(path)
    raise AssertionError("the attack fixtures (test/fixtures/attacks) are not available: run the suite "
                         "with scripts/harness-tests.sh, which mounts them at $MEMGRADE_ATTACKS")


def make_task(fixture, solution=None, files=None, plan_patch=None, tests=None, reference=True):
    """A task dir with the fixture's plan.json, tests/ and reference/ (the fixture's correct
    solution, or the source text given as *reference*; False: none), and student/ holding
    *solution* (source text, or a file name under the fixture's solutions/ or fixtures/tamper/).

    Modes as the platform writes /task (src/sandbox/task-archive.ts): everything root-owned,
    plan.json, tests/ and reference/ 0400/0500 (the judge's alone), the rest 0444/0555."""
    task = tempfile.mkdtemp(prefix="task-", dir=tmp_root())
    src = os.path.join(FIXTURES, fixture)
    shutil.copytree(os.path.join(src, "tests"), os.path.join(task, "tests"))
    if reference:
        os.mkdir(os.path.join(task, "reference"))
        text = fixture_source(fixture, "correct.py") if reference is True else reference
        with open(os.path.join(task, "reference", "solution.py"), "w") as f:
            f.write(text)
    with open(os.path.join(src, "plan.json")) as f:
        plan = json.load(f)
    if plan_patch:
        plan_patch(plan)
    with open(os.path.join(task, "plan.json"), "w") as f:
        json.dump(plan, f)
    if tests:
        for name, text in tests.items():
            with open(os.path.join(task, "tests", name), "w") as f:
                f.write(text)
    os.mkdir(os.path.join(task, "student"))
    all_files = dict(files or {})
    if solution is not None:
        if "\n" not in solution and solution.endswith(".py"):
            solution = fixture_source(fixture, solution)
        all_files["solution.py"] = solution
    for name, text in all_files.items():
        with open(os.path.join(task, "student", name), "w") as f:
            f.write(text)
    for dirpath, dirnames, filenames in os.walk(task, topdown=False):
        private = os.path.relpath(dirpath, task).split(os.sep)[0] in PRIVATE
        for fn in filenames:
            path = os.path.join(dirpath, fn)
            os.chmod(path, 0o400 if private or os.path.relpath(path, task) in PRIVATE else 0o444)
        os.chmod(dirpath, 0o500 if private else 0o555)
    return task


def _remove_tree(path):
    """rmtree for the 0500 directories above (uid 0 without CAP_DAC_OVERRIDE needs the w bit)."""
    for dirpath, dirnames, filenames in os.walk(path):
        try:
            os.chmod(dirpath, 0o700)
        except OSError:
            pass
    shutil.rmtree(path, True)


class Run:
    def __init__(self, proc, doc):
        self.proc = proc
        self.doc = doc
        self.stdout = proc.stdout
        self.stderr = proc.stderr

    def test(self, name):
        for t in self.doc["tests"]:
            if t["name"] == name:
                return t
        raise KeyError(name)

    @property
    def score(self):
        return self.doc["score"]

    def flags(self, kind=None, code=None):
        return [f for f in self.doc["flags"] if (kind is None or f["kind"] == kind)
                and (code is None or f["code"] == code)]


def run_supervisor(task, key=KEY, args=(), timeout=300, prefix=()):
    """Run the supervisor like the container does; verify and decode its one frame.
    *prefix*: a command to run it under (e.g. setpriv to drop capabilities)."""
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": HARNESS, "PYTHONDONTWRITEBYTECODE": "1"}
    argv = list(prefix) + [sys.executable, "-B", "-m", "memgrade_harness", "--task", task]
    if IS_ROOT:
        argv += ["--uid", str(TEST_UID), "--gid", str(TEST_UID)]
    else:
        argv.append("--no-drop")
    argv.extend(args)
    proc = subprocess.run(argv, input=key + b"\n", capture_output=True, timeout=timeout, env=env,
                          cwd="/")
    if proc.returncode != 0:
        raise AssertionError("supervisor exited %d: %s" % (proc.returncode, proc.stderr.decode()[-3000:]))
    docs = frame.decode_all(key, frame.RESULT_DOMAIN, proc.stdout)
    if len(docs) != 1:
        raise AssertionError("expected exactly one frame, got %d" % len(docs))
    return Run(proc, docs[0])


def grade(fixture, solution=None, **kw):
    args = kw.pop("args", ())
    return run_supervisor(make_task(fixture, solution, **kw), args=args)


_graded = {}


def graded(fixture, solution):
    """grade(fixture, solution), once per suite run: several test classes read the same run."""
    if (fixture, solution) not in _graded:
        _graded[fixture, solution] = grade(fixture, solution)
    return _graded[fixture, solution]


needs_root = unittest.skipUnless(IS_ROOT, "needs root to switch to the student uid")
