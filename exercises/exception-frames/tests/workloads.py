"""Out-of-process workloads for exception-frames: the judge reads each process's peak RSS and
compares what it returns (what process(), error_log() and last_error() gave) with the reference's."""
from memgrade_harness import Probe, rng, student


def _head(entry):
    return ": ".join(entry.split(": ")[:2]) if isinstance(entry, str) else entry


def failures(n):
    """n broken records (and a good one every tenth call): keeping each traceback keeps the
    frame of process() with its 4 KiB working buffer (≈ 90 MiB over 20,000 calls)."""
    m = student("solution")
    size, first = rng.randint(1, 512), rng.randint(0, 1000)
    good = 0
    for i in range(n):
        if i % 10 == 0:
            good += m.process(Probe(first + i, size))
        else:
            m.process(Probe(first + i))
    log = m.error_log()
    return [good, len(log), [_head(e) for e in log[:3]], [_head(e) for e in log[-3:]]]


def kept_errors(n):
    """The caller keeps last_error() of n failed records: an exception kept with its traceback
    keeps the frame of process() and its 4 KiB working buffer (≈ 90 MiB over 20,000)."""
    m = student("solution")
    first = rng.randint(0, 1000)
    kept = []
    for i in range(n):
        m.process(Probe(first + i))
        kept.append(m.last_error())
    return [sum(1 for e in kept if type(e) is TypeError), sum(1 for e in kept if getattr(e, "__traceback__", 1) is None)]
