"""References taken before any student code runs.

Student code can rebind ``sys.getrefcount``, ``gc.collect``, ``weakref.ref``,
``memory_profiler.memory_usage``, ``tracemalloc.*``, ``builtins.open`` ... at import.  The
harness only ever calls the objects captured here, and after each test compares the live
module attributes with these snapshots (``changed_attributes``) to report tampering.

This makes the in-process results tamper-*resistant*, not tamper-proof: code running in the
same interpreter can still reach harness objects through frames or the collector.  The
verdicts that matter are backed out of process (see judge.py).
"""

import builtins
import gc
import io
import os
import signal
import sys
import time
import weakref

getrefcount = sys.getrefcount
getsizeof = sys.getsizeof
exc_info = sys.exc_info
gc_collect = gc.collect
gc_disable = gc.disable
gc_enable = gc.enable
gc_isenabled = gc.isenabled
gc_get_referrers = gc.get_referrers
gc_get_referents = gc.get_referents
gc_is_tracked = gc.is_tracked
gc_get_debug = gc.get_debug
gc_set_debug = gc.set_debug
gc_garbage = gc.garbage          # the list object the collector appends to
gc_callbacks = gc.callbacks      # the list object the collector calls
DEBUG_SAVEALL = gc.DEBUG_SAVEALL
weakref_ref = weakref.ref
perf_counter = time.perf_counter
monotonic = time.monotonic
sleep = time.sleep
os_write = os.write
os_read = os.read
os_close = os.close
os_exit = os._exit
os_getpid = os.getpid
os_listdir = os.listdir
io_open = io.open
signal_signal = signal.signal
signal_getsignal = signal.getsignal
signal_setitimer = signal.setitimer
signal_getitimer = signal.getitimer
sys_gettrace = sys.gettrace
sys_settrace = sys.settrace
sys_getprofile = sys.getprofile
sys_setprofile = sys.setprofile
_repr = repr
_isinstance = isinstance
_type = type
_id = id
_len = len


class collector_paused:
    """``with collector_paused():`` — the cycle collector is off inside the block and back to what
    it was after it, whatever the block raised.  A plain class on the references above, not
    ``contextlib.contextmanager``: its ``__exit__`` lives in the stdlib's ``contextlib``, which
    student code can import and patch; this one is harness code (trusted by the audit hook by code
    object, like every function here)."""

    __slots__ = ("_was",)

    def __enter__(self):
        self._was = gc_isenabled()
        gc_disable()
        return self

    def __exit__(self, *exc):
        if self._was:
            gc_enable()
        return False


tm = None          # filled by load_measurement_tools()
mp_memory_usage = None
_snapshot = {}     # (module name, attribute) -> object, for changed_attributes()

_WATCHED = {
    "sys": ["getrefcount", "getsizeof", "settrace", "setprofile", "_getframe", "exc_info"],
    "gc": ["collect", "disable", "enable", "isenabled", "get_referrers", "get_referents",
           "is_tracked", "garbage", "callbacks", "get_objects", "set_debug", "get_count"],
    "weakref": ["ref", "finalize"],
    "os": ["write", "_exit", "read", "close", "getpid"],
    "builtins": ["open", "print", "id", "len", "isinstance", "type", "repr", "__import__",
                 "getattr", "setattr", "max", "min", "sum", "sorted"],
    "time": ["perf_counter", "monotonic", "time", "sleep"],
    "signal": ["signal", "setitimer"],
    "tracemalloc": ["start", "stop", "is_tracing", "get_traced_memory", "reset_peak",
                    "take_snapshot", "clear_traces", "get_tracemalloc_memory", "Snapshot"],
    "memory_profiler": ["memory_usage", "_get_memory", "MemTimer", "choose_backend"],
    "psutil": ["Process"],
    "json": ["dumps", "loads"],
    "hmac": ["new", "compare_digest"],
}


def snapshot_modules():
    for modname, attrs in _WATCHED.items():
        mod = sys.modules.get(modname)
        if mod is None:
            continue
        for attr in attrs:
            if hasattr(mod, attr):
                _snapshot[(modname, attr)] = getattr(mod, attr)


def load_measurement_tools():
    """Import tracemalloc, psutil and memory_profiler and capture their entry points."""
    global tm, mp_memory_usage
    import tracemalloc
    tm = tracemalloc
    try:
        import memory_profiler  # pyright: ignore[reportMissingImports] - only in the image (python3-memory-profiler)
        mp_memory_usage = memory_profiler.memory_usage
    except Exception:  # pragma: no cover - the image always has it
        mp_memory_usage = None
    # Snapshot tracemalloc's functions as objects we call directly.
    _tm_funcs.update(
        start=tracemalloc.start, stop=tracemalloc.stop, is_tracing=tracemalloc.is_tracing,
        get_traced_memory=tracemalloc.get_traced_memory, reset_peak=tracemalloc.reset_peak,
        take_snapshot=tracemalloc.take_snapshot, clear_traces=tracemalloc.clear_traces,
        Filter=tracemalloc.Filter,
    )
    snapshot_modules()


_tm_funcs = {}


def tmf(name):
    return _tm_funcs[name]


def changed_attributes():
    """(module, attribute) pairs whose live value is no longer the one captured at start."""
    changed = []
    for (modname, attr), obj in _snapshot.items():
        mod = sys.modules.get(modname)
        if mod is None:
            continue
        try:
            live = mod.__dict__.get(attr, _MISSING)
        except Exception:
            live = _MISSING
        if live is not obj:
            changed.append("%s.%s" % (modname, attr))
    if sys.modules.get("builtins") is not builtins:
        changed.append("sys.modules['builtins']")
    return changed


_MISSING = object()


# --- reading this process's memory from /proc (independent of psutil / memory_profiler) ---

def proc_status():
    with io_open("/proc/self/status", "rb") as f:
        data = f.read()
    out = {}
    for line in data.split(b"\n"):
        k, _, v = line.partition(b":")
        v = v.strip()
        if v.endswith(b" kB"):
            out[k.decode()] = int(v[:-3]) * 1024
    return out


def rss_bytes():
    return proc_status().get("VmRSS", 0)


def hwm_bytes():
    return proc_status().get("VmHWM", 0)


_clear_refs = []


def keep_clear_refs():
    """Open /proc/self/clear_refs while the process is still dumpable: once it is not (guard.py),
    the file belongs to root and only this descriptor can still reset the peak."""
    if _clear_refs:
        return          # a zygote's child got it while still root
    try:
        _clear_refs.append(os.open("/proc/self/clear_refs", os.O_WRONLY | os.O_CLOEXEC))
    except OSError:
        pass


def reset_hwm():
    """Reset VmHWM to the current RSS (Linux: echo 5 > /proc/self/clear_refs). True if done."""
    if _clear_refs:
        try:
            os_write(_clear_refs[0], b"5")
            return True
        except OSError:
            return False
    try:
        fd = os.open("/proc/self/clear_refs", os.O_WRONLY)
    except OSError:
        return False
    try:
        os_write(fd, b"5")
        return True
    except OSError:
        return False
    finally:
        os_close(fd)


_libc = []


def malloc_trim():
    """Give free heap memory back to the OS (glibc) so it does not hide new allocations."""
    try:
        if not _libc:
            import ctypes
            _libc.append(ctypes.CDLL(None))
        _libc[0].malloc_trim(0)
    except (OSError, AttributeError):
        pass


def threads_count():
    try:
        return len(os_listdir("/proc/self/task"))
    except OSError:
        return 1
