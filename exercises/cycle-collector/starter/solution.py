"""Cycles, the collector, and finalizers.  Complete the TODOs (see statement.md)."""
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
    # TODO: close the ring
    return first


closed_sessions = []


class Session:
    def __init__(self, name, buffer_size=0):
        self.name = name
        self.peer = None
        self.buffer = bytearray(buffer_size)

    def __del__(self):
        pass   # TODO: record that this session was closed


def make_session_pair(a, b, buffer_size=0):
    first, second = Session(a, buffer_size), Session(b, buffer_size)
    first.peer = second
    return first


def needs_collector(build):
    return False   # TODO
