"""A warm interpreter that forks the processes of one run: ``python3 -m memgrade_harness.zygote FD``.

Starting a fresh interpreter and importing the harness, memory_profiler, psutil and the exercise's
``preload`` (numpy, pandas) costs 0.1–0.5 s per process; a run has a dozen.  The judge therefore
starts one zygote per run that has all of that imported, and asks it to fork each process of both
lanes (the student's, the reference's).  The zygote runs as root with the judge's three capabilities, is
non-dumpable, holds no key (it is a fresh exec of its own) and never runs student code: the fork
drops to the lane's uid (the kernel clears every capability) before the child reads its
configuration, exactly as a freshly exec'd child would.

Control protocol (a SOCK_SEQPACKET socket, one JSON message each way per request):
* ``{"op": "fork", "uid", "gid", "drop", "env", "cwd", "rlimits": [[resource, value], …],
  "keep_clear_refs": bool}`` with four file descriptors (stdin read end, stdout, stderr and message
  write ends) → ``{"pid": N}``; the child reads its configuration from that stdin as child.py does;
* ``{"op": "wait", "pid": N}`` → ``{"done": false}`` or ``{"done": true, "status", "maxrss_kib",
  "utime", "stime"}`` (wait4 of the zygote's own child: the kernel's figures, relayed).
"""

import json
import os
import resource
import socket
import sys

MAX_MESSAGE = 1 << 16


def _undumpable():
    try:
        import prctl  # pyright: ignore[reportMissingImports] - only in the image (python3-prctl)
        prctl.set_dumpable(False)
    except (ImportError, OSError, AttributeError):
        import ctypes
        ctypes.CDLL(None).prctl(4, 0, 0, 0, 0)


def _warm(preload):
    from . import (_trusted, api, child, cycles, errors, evidence, guard, instructor, memory,  # noqa: F401
                   probes, refcount, scan, sizes)
    try:
        import prctl  # noqa: F401 # pyright: ignore[reportMissingImports] - only in the image
        import seccomp  # noqa: F401 # pyright: ignore[reportMissingImports] - only in the image
    except ImportError:
        pass
    _trusted.load_measurement_tools()
    child._preload({"preload": preload})
    guard.remember_harness_codes()


def _spawn(sock, request, fds):
    pid = os.fork()
    if pid:
        for fd in fds:
            os.close(fd)
        return pid
    code = 5
    try:
        sock.close()
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
        os.closerange(len(fds), 1024)
        os.setsid()
        for res, val in request.get("rlimits", []):
            _, hard = resource.getrlimit(res)
            if hard != resource.RLIM_INFINITY and (val == resource.RLIM_INFINITY or val > hard):
                val = hard
            resource.setrlimit(res, (val, val))
        os.umask(0o077)
        os.environ.clear()
        os.environ.update(request["env"])
        import tempfile
        tempfile.tempdir = None
        os.chdir(request["cwd"])
        # The peak (VmHWM, ru_maxrss) starts here, not at the zygote's own imports.  While still
        # root the child can open its own clear_refs (non-dumpable: the file is root's); only a
        # test process keeps the descriptor, for in-process measurements.
        from . import _trusted
        clear = os.open("/proc/self/clear_refs", os.O_WRONLY | os.O_CLOEXEC)
        os.write(clear, b"5")
        if request.get("keep_clear_refs"):
            _trusted._clear_refs.append(clear)
        else:
            os.close(clear)
        if request.get("drop", True):
            os.setgroups([])
            os.setresgid(request["gid"], request["gid"], request["gid"])
            os.setresuid(request["uid"], request["uid"], request["uid"])
        from . import child
        child.main()
        code = 0
    except BaseException:  # noqa: BLE001 - never return into the zygote's loop
        try:
            import traceback
            traceback.print_exc()
        finally:
            os._exit(code or 4)
    os._exit(code)


def main():
    sock = socket.socket(fileno=int(sys.argv[1]))
    _undumpable()
    msg = sock.recv(MAX_MESSAGE)
    config = json.loads(msg.decode("utf-8"))
    try:
        _warm(config.get("preload", []))
        sock.send(json.dumps({"ready": True}).encode())
    except BaseException as exc:  # noqa: BLE001 - the judge falls back to fresh processes
        sock.send(json.dumps({"ready": False, "error": "%s: %s" % (type(exc).__name__, exc)}).encode())
        return 3
    while True:
        try:
            data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 8)
        except OSError:
            return 0
        if not data:
            return 0
        request = json.loads(data.decode("utf-8"))
        if request["op"] == "fork":
            reply = {"pid": _spawn(sock, request, fds)}
        elif request["op"] == "wait":
            try:
                pid, status, usage = os.wait4(request["pid"], os.WNOHANG)
            except ChildProcessError:
                pid, status, usage = request["pid"], 0, None
            if pid == 0:
                reply = {"done": False}
            else:
                reply = {"done": True, "status": status,
                         "maxrss_kib": usage.ru_maxrss if usage else 0,
                         "utime": usage.ru_utime if usage else 0.0, "stime": usage.ru_stime if usage else 0.0}
        else:
            reply = {"error": "unknown op"}
        sock.send(json.dumps(reply).encode())


if __name__ == "__main__":
    sys.exit(main())
