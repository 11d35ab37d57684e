"""Two classic mistakes: a finalizer that keeps its object ("for the report") — resurrection —
and asking gc.collect() how much it found instead of watching *your* structure."""
import gc


class Node:
    def __init__(self, name):
        self.name = name
        self.next = None


def make_ring(n):
    first = prev = Node(0)
    for i in range(1, n):
        node = Node(i)
        prev.next = node
        prev = node
    prev.next = first
    return first


closed_sessions = []


class Session:
    def __init__(self, name, buffer_size=0):
        self.name = name
        self.peer = None
        self.buffer = bytearray(buffer_size)

    def __del__(self):
        closed_sessions.append(self)          # keeps the whole session alive again


def make_session_pair(a, b, buffer_size=0):
    first, second = Session(a, buffer_size), Session(b, buffer_size)
    first.peer, second.peer = second, first
    return first


def needs_collector(build):
    gc.collect()
    root = build()
    del root
    return gc.collect() > 0
