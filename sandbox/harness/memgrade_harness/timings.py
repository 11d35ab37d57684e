"""Where a run's time went (README, "Where the time goes"): the judge's own clocks, plus what each
child says of its start-up (untrusted, numbers only, never used for a decision)."""

import os
import time


def ms(seconds):
    return round(seconds * 1000, 1)


# Seconds the judge's process spent blocked on its stdin before it had the run key: a warm grading
# container starts the judge ahead of its run, and that wait is not start-up (set by supervisor.main).
_stdin_wait_s = 0.0


def note_stdin_wait(seconds):
    global _stdin_wait_s
    _stdin_wait_s = seconds


class Timings:
    def __init__(self):
        age = _process_age_ms()
        start = None if age is None else ms(max(0.0, age / 1000 - _stdin_wait_s))
        self.data = {"processes": [], "judge_start_ms": start, "stdin_wait_ms": ms(_stdin_wait_s)}
        self._clock0 = time.monotonic()

    def lap(self, name, since):
        self.data[name] = ms(time.monotonic() - since)

    def process(self, label, out, lane="student"):
        """One process's figures (an Outcome): judge-side clocks and CPU, and its own self-report."""
        entry = {"label": label, "lane": lane, "wall_ms": ms(out.wall_s),
                 "start_ms": ms(time.monotonic() - out.wall_s - self._clock0)}
        for name, value in (("spawn_ms", out.spawn_s), ("startup_ms", out.startup_s), ("run_ms", out.run_s)):
            if value is not None:
                entry[name] = ms(value)
        entry["cpu_ms"] = ms(out.utime + out.stime)
        ready = out.first("ready")
        entry.update(_numbers((ready or {}).get("timings")))
        for m in out.messages:
            if m.get("type") in ("result", "done", "import") and type(m.get("student_import_ms")) in (int, float):
                entry["student_import_ms"] = m["student_import_ms"]
        self.data["processes"].append(entry)

    def document(self, zygote_ready_s=None):
        """The result document's ``timings``."""
        return dict(self.data, total_ms=ms(time.monotonic() - self._clock0), container_cpu_ms=_container_cpu_ms(),
                    **({"zygote_ms": ms(zygote_ready_s)} if zygote_ready_s else {}))


def _process_age_ms():
    """How long ago this process was exec'd (interpreter start and the judge's imports), from
    /proc (clock ticks, 10 ms resolution)."""
    try:
        with open("/proc/self/stat", "rb") as f:
            start_ticks = int(f.read().rsplit(b")", 1)[1].split()[19])
        with open("/proc/uptime", "rb") as f:
            uptime = float(f.read().split()[0])
        return ms(uptime - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return None


def _container_cpu_ms():
    """CPU time used so far by every process of this container (cgroup v2 or v1), when readable."""
    try:
        with open("/sys/fs/cgroup/cpu.stat", "rb") as f:
            for line in f:
                if line.startswith(b"usage_usec "):
                    return round(int(line.split()[1]) / 1000.0, 1)
    except (OSError, ValueError):
        pass
    try:
        with open("/sys/fs/cgroup/cpuacct/cpuacct.usage", "rb") as f:
            return round(int(f.read().strip()) / 1e6, 1)
    except (OSError, ValueError):
        return None


def _numbers(d):
    """The numeric entries of a child's self-report (untrusted: only plain numbers are kept)."""
    if not isinstance(d, dict):
        return {}
    return {str(k)[:40]: v for k, v in list(d.items())[:20] if type(v) in (int, float)}
