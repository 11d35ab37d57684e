"""The grader's own fresh objects, used to observe what student code keeps.

They are never immortal (3.12+ immortalises None, True, small ints and some strings, whose
refcounts then never change), they carry a ``__weakref__`` slot so liveness can be checked,
and their type is unique to the harness so ``gc.get_referrers`` results are unambiguous.
"""


class Probe:
    """A fresh, weak-referenceable object, optionally carrying a payload of *nbytes*."""

    __slots__ = ("index", "payload", "__weakref__")

    def __init__(self, index=0, nbytes=0):
        self.index = index
        self.payload = bytearray(nbytes) if nbytes else None

    def __repr__(self):
        return "<Probe #%d>" % self.index

    def __hash__(self):
        return hash(("memgrade-probe", self.index))

    def __eq__(self, other):
        return isinstance(other, Probe) and other.index == self.index


class ProbeStr(str):
    """A str that can be weak-referenced (for functions that need string keys)."""

    __slots__ = ("__weakref__",)


class ProbeList(list):
    """A list that can be weak-referenced."""

    __slots__ = ("__weakref__",)


class ProbeDict(dict):
    """A dict that can be weak-referenced."""

    __slots__ = ("__weakref__",)


def probe(i=0, nbytes=0):
    return Probe(i, nbytes)


def probe_str(i=0, prefix="key-"):
    return ProbeStr("%s%d" % (prefix, i))
