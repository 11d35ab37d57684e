"""Cycles, the collector, and finalizers."""
import gc
import weakref


class Node:
    def __init__(self, name):
        self.name = name
        self.next = None


def make_ring(n):
    """n nodes named 0..n-1, each .next the following one, the last one's .next the first."""
    first = prev = Node(0)
    for i in range(1, n):
        node = Node(i)
        prev.next = node
        prev = node
    prev.next = first          # closes the cycle: only the collector can free the ring
    return first


closed_sessions = []           # names of the sessions whose finalizer ran


class Session:
    def __init__(self, name, buffer_size=0):
        self.name = name
        self.peer = None
        self.buffer = bytearray(buffer_size)

    def __del__(self):
        # Record the *name*: appending self would resurrect the object (it stays alive).
        closed_sessions.append(self.name)


def make_session_pair(a, b, buffer_size=0):
    first, second = Session(a, buffer_size), Session(b, buffer_size)
    first.peer, second.peer = second, first
    return first


def needs_collector(build):
    """True if the structure returned by build() survives the loss of its last reference
    (reference counting cannot free it) but gc.collect() frees it."""
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        root = build()
        w = weakref.ref(root)
        del root
        survives_refcounting = w() is not None
        gc.collect()
        freed_by_collector = w() is None
    finally:
        if was_enabled:
            gc.enable()
    return survives_refcounting and freed_by_collector
