"""memgrade_harness: the in-container grading harness and the instructors' assertion library.

Instructor tests::

    from memgrade_harness import test, student, refcount, cycles, memory, sizes

    @test("cache releases entries", points=2)
    def _():
        m = student("solution")
        key = rng.word()                       # seeded afresh for every grading run
        answer("value", m.lookup(key))         # compared by the judge with the reference's answer
        refcount.assert_no_leak(m.lookup, calls=100)
"""

from .version import HARNESS_VERSION
from .api import test, student, reference, context
from .errors import MemgradeFailure, StudentError, HarnessUsageError
from .probes import Probe, ProbeStr, ProbeList, ProbeDict, probe, probe_str
from .evidence import answer, rng
from . import refcount, cycles, memory, sizes


def fail(message, **measurements):
    """Fail the current test with *message* (shown to the student) and optional measurements."""
    raise MemgradeFailure(message, measurements=measurements)


def record(**measurements):
    """Add figures to the current test's measurements."""
    context().record(measurements)


__all__ = ["test", "student", "reference", "answer", "rng", "refcount", "cycles", "memory", "sizes", "Probe",
           "ProbeStr", "ProbeList", "ProbeDict", "probe", "probe_str", "fail", "record", "MemgradeFailure",
           "StudentError", "HarnessUsageError", "HARNESS_VERSION"]
