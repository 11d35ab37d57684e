"""Starting student-side processes and watching them from the supervisor.

Every process that may run student code is started here: a fresh interpreter (fork + exec,
so none of the supervisor's memory — the run key in particular — is inherited), in its own
session, with rlimits, as an unprivileged uid/gid (setgroups([]), setresgid, setresuid: with
uid 0 gone, the kernel clears every capability).  Its stdout and stderr are pipes read (and
capped) by the judge; a separate pipe carries its messages: JSON lines, untrusted data, parsed
here with bounds (size, count, no NaN, objects as plain dicts).
"""

import errno
import os
import resource
import select
import signal
import subprocess
import sys
import time
from typing import Optional

import json

HARNESS_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def child_env(tmpdir):
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": tmpdir,
        "TMPDIR": tmpdir,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONPATH": HARNESS_ROOT,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "PYTHONNOUSERSITE": "1",
        "PYTHONIOENCODING": "utf-8:backslashreplace",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "NUMEXPR_NUM_THREADS": "1",
        "MALLOC_ARENA_MAX": "2",
        "MPLCONFIGDIR": tmpdir,
    }


class Outcome:
    def __init__(self):
        self.messages: list[dict] = []
        self.channel_error: Optional[str] = None
        self.stdout = b""
        self.stderr = b""
        self.stdout_bytes = 0
        self.stderr_bytes = 0
        self.exit_code: Optional[int] = None
        self.signal: Optional[int] = None
        self.maxrss_kib = 0
        self.utime = 0.0
        self.stime = 0.0
        self.timed_out: Optional[str] = None    # None, "startup", "run" (CPU time) or "wall" (clock)
        self.wall_s = 0.0
        self.run_s: Optional[float] = None      # from "ready" to exit
        self.startup_s: Optional[float] = None  # from the request to "ready" (fork or exec, preload, hardening)
        self.spawn_s: Optional[float] = None    # from the request until the process existed
        self.killed_by_supervisor = False

    def first(self, mtype):
        for m in self.messages:
            if isinstance(m, dict) and m.get("type") == mtype:
                return m
        return None

    def count(self, mtype):
        return sum(1 for m in self.messages if isinstance(m, dict) and m.get("type") == mtype)

    def describe_exit(self):
        if self.signal is not None:
            try:
                name = signal.Signals(self.signal).name
            except ValueError:
                name = "signal %d" % self.signal
            return "killed by %s" % name
        return "exit code %s" % self.exit_code


def kill_uid_processes(uid, rounds=50):
    """SIGKILL every process whose real uid is *uid* (needs CAP_KILL). Returns how many."""
    if uid is None or uid == 0:
        return 0
    killed = 0
    me = os.getpid()
    for _ in range(rounds):
        found = 0
        try:
            pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
        except OSError:
            return killed
        for pid in pids:
            if pid == me:
                continue
            ruid = None
            try:
                with open("/proc/%d/status" % pid, "rb") as f:
                    for line in f:
                        if line.startswith(b"State:") and line.split()[1] in (b"Z", b"X"):
                            break          # a zombie holds nothing; its parent reaps it
                        if line.startswith(b"Uid:"):
                            ruid = int(line.split()[1])
                            break
            except (OSError, ValueError, IndexError):
                continue
            if ruid == uid:
                try:
                    os.kill(pid, signal.SIGKILL)
                    found += 1
                except OSError:
                    pass
        if not found:
            return killed
        killed += found
        time.sleep(0.005)
    return killed


MAX_MESSAGE_BYTES = 4 << 20
MAX_MESSAGES = 400


def _reject_constant(name):
    raise ValueError("%s is not a number" % name)


def parse_message(line):
    """One message line from a child: a JSON object, or ValueError."""
    doc = json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
    if type(doc) is not dict or type(doc.get("type")) is not str:
        raise ValueError("a message must be an object with a type")
    return doc


class Zygote:
    """The judge's end of a zygote (zygote.py): forks and waits, one request at a time.

    One zygote serves both lanes of a run (the student's and the reference's: each fork drops to
    its lane's uid), so the interpreter and the exercise's ``preload`` are started once.  It starts
    in the background (``__init__`` returns at once); the first request waits for it to be ready.
    Requests from the judge's threads are serialised by a lock (one socket, one reply each)."""

    def __init__(self, preload, tmpdir):
        import socket
        import threading
        self._lock = threading.Lock()
        self._ready = None          # None: not yet known; True; or the error text
        self._sock, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.started = time.monotonic()
        self.ready_s = None
        argv = [sys.executable, "-B", "-s", "-m", "memgrade_harness.zygote", str(theirs.fileno())]
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, pass_fds=(theirs.fileno(),), close_fds=True,
                                     env=child_env(tmpdir), cwd=tmpdir)
        theirs.close()
        self._sock.send(json.dumps({"preload": list(preload)}).encode())

    def ready(self):
        """True once the zygote has imported everything; raises OSError if it could not."""
        with self._lock:
            if self._ready is None:
                try:
                    reply = self._reply()
                    self._ready = True if reply.get("ready") else "the zygote did not start: %s" % reply.get("error")
                except (OSError, ValueError) as exc:
                    self._ready = "the zygote did not start: %s" % exc
                self.ready_s = time.monotonic() - self.started
            if self._ready is not True:
                raise OSError(self._ready)
            return True

    def _reply(self):
        data = self._sock.recv(1 << 16)
        if not data:
            raise OSError("the zygote is gone")
        return json.loads(data.decode("utf-8"))

    def fork(self, request, fds):
        import socket
        self.ready()
        with self._lock:
            socket.send_fds(self._sock, [json.dumps(dict(request, op="fork")).encode()], fds)
            return self._reply()["pid"]

    def wait(self, pid):
        with self._lock:
            self._sock.send(json.dumps({"op": "wait", "pid": pid}).encode())
            return self._reply()

    def close(self):
        try:
            self._sock.close()
        finally:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def kill(self):
        """Stops the zygote at once, once the run's answer is out: it holds nothing worth a graceful
        exit, and until it is gone the container's stdout (which it inherited) stays open, so the
        platform would wait out its interpreter's teardown before it sees the run end."""
        try:
            self._sock.close()
        finally:
            self.proc.kill()
            self.proc.wait()


class _Usage:
    def __init__(self, maxrss_kib, utime, stime):
        self.ru_maxrss, self.ru_utime, self.ru_stime = maxrss_kib, utime, stime


# A time limit counts the CPU time the process used after its `ready`, so a test's verdict does not
# depend on what else the host runs. A process that does not finish without using the CPU (asleep,
# blocked) is stopped once WALL_FACTOR times the limit has passed on the clock — not counting the
# time it waited for a CPU (the scheduler's run-queue time), which is the host's load, not its own.
WALL_FACTOR = 2
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    """User + system CPU time of *pid* (all its threads) from /proc, or None once it is gone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
    except (OSError, IndexError, ValueError):
        return None


def run_queue_seconds(pid):
    """How long *pid*'s main thread was runnable but waiting for a CPU (/proc/<pid>/schedstat), or
    None when the kernel does not say."""
    try:
        with open("/proc/%d/schedstat" % pid, "rb") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, IndexError, ValueError):
        return None


def timeout_message(out, time_limit_s):
    """What a student reads when *out* (an Outcome) was stopped on its time limit."""
    if out.timed_out == "wall":
        return ("did not finish within the time limit of %s s: it was still running after %s s without using "
                "the CPU (waiting on input, a lock or sleep?)" % (time_limit_s, WALL_FACTOR * time_limit_s))
    return "did not finish within the time limit of %s s" % time_limit_s


def _limits(startup_limit_s, time_limit_s, rlimits):
    limits = {
        resource.RLIMIT_CORE: 0,
        resource.RLIMIT_FSIZE: 64 << 20,
        resource.RLIMIT_CPU: int(startup_limit_s + time_limit_s + 5),
        resource.RLIMIT_NOFILE: 1024,
    }
    if rlimits:
        limits.update(rlimits)
    return limits


def _preexec(limits, drop, uid, gid):
    """What a fresh interpreter's process does between fork and exec: its own session, the
    rlimits, umask 077 and, with *drop*, the student's uid and gid with no groups."""
    def preexec():
        os.setsid()
        for res, val in limits.items():
            # Without CAP_SYS_RESOURCE a hard limit can only go down: never ask above the
            # container's own (e.g. its nofile and fsize ulimits).
            _, hard = resource.getrlimit(res)
            if hard != resource.RLIM_INFINITY and (val == resource.RLIM_INFINITY or val > hard):
                val = hard
            resource.setrlimit(res, (val, val))
        os.umask(0o077)
        if drop:
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
    return preexec


class _Started:
    """A started child: its pid, the judge's ends of its stdout and stderr, and how to reap it
    (``reap()`` -> (pid or 0, wait status, rusage) as ``os.wait4(pid, WNOHANG)``)."""

    def __init__(self, pid, streams, reap, spawned_at):
        self.pid, self.streams, self.reap = pid, streams, reap
        self.spawned_at = spawned_at        # when the process existed (monotonic)


def _fork_from_zygote(zygote, request, line, w_res):
    """The child forked by the run's zygote, given its four descriptors (stdin, stdout, stderr and
    the message pipe as fd 3); *line* (its config) goes to its stdin."""
    r_in, w_in = os.pipe()
    r_out, w_out = os.pipe()
    r_err, w_err = os.pipe()
    try:
        pid = zygote.fork(request, [r_in, w_out, w_err, w_res])
    finally:
        for fd in (r_in, w_out, w_err, w_res):
            os.close(fd)
    spawned_at = time.monotonic()
    _write_all(w_in, line)
    os.close(w_in)

    def reap():
        reply = zygote.wait(pid)
        if not reply.get("done"):
            return 0, None, None
        return pid, reply["status"], _Usage(reply["maxrss_kib"], reply["utime"], reply["stime"])
    return _Started(pid, [r_out, r_err], reap, spawned_at)


def _exec_fresh(module, line, w_res, preexec, env, cwd):
    """The child as a fresh interpreter (fork + exec), the message pipe passed as *w_res*."""
    argv = [sys.executable, "-B", "-s", "-m", "memgrade_harness." + module]
    proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, pass_fds=(w_res,), close_fds=True,
                            preexec_fn=preexec, env=env, cwd=cwd)
    os.close(w_res)
    spawned_at = time.monotonic()
    stdin, stdout, stderr = proc.stdin, proc.stdout, proc.stderr
    assert stdin is not None and stdout is not None and stderr is not None   # all three are PIPE
    try:
        stdin.write(line)
        stdin.close()
    except OSError:
        pass
    streams = [os.dup(stdout.fileno()), os.dup(stderr.fileno())]
    stdout.close()
    stderr.close()
    proc.returncode = -1  # reaped by wait4, in the watch loop
    pid = proc.pid

    def reap():
        return os.wait4(pid, os.WNOHANG)
    return _Started(pid, streams, reap, spawned_at)


class _Watch:
    """The judge's side of one running child: reads its three pipes (output capped, messages
    parsed with bounds), keeps its time limits, and stops it and the student uid's leftovers."""

    def __init__(self, out, started, r_res, start, time_limit_s, startup_limit_s, output_cap, drop, uid):
        self.out, self.pid, self.reap = out, started.pid, started.reap
        self.start, self.time_limit_s, self.startup_limit_s = start, time_limit_s, startup_limit_s
        self.output_cap, self.drop, self.uid = output_cap, drop, uid
        self.fds = {started.streams[0]: "stdout", started.streams[1]: "stderr", r_res: "result"}
        for fd in self.fds:
            os.set_blocking(fd, False)
        self.bufs = {"stdout": bytearray(), "stderr": bytearray()}
        self.totals = {"stdout": 0, "stderr": 0}
        self.res_buf = bytearray()
        self.parse_pos = 0
        self.ready_at = None
        self.cpu_at_ready = None
        self.queued_at_ready = None
        self.exited = False
        self.status = None
        self.rusage = None
        self.drain_until = None

    def parse_results(self):
        out = self.out
        if out.channel_error:
            return
        while self.parse_pos < len(self.res_buf):
            end = self.res_buf.find(b"\n", self.parse_pos)
            if end < 0:
                if len(self.res_buf) - self.parse_pos > MAX_MESSAGE_BYTES:
                    out.channel_error = "a message longer than %d bytes" % MAX_MESSAGE_BYTES
                return
            try:
                doc = parse_message(bytes(self.res_buf[self.parse_pos:end]))
            except (ValueError, RecursionError) as exc:
                out.channel_error = "unreadable message: %s" % str(exc)[:200]
                return
            self.parse_pos = end + 1
            out.messages.append(doc)
            if doc.get("type") == "ready" and self.ready_at is None:
                self.ready_at = time.monotonic()
                self.cpu_at_ready = cpu_seconds(self.pid)
                self.queued_at_ready = run_queue_seconds(self.pid)
                out.startup_s = self.ready_at - self.start
            if len(out.messages) > MAX_MESSAGES:
                out.channel_error = "too many messages"
                return

    def deadline(self):
        if self.ready_at is None:
            return self.start + self.startup_limit_s
        return self.ready_at + WALL_FACTOR * self.time_limit_s

    def over_limit(self, now):
        """None, or which limit the child is past: "startup", "wall" (clock) or "run" (CPU time)."""
        if self.ready_at is None:
            return "startup" if now >= self.deadline() else None
        if now >= self.deadline():
            waited = run_queue_seconds(self.pid)
            queued = self.queued_at_ready
            starved = waited - queued if waited is not None and queued is not None else 0.0
            if now - starved >= self.deadline():
                return "wall"
        if self.cpu_at_ready is not None:
            used = cpu_seconds(self.pid)
            if used is not None and used - self.cpu_at_ready >= self.time_limit_s:
                return "run"
        return None

    def _kill_leftovers(self):
        if self.drop:
            kill_uid_processes(self.uid)

    def _select_timeout(self, now):
        """How long to wait on the pipes this round; stops the child on its limit."""
        if not self.exited:
            over = self.over_limit(now)
            if over:
                self.out.timed_out = over
                self.out.killed_by_supervisor = True
                _kill_group(self.pid)
                self._kill_leftovers()
                self.drain_until = now + 1.0
            remaining = self.deadline() - now
            # Past the clock's stop, a starved process is looked at again every 50 ms.
            return remaining if 0.0 < remaining < 0.05 else 0.05
        if self.drain_until is None:
            self.drain_until = now + 0.5
        elif self.fds:
            # Something still holds the pipes: a process forked late. Keep killing.
            self._kill_leftovers()
        return max(0.0, min(self.drain_until - now, 0.05))

    def _read(self, fd):
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if not chunk:
            del self.fds[fd]
            return
        name = self.fds[fd]
        if name == "result":
            if len(self.res_buf) < (16 << 20):
                self.res_buf.extend(chunk)
            else:
                self.out.channel_error = "result channel overflow"
            self.parse_results()
        else:
            self.totals[name] += len(chunk)
            room = self.output_cap - len(self.bufs[name])
            if room > 0:
                self.bufs[name].extend(chunk[:room])

    def _try_reap(self):
        try:
            wpid, self.status, self.rusage = self.reap()
        except ChildProcessError:
            wpid = self.pid
        if wpid == self.pid:
            self.exited = True
            end = time.monotonic()
            # Anything the student left behind (daemons holding our pipes) goes now.
            _kill_group(self.pid)
            self._kill_leftovers()
            if self.ready_at is not None:
                self.out.run_s = end - self.ready_at

    def loop(self):
        """Until the child has exited and its pipes are drained (or the drain time is over)."""
        while True:
            now = time.monotonic()
            if self.exited and (not self.fds or (self.drain_until is not None and now >= self.drain_until)):
                break
            timeout = self._select_timeout(now)
            try:
                if self.fds:
                    readable, _, _ = select.select(list(self.fds), [], [], timeout)
                else:
                    time.sleep(min(timeout, 0.005))
                    readable = []
            except InterruptedError:
                readable = []
            for fd in readable:
                self._read(fd)
            if not self.exited:
                self._try_reap()

    def finish(self, streams, r_res):
        """Close the judge's ends and fill in the Outcome."""
        out = self.out
        for fd in list(streams) + [r_res]:
            try:
                os.close(fd)
            except OSError:
                pass
        out.wall_s = time.monotonic() - self.start
        if self.status is not None:
            if os.WIFSIGNALED(self.status):
                out.signal = os.WTERMSIG(self.status)
            else:
                out.exit_code = os.WEXITSTATUS(self.status)
        if self.rusage is not None:
            out.maxrss_kib = self.rusage.ru_maxrss
            out.utime = self.rusage.ru_utime
            out.stime = self.rusage.ru_stime
        if not out.channel_error and self.parse_pos < len(self.res_buf):
            out.channel_error = "truncated data on the message channel"
        out.stdout = bytes(self.bufs["stdout"])
        out.stderr = bytes(self.bufs["stderr"])
        out.stdout_bytes = self.totals["stdout"]
        out.stderr_bytes = self.totals["stderr"]
        return out


def run(module, config, uid, gid, time_limit_s, startup_limit_s=30.0, output_cap=65536,
        cwd=None, tmpdir="/tmp", rlimits=None, drop=True, zygote=None):
    """Run ``python3 -m memgrade_harness.<module>`` under *uid* (forked by *zygote* when given, a
    fresh interpreter otherwise); return an Outcome.

    *config* (a dict) is written as one JSON line on the child's stdin, which the child
    closes after reading."""
    out = Outcome()
    r_res, w_res = os.pipe()
    cfg = dict(config, result_fd=3 if zygote is not None else w_res)
    limits = _limits(startup_limit_s, time_limit_s, rlimits)
    if drop:
        kill_uid_processes(uid)   # nothing of the student's may outlive into the next process
    start = time.monotonic()
    line = json.dumps(cfg).encode("utf-8") + b"\n"
    if zygote is not None:
        request = {"uid": uid, "gid": gid, "drop": drop, "env": child_env(tmpdir),
                   "cwd": cwd or tmpdir, "rlimits": [[k, v] for k, v in limits.items()],
                   "keep_clear_refs": config.get("mode") in ("test", "check", "reference")}
        started = _fork_from_zygote(zygote, request, line, w_res)
    else:
        started = _exec_fresh(module, line, w_res, _preexec(limits, drop, uid, gid), child_env(tmpdir), cwd or tmpdir)
    out.spawn_s = started.spawned_at - start
    watch = _Watch(out, started, r_res, start, time_limit_s, startup_limit_s, output_cap, drop, uid)
    watch.loop()
    return watch.finish(started.streams, r_res)


def _write_all(fd, data):
    try:
        while data:
            data = data[os.write(fd, data):]
    except OSError:
        pass


def _kill_group(pid):
    try:
        os.killpg(pid, signal.SIGKILL)
    except OSError as exc:
        if exc.errno not in (errno.ESRCH, errno.EPERM):
            raise
