"""Peak-memory assertions.

Two methods, each calling the measured function exactly once:

* ``"rss"`` (default): the process's resident set.  The verdict uses the kernel's peak
  (VmHWM, reset just before the call through /proc/self/clear_refs, so no allocation is
  missed however short), compared with the RSS just before the call.  memory_profiler's
  ``memory_usage`` samples the same call (interval 1 ms, ``max_iterations=1`` so it never
  calls the function again) for the memory-over-time plot kept in the measurements.
* ``"tracemalloc"``: bytes allocated through Python's allocators, exact and independent of
  what earlier tests left in the allocator, but ≈10× slower and heavy (≈ +90 MiB RSS per
  million live objects): give the test memory headroom.  It also reports the top allocation
  sites in the student's files.  Once tracemalloc has run in a process, later RSS readings
  in that process are unreliable, so an RSS measurement after it is refused.

Budgets: ``absolute_mib`` and/or ``relative_to_reference`` (× the reference solution's peak
from plan.json ``reference``), both measured above the baseline; the figure must stay within
every budget given, plus the tolerance (see README: measured variance).
"""

import os

from . import _trusted
from .api import context
from .errors import HarnessUsageError, MemgradeFailure, student_name

__all__ = ["Measurement", "measure", "assert_peak_below", "top_allocations", "TOLERANCE"]

MIB = 1048576.0
# Tolerances, from the variance measured over 30 runs (README, "Measured variance").
TOLERANCE = {
    "rss": {"abs_mib": 0.5, "rel": 0.05},
    "tracemalloc": {"abs_mib": 0.05, "rel": 0.01},
}
MAX_SAMPLES = 400


class Measurement:
    """One measured call: ``peak_mib`` above ``baseline_mib``; ``samples`` [(t_s, mib_above_baseline)]."""

    retained_mib: float     # tracemalloc only: what the call still held when it returned

    def __init__(self, method, peak_mib, baseline_mib, samples=None, retval=None, duration_s=None,
                 top=None, sampled_peak_mib=None):
        self.method = method
        self.peak_mib = peak_mib
        self.baseline_mib = baseline_mib
        self.samples = samples or []
        self.retval = retval
        self.duration_s = duration_s
        self.top = top or []
        self.sampled_peak_mib = sampled_peak_mib

    def as_dict(self):
        d = {"method": self.method, "peak_mib": round(self.peak_mib, 3),
             "baseline_mib": round(self.baseline_mib, 3)}
        if self.samples:
            d["samples"] = self.samples
        if self.sampled_peak_mib is not None:
            d["sampled_peak_mib"] = round(self.sampled_peak_mib, 3)
        if self.duration_s is not None:
            d["duration_s"] = round(self.duration_s, 4)
        if self.top:
            d["top_allocations"] = self.top
        return d


def _downsample(samples, base):
    """[(t, mib)] relative to the first timestamp and the baseline, at most MAX_SAMPLES points,
    keeping each bucket's maximum so the peak survives."""
    if not samples:
        return []
    t0 = samples[0][1]
    pts = [(round(t - t0, 4), round(m - base, 3)) for m, t in samples]
    if len(pts) <= MAX_SAMPLES:
        return [list(p) for p in pts]
    step = len(pts) / float(MAX_SAMPLES)
    out = []
    for i in range(MAX_SAMPLES):
        bucket = pts[int(i * step): int((i + 1) * step)] or [pts[-1]]
        out.append(list(max(bucket, key=lambda p: p[1])))
    return out


_warm = [False]
_largest = [0.0]   # largest RSS peak measured so far in this process


def _noop():
    return None


def _measure_rss(fn, interval):
    ctx = context()
    if not ctx.observe_only and (ctx.tracemalloc_used or (_trusted.tm is not None and _trusted.tmf("is_tracing")())):
        raise HarnessUsageError("RSS measured after tracemalloc ran in this test process: tracemalloc's "
                                "freed memory makes later RSS readings too low. Measure RSS first, or use "
                                "method='tracemalloc' for every measurement of this test.")
    if _trusted.mp_memory_usage is not None and not _warm[0]:
        # The first memory_usage call in a process allocates ≈ 0.35 MiB of its own
        # (multiprocessing machinery): pay that before the baseline is read.
        _trusted.mp_memory_usage((_noop, (), {}), interval=interval, max_iterations=1)
        _warm[0] = True
    _trusted.gc_collect()
    _trusted.malloc_trim()
    base = _trusted.rss_bytes()
    reset_ok = _trusted.reset_hwm()
    samples = []
    state = {}

    def wrapped():
        state["called"] = True
        try:
            state["ret"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised below, outside memory_usage
            state["exc"] = exc
        return None

    tampered = [a for a in _trusted.changed_attributes() if a.startswith(("memory_profiler.", "psutil."))]
    t0 = _trusted.perf_counter()
    if _trusted.mp_memory_usage is not None and not tampered:
        try:
            samples = _trusted.mp_memory_usage((wrapped, (), {}), interval=interval, max_iterations=1,
                                               timestamps=True, include_children=False, backend="psutil")
            samples = [s for s in samples if _trusted._isinstance(s, tuple) and len(s) == 2]
        except Exception as exc:  # noqa: BLE001 - memory_profiler broken: the verdict does not need it
            ctx.note("memory_profiler failed (%s: %s); no samples for the plot" % (type(exc).__name__, exc))
            samples = []
    elif tampered:
        ctx.note("memory_profiler/psutil were modified (%s); no samples for the plot" % ", ".join(tampered))
    if not state.get("called"):
        wrapped()
    if "exc" in state:
        exc = state.pop("exc")
        raise exc
    retval = state.get("ret")
    dur = _trusted.perf_counter() - t0
    hwm = _trusted.hwm_bytes()
    base_mib = base / MIB
    sampled = max((m for m, _t in samples), default=base_mib) - base_mib
    if reset_ok:
        peak = max(hwm / MIB - base_mib, 0.0)
    else:  # no clear_refs: fall back to the sampled figure
        peak = max(sampled, 0.0)
    if _largest[0] > peak + 1.0:
        ctx.note("an earlier RSS measurement in this process peaked at %.1f MiB; memory it freed may be "
                 "reused, so this figure (%.1f MiB) may under-read. One RSS measurement per test is exact."
                 % (_largest[0], peak))
    _largest[0] = max(_largest[0], peak)
    return Measurement("rss", peak, base_mib, _downsample(samples, base_mib), retval, dur,
                       sampled_peak_mib=max(sampled, 0.0))


def _student_filter():
    from .errors import _student_paths
    return [_trusted.tmf("Filter")(True, path) for path in list(_student_paths)]


def _measure_tracemalloc(fn, top=5):
    ctx = context()
    ctx.tracemalloc_used = True
    started_here = not _trusted.tmf("is_tracing")()
    _trusted.gc_collect()
    if started_here:
        _trusted.tmf("start")(1)
    try:
        filters = _student_filter()
        before = _trusted.tmf("take_snapshot")() if top else None
        current0, _ = _trusted.tmf("get_traced_memory")()
        _trusted.tmf("reset_peak")()
        t0 = _trusted.perf_counter()
        retval = fn()
        dur = _trusted.perf_counter() - t0
        current1, peak = _trusted.tmf("get_traced_memory")()
        sites = []
        if top and before is not None:
            after = _trusted.tmf("take_snapshot")()
            if filters:
                after = after.filter_traces(filters)
                before = before.filter_traces(filters)
            for stat in after.compare_to(before, "lineno")[:top]:
                if stat.size_diff <= 0:
                    continue
                frame = stat.traceback[0]
                sites.append({"file": student_name(frame.filename) or os.path.basename(frame.filename),
                              "line": frame.lineno, "kib": round(stat.size_diff / 1024.0, 1),
                              "count": stat.count_diff})
    finally:
        if started_here:
            _trusted.tmf("stop")()
    m = Measurement("tracemalloc", max(peak - current0, 0) / MIB, current0 / MIB, [], retval, dur, sites)
    m.retained_mib = max(current1 - current0, 0) / MIB
    return m


def measure(fn, method="rss", interval=0.001, top=5):
    """Call ``fn()`` once and measure its peak memory above the baseline.

    >>> m_ = memory.measure(lambda: m.pipeline(10**6))
    >>> m_.peak_mib, m_.samples[:3]
    """
    if method == "rss":
        return _measure_rss(fn, interval)
    if method == "tracemalloc":
        return _measure_tracemalloc(fn, top)
    raise HarnessUsageError("method must be 'rss' or 'tracemalloc'")


def fmt_mib(x):
    """'38.1 MiB', '412 KiB' — readable at every scale."""
    if x >= 10:
        return "%.0f MiB" % x
    if x >= 1:
        return "%.1f MiB" % x
    return "%.0f KiB" % (x * 1024)


def _budget(method, absolute_mib, relative_to_reference, ref_value, tolerance):
    tol = dict(TOLERANCE[method])
    if tolerance is not None:
        tol.update(tolerance)
    limits = []
    if absolute_mib is not None:
        limits.append(("absolute", absolute_mib, absolute_mib * (1 + tol["rel"]) + tol["abs_mib"]))
    if relative_to_reference is not None and ref_value is not None:
        nominal = relative_to_reference * ref_value
        limits.append(("relative", nominal, nominal * (1 + tol["rel"]) + tol["abs_mib"]))
    return limits


def assert_peak_below(fn, absolute_mib=None, relative_to_reference=None, key=None, method="rss",
                      interval=0.001, tolerance=None, what=None):
    """Assert the peak memory of ``fn()`` (MiB above the baseline) stays within budget.

    *relative_to_reference*: at most that multiple of the reference solution's peak, read from
    plan.json ``reference[key]["rss_peak_mib" | "tracemalloc_peak_mib"]`` (key defaults to
    the test's name, "name#2" for its second measurement).  If the plan has no reference
    figure, only *absolute_mib* applies and a note says so.  Returns the Measurement.

    >>> memory.assert_peak_below(lambda: m.pipeline(10**6), relative_to_reference=1.5, absolute_mib=30)
    """
    if absolute_mib is None and relative_to_reference is None:
        raise HarnessUsageError("assert_peak_below needs absolute_mib and/or relative_to_reference")
    ctx = context()
    key = ctx.next_key(key or ctx.test_name)
    ref = ctx.reference.get(key) or {}
    ref_value = ref.get(method + "_peak_mib")
    if relative_to_reference is not None and ref_value is None:
        ctx.note("no reference %s figure for %r in plan.json: only the absolute budget applies" % (method, key))
        if absolute_mib is None:
            raise HarnessUsageError("relative_to_reference given but plan.json has no reference[%r][%r]"
                                    % (key, method + "_peak_mib"))
    m = measure(fn, method, interval)
    limits = _budget(method, absolute_mib, relative_to_reference, ref_value, tolerance)
    rec = m.as_dict()
    rec["key"] = key
    rec["limit_mib"] = round(min(limit[1] for limit in limits), 3)
    rec["limit_with_tolerance_mib"] = round(min(limit[2] for limit in limits), 3)
    if ref_value is not None:
        rec["reference_peak_mib"] = ref_value
    if ctx.memory_mib:
        rec["ceiling_mib"] = ctx.memory_mib
    ctx.record({"memory": rec} if "memory" not in ctx.measurements else {"memory": rec})
    label = what or "the call"
    for kind, nominal, hard in sorted(limits, key=lambda limit: limit[2]):
        if m.peak_mib > hard and ctx.observe_only:
            # The reference run shares one process between tests: a peak there is not a verdict.
            ctx.note("reference run: %s peaked at %s (limit %s)" % (label, fmt_mib(m.peak_mib), fmt_mib(nominal)))
            break
        if m.peak_mib > hard:
            if kind == "relative":
                msg = ("%s used %s at its peak, more than %.3g× the reference solution's %s (limit %s)"
                       % (label, fmt_mib(m.peak_mib), relative_to_reference, fmt_mib(ref_value), fmt_mib(nominal)))
            else:
                msg = "%s used %s at its peak; the limit is %s" % (label, fmt_mib(m.peak_mib), fmt_mib(nominal))
            if m.top and m.top[0]["kib"] >= 0.1 * m.peak_mib * 1024:
                s = m.top[0]
                msg += (". Most memory still held when it returned was allocated at %s, line %d (%s)"
                        % (s["file"], s["line"], fmt_mib(s["kib"] / 1024.0)))
            raise MemgradeFailure(msg + ".", measurements=rec)
    return m


def top_allocations(fn, limit=5):
    """The student's source lines that allocated the most memory still held when ``fn()``
    returned (its return value is kept until then), via tracemalloc.

    >>> memory.top_allocations(lambda: m.build_index(words))
    [{'file': 'solution.py', 'line': 12, 'kib': 812.4, 'count': 10001}, ...]
    """
    m = _measure_tracemalloc(fn, top=limit)
    context().record({"top_allocations": m.top})
    return m.top
