"""The container's command: ``python3 -m memgrade_harness --task /sandbox/task``.

Runs as uid 0 with only CAP_SETUID, CAP_SETGID and CAP_KILL.  It reads the run key from stdin
(one line) and closes stdin, makes itself non-dumpable, lets the judge (judge.py) grade the task,
and writes exactly one frame, signed with the run key, to its stdout and nothing else.  The key
never leaves this process: no process that runs student code is started before it was read, and
none inherits it (fork + exec of a fresh interpreter).
"""

import ctypes
import os
import sys
import time

from . import frame, judge, timings

PR_SET_DUMPABLE = 4
PR_SET_NO_NEW_PRIVS = 38
DEFAULT_UID = 10002
DEFAULT_GID = 10002
MIN_KEY_BYTES = 16


def read_key(fd=0):
    """One line from *fd* (the run key, its bytes as sent, without the line end); then
    *fd* is replaced by /dev/null so nothing started later can read from the worker."""
    data = b""
    while b"\n" not in data and len(data) < 4096:
        chunk = os.read(fd, 4096 - len(data))
        if not chunk:
            break
        data += chunk
    line = data.split(b"\n", 1)[0]
    if line.endswith(b"\r"):
        line = line[:-1]
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, fd)
    os.close(null)
    return line


def harden_self():
    """Non-dumpable (no ptrace, /proc/<pid>/{mem,fd,environ} root-only) and no_new_privs."""
    done = {}
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        done["dumpable"] = libc.prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0
        done["no_new_privs"] = libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
    except OSError:
        done["dumpable"] = done["no_new_privs"] = False
    return done


def supervise(task_dir, key=None, uid=DEFAULT_UID, gid=DEFAULT_GID, drop=True, workroot=None, seed=None,
              use_zygote=True, emit=None):
    """Grade the task; return the result document (a dict).  The judge decides (judge.py)."""
    return judge.judge(task_dir, uid, gid, drop, workroot, seed=seed, use_zygote=use_zygote, emit=emit)


def write_frame(key, document, fd=1):
    data = frame.encode(key, frame.RESULT_DOMAIN, document)
    while data:
        n = os.write(fd, data)
        data = data[n:]


def main(argv=None):
    import argparse
    p = argparse.ArgumentParser(prog="python3 -m memgrade_harness",
                                description="Grade a task directory; reads the run key from stdin.")
    p.add_argument("--task", default="/sandbox/task")
    p.add_argument("--uid", type=int, default=int(os.environ.get("MEMGRADE_STUDENT_UID", DEFAULT_UID)))
    p.add_argument("--gid", type=int, default=int(os.environ.get("MEMGRADE_STUDENT_GID", DEFAULT_GID)))
    p.add_argument("--no-drop", action="store_true",
                   help="development only: run student code as the current user (no sandbox)")
    p.add_argument("--no-zygote", action="store_true",
                   help="start every process as a fresh interpreter (slower; for comparison)")
    p.add_argument("--workdir", default=None, help="where the private copy of the task goes (default: $TMPDIR or /tmp)")
    args = p.parse_args(argv)
    waiting = time.monotonic()
    key = read_key(0)
    # Started ahead in a warm grading container, the judge may have waited here for minutes.
    timings.note_stdin_wait(time.monotonic() - waiting)
    harden_self()
    if len(key) < MIN_KEY_BYTES:
        sys.stderr.write("memgrade_harness: the run key on stdin must be at least %d bytes\n" % MIN_KEY_BYTES)
        return 2
    drop = not args.no_drop
    if drop and os.geteuid() != 0:
        sys.stderr.write("memgrade_harness: must run as root (with CAP_SETUID/SETGID/KILL) to switch to the "
                         "student uid; use --no-drop for an unsandboxed development run\n")
        return 2

    def answer(doc):
        # The frame is the whole of stdout: written, stdout and stderr are let go at once, so the
        # worker sees the run end as soon as the clean-up (the zygote's kill) lets the last copy go.
        write_frame(key, doc)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        os.close(null)

    supervise(args.task, key, args.uid, args.gid, drop, args.workdir, use_zygote=not args.no_zygote, emit=answer)
    # Nothing is left to say and the container is single-use: skip the interpreter's teardown.
    os._exit(0)
