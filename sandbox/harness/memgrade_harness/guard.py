"""Hardening of every process that runs student code, applied before the student's first line.

Nothing in such a process decides a point (the judge does, see judge.py); this module keeps the
student's code from reaching into the harness and the rest of the container, so that in-process
observations stay honest explanations.  Three layers, each for what the one above cannot do:

1. the kernel: the process becomes non-dumpable (``/proc/self/mem`` and friends turn root-owned, so
   the student uid cannot open them), gets ``no_new_privs``, and a seccomp filter that refuses
   ``ptrace``, ``process_vm_*``, new processes and ``exec``, signal handlers and timers,
   ``prctl``, and signals to anyone but itself;
2. an audit hook (PEP 578) that refuses the interpreter's introspection tools — frames
   (``sys._getframe``, ``tb_frame``, ``gi_frame`` …), trace and profile functions, the collector's
   object lists, ``ctypes``/``cffi``, new audit hooks, forged code objects — when student code
   asks for them.  The harness's own code (and the instructor's, recognised by its code objects)
   may still use them: the hook looks at the frame that asked;
3. the static scan (scan.py) flags the same constructs for the instructor.

A refused operation raises ``BlockedOperation`` with one line naming the student's file and line;
the harness records it, and the test it happened in scores 0.
"""

import errno
import os
import sys
import sysconfig
import _thread

HARNESS_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_LIBRARY_DIRS = tuple(sorted({p + os.sep for p in (
    sysconfig.get_paths().get("stdlib"), sysconfig.get_paths().get("platstdlib"),
    sysconfig.get_paths().get("purelib"), sysconfig.get_paths().get("platlib"),
    "/usr/lib/python3/dist-packages", "/usr/local/lib/python3/dist-packages") if p}))

# What each tool is called in the one-line message; which audit events refuse it.
_FRAME_ATTRIBUTES = {"tb_frame", "gi_frame", "cr_frame", "ag_frame"}
_BLOCKED_IMPORTS = {"ctypes", "_ctypes", "cffi", "_cffi_backend"}
_EVENTS = {
    "sys._getframe": "sys._getframe()",
    "sys._current_frames": "sys._current_frames()",
    "sys.settrace": "sys.settrace()",
    "sys.setprofile": "sys.setprofile()",
    "gc.get_objects": "gc.get_objects()",
    "gc.get_referrers": "gc.get_referrers()",
    "gc.get_referents": "gc.get_referents()",
    "sys.addaudithook": "sys.addaudithook()",
    "code.__new__": "building code objects",
    "ctypes.dlopen": "`ctypes`", "ctypes.dlsym": "`ctypes`", "ctypes.dlsym/handle": "`ctypes`",
    "ctypes.call_function": "`ctypes`", "ctypes.cdata": "`ctypes`", "ctypes.cdata/buffer": "`ctypes`",
    "ctypes.addressof": "`ctypes`", "ctypes.string_at": "`ctypes`", "ctypes.wstring_at": "`ctypes`",
    "ctypes.set_errno": "`ctypes`", "ctypes.get_errno": "`ctypes`",
    "os.fork": "os.fork()", "os.forkpty": "os.forkpty()", "os.exec": "running programs",
    "os.posix_spawn": "running programs", "os.spawn": "running programs", "os.system": "os.system()",
    "subprocess.Popen": "subprocess", "pty.spawn": "pty",
}
# Tools that install a function called later with frames or events: only trusted code may ask.
_CALLBACK_EVENTS = {"sys.settrace", "sys.setprofile", "sys.addaudithook"}
# What namedtuple, enum, typing, logging and traceback look up for themselves, catching the refusal.
_QUIET_EVENTS = {"sys._getframe", "sys._current_frames", "frames"}
# What an exercise may allow by name in exercise.yaml ("allow: [gc.get_referrers]").
ALLOWABLE = sorted({"sys._getframe", "sys.settrace", "sys.setprofile", "gc.get_objects",
                    "gc.get_referrers", "gc.get_referents", "frames"})


class BlockedOperation(AttributeError, ValueError):
    """A tool that is not available in submissions.  It derives from ValueError and AttributeError
    because that is what the standard library already catches around frame access (namedtuple,
    enum, typing, logging), so those keep working without the frame."""

    def __init__(self, message, where=None):
        super().__init__(message)
        self.message = message
        self.where = where


_state = {"blocked": [], "hardened": {}}


def blocked():
    """What was refused in this process so far: [{"what", "file", "line", "message"}]."""
    return list(_state["blocked"])


def hardened():
    return dict(_state["hardened"])


_codes_cache = []     # [(the harness modules loaded, their code objects)], set in the zygote


def _harness_modules():
    return frozenset(name for name, m in list(sys.modules.items())
                     if (getattr(m, "__file__", None) or "").startswith(HARNESS_DIR))


def remember_harness_codes():
    """Find the harness's code objects once, in the zygote (before any fork): with a preload such
    as pandas the search walks ~60,000 objects (≈ 40–120 ms), which every forked process would
    otherwise repeat.  A fork inherits these very objects, so the set stays exact there as long
    as no further harness module was imported (harness_codes() checks that)."""
    _codes_cache[:] = [(_harness_modules(), frozenset(harness_codes()))]


def harness_codes():
    """Every code object of the harness's own functions (and what they define), found before any
    student code runs: the audit hook trusts these by identity, never by a file name a forged code
    object could claim."""
    if _codes_cache and _codes_cache[0][0] == _harness_modules():
        return _codes_cache[0][1]
    import gc
    codes = set()

    def walk(code):
        if code in codes:
            return
        codes.add(code)
        for const in code.co_consts:
            if type(const) is type(code):
                walk(const)

    for obj in gc.get_objects():
        code = getattr(obj, "__code__", None) if type(obj).__name__ == "function" else None
        if code is not None and type(code).__name__ == "code" and code.co_filename.startswith(HARNESS_DIR):
            walk(code)
    return codes


def install_audit_hook(student_files, trusted_codes, allow=()):
    """Refuse the introspection tools when the frame that asks is not the harness's or the
    instructor's.  *student_files*: {absolute path: display name}; *trusted_codes*: the set of the
    instructor's code objects (kept alive by the caller); *allow*: names from ``ALLOWABLE``."""
    getframe = sys._getframe
    get_ident = _thread.get_ident
    busy = set()
    allow = frozenset(allow)
    record = _state["blocked"]
    library_dirs = _LIBRARY_DIRS
    protected_prefixes = (HARNESS_DIR,) + library_dirs

    def asker(direct):
        """Who asked, seen from the hook: None when it is the harness or the instructor (by code
        object); else ((file name, line) of the student's frame, quiet).  Library frames are
        looked through (namedtuple, logging, traceback ask on someone's behalf) unless *direct*:
        tools that install a callback (trace, profile, audit hooks) must be asked for by trusted
        code itself, or a student's finalizer could have the library install one for it.  *quiet*
        is True when the library asked on the student's behalf and will catch the refusal itself
        (namedtuple, enum, logging): refused all the same, but not the student's doing."""
        f = getframe(3)      # 0 this function, 1 refuse, 2 the hook, 3 the asker
        first = True
        quiet = False
        while f is not None:
            code = f.f_code
            if code in trusted_codes:
                return None
            name = code.co_filename
            if not (name.startswith(library_dirs) or name.startswith("<frozen ")):
                return (student_files.get(name) or os.path.basename(name) or "?", f.f_lineno), quiet
            if direct:
                return (os.path.basename(name), f.f_lineno), False
            if first:
                quiet = True
                first = False
            f = f.f_back
        return ("?", 0), quiet

    def refuse(what, tool, direct=False):
        found = asker(direct)
        if found is None:
            return
        where, quiet = found
        message = "%s, line %d: %s is not available in submissions" % (where[0], where[1], tool)
        # Only frame lookups are asked for by the library on its own account (and caught there);
        # every other refused tool was the student's call, whoever raised the event.
        if (not quiet or what not in _QUIET_EVENTS) and len(record) < 50:
            record.append({"what": what, "file": where[0], "line": where[1], "message": message})
        raise BlockedOperation(message, where)

    def hook(event, args):
        ident = get_ident()
        if ident in busy:
            return
        if event == "object.__getattr__":
            if args[1] not in _FRAME_ATTRIBUTES or "frames" in allow:
                return
            what, tool = "frames", "`%s` (frame access)" % args[1]
        elif event == "import":
            top = args[0].partition(".")[0]
            if top not in _BLOCKED_IMPORTS:
                return
            what, tool = "ctypes", "`%s`" % top
        elif event == "compile":
            # Code objects that claim to be the harness's or the standard library's.
            filename = args[1] if len(args) > 1 else None
            if not isinstance(filename, str) or not filename.startswith(protected_prefixes):
                return
            what, tool = "code.__new__", "compiling code under the harness's or the library's file names"
        elif event == "object.__setattr__":
            if args[1] != "__code__":
                return
            what, tool = "code.__new__", "replacing a function's __code__"
        elif event.startswith("ctypes."):
            what, tool = "ctypes", "`ctypes`"      # every ctypes event: calls, loads, addresses, PyObj_FromPtr
        else:
            tool = _EVENTS.get(event)
            if tool is None:
                return
            what = event
            if what in allow or (what == "sys._current_frames" and "frames" in allow):
                return
        busy.add(ident)
        try:
            refuse(what, tool, direct=event in _CALLBACK_EVENTS)
        finally:
            busy.discard(ident)

    sys.addaudithook(hook)


def _signal_blocker(name, student_files):
    def refused(*args, **kwargs):
        f = sys._getframe(1)
        where = (student_files.get(f.f_code.co_filename) or os.path.basename(f.f_code.co_filename), f.f_lineno)
        message = "%s, line %d: signal.%s() is not available in submissions" % (where[0], where[1], name)
        if len(_state["blocked"]) < 50:
            _state["blocked"].append({"what": "signal", "file": where[0], "line": where[1], "message": message})
        raise BlockedOperation(message, where)
    refused.__name__ = name
    return refused


def block_signal_functions(student_files):
    """Clear messages for what the seccomp filter refuses anyway (rt_sigaction, timers)."""
    import signal
    for name in ("signal", "setitimer", "alarm", "set_wakeup_fd", "siginterrupt", "pthread_kill"):
        if hasattr(signal, name):
            setattr(signal, name, _signal_blocker(name, student_files))


def make_undumpable():
    """Non-dumpable and no_new_privs (the latter is required for an unprivileged seccomp filter)."""
    done: dict[str, object] = {"dumpable": False, "no_new_privs": False}
    try:
        import prctl  # pyright: ignore[reportMissingImports] - only in the image (python3-prctl)
        prctl.set_dumpable(False)
        done["dumpable"] = True
        prctl.set_no_new_privs(True)
        done["no_new_privs"] = True
    except (ImportError, OSError, AttributeError):
        done.update(_prctl_with_ctypes())
    return done


def _prctl_with_ctypes():
    # Only where python3-prctl is missing (developer machines): ctypes is then loaded, and its
    # calls are refused to student code by the audit hook.
    done = {}
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        done["dumpable"] = libc.prctl(4, 0, 0, 0, 0) == 0          # PR_SET_DUMPABLE
        done["no_new_privs"] = libc.prctl(38, 1, 0, 0, 0) == 0     # PR_SET_NO_NEW_PRIVS
    except (OSError, AttributeError):
        pass
    return done


# Syscalls no student code needs; refused with EPERM.  New processes and exec: a workload must run
# in the process whose memory the judge reads.  Signals and timers: a handler receives the
# interrupted frame.  ptrace / process_vm_* / pidfd_getfd: another process's memory.  prctl: it
# would make the process dumpable again.
_REFUSED_SYSCALLS = (
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "pidfd_send_signal",
    "fork", "vfork", "execve", "execveat", "rt_sigaction", "sigaltstack", "setitimer", "alarm",
    "timer_create", "prctl", "seccomp", "personality", "userfaultfd", "perf_event_open", "bpf",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "unshare", "setns", "mount",
    "umount2", "pivot_root", "chroot", "keyctl", "add_key", "request_key", "kcmp",
    "process_madvise", "mbind", "migrate_pages", "move_pages", "memfd_secret",
)
_CLONE_THREAD = 0x00010000


def seccomp_filter(processes=False):
    """Load the filter into this process (inherited by its threads).  Returns True when loaded.

    *processes*: let it fork (a test process: memory_profiler samples the plot from a forked
    monitor).  Workload processes never may: the judge reads the memory of that one process."""
    try:
        import seccomp  # pyright: ignore[reportMissingImports] - only in the image (python3-seccomp)
    except ImportError:
        return False
    pid = os.getpid()
    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    refused = [n for n in _REFUSED_SYSCALLS if not (processes and n in ("fork", "vfork"))]
    for name in refused:
        try:
            f.add_rule(seccomp.ERRNO(errno.EPERM), name)
        except (RuntimeError, ValueError, OSError):
            pass            # a syscall this kernel/architecture does not have
    # Threads may be created (clone with CLONE_THREAD); processes may not.  clone3 cannot be
    # inspected (its flags are behind a pointer): ENOSYS makes glibc fall back to clone.
    try:
        f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    except (RuntimeError, ValueError, OSError):
        pass
    if not processes:
        f.add_rule(seccomp.ERRNO(errno.EPERM), "clone", seccomp.Arg(0, seccomp.MASKED_EQ, _CLONE_THREAD, 0))
        for name in ("kill", "tgkill"):
            f.add_rule(seccomp.ERRNO(errno.EPERM), name, seccomp.Arg(0, seccomp.NE, pid))
        f.add_rule(seccomp.ERRNO(errno.EPERM), "tkill")
    f.load()
    return True


def harden(student_files, trusted_codes, allow=(), processes=False):
    """Everything above, in order: kernel first (it does not depend on Python staying honest)."""
    state = make_undumpable()
    try:
        state["seccomp"] = seccomp_filter(processes)
    except OSError as exc:  # e.g. no no_new_privs on a developer machine
        state["seccomp"] = False
        state["seccomp_error"] = str(exc)
    block_signal_functions(student_files)
    install_audit_hook(student_files, frozenset(trusted_codes) | frozenset(harness_codes()), allow)
    state["audit_hook"] = True
    _state["hardened"] = state
    return state
