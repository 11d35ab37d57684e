"""Measure run-to-run variance of memgrade_harness.memory measurements.

Each (workload, method) is measured in a fresh process, RUNS times, as the student uid when
run as root (like the sandbox).  Prints min / median / max / stdev (MiB) per case and a JSON
summary (--json FILE).  Usage:

    /usr/bin/python3 tools/measure_variance.py --runs 30 [--uid 10002] [--json out.json]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WORKLOADS = {
    "noop": "lambda: None",
    "gen_sum_1e6": "lambda: sum(i for i in range(10**6))",
    "list_1e6": "lambda: len(list(range(10**6)))",
    "spike_50MB": "lambda: len(b'x' * (50 << 20))",
    "dict_1e5": "lambda: len({i: str(i) for i in range(10**5)})",
    "small_list_1e4": "lambda: len([object() for _ in range(10**4)])",
}

CHILD = r"""
import json, sys
from memgrade_harness import _trusted, api, memory
_trusted.load_measurement_tools()
api.set_context(api.Context(test_name="variance"))
if sys.argv[3] == "cold":
    memory._warm[0] = True   # skip the harness's warm-up call (to show what it is for)
fn = eval(sys.argv[1])
m = memory.measure(fn, sys.argv[2])
print(json.dumps({"peak": m.peak_mib, "sampled": m.sampled_peak_mib, "n": len(m.samples)}))
"""


def run_one(code, method, warm, uid):
    def drop():
        if uid is not None:
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
    env = {"PYTHONPATH": HERE, "PATH": "/usr/bin:/bin", "PYTHONHASHSEED": "0", "MALLOC_ARENA_MAX": "2",
           "HOME": "/tmp", "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run([sys.executable, "-B", "-c", CHILD, code, method, warm], env=env,
                         capture_output=True, preexec_fn=drop, cwd="/tmp", check=True)
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--uid", type=int, default=10002 if os.geteuid() == 0 else None)
    ap.add_argument("--json")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--cold", action="store_true", help="also measure without the memory_usage warm-up")
    args = ap.parse_args()
    summary = {}
    for name, code in WORKLOADS.items():
        if args.only and name not in args.only:
            continue
        kinds = (("rss", "default"), ("tracemalloc", "default")) + ((("rss", "cold"),) if args.cold else ())
        for method, warm in kinds:
            vals = [run_one(code, method, warm, args.uid) for _ in range(args.runs)]
            peaks = [v["peak"] for v in vals]
            case = "%s/%s/%s" % (name, method, warm)
            s = {"min": min(peaks), "median": statistics.median(peaks), "max": max(peaks),
                 "stdev": statistics.pstdev(peaks), "spread": max(peaks) - min(peaks)}
            if method == "rss":
                sampled = [v["sampled"] for v in vals]
                s["sampled_min"], s["sampled_median"], s["sampled_max"] = (min(sampled), statistics.median(sampled),
                                                                           max(sampled))
            summary[case] = s
            sampled_note = ("   (memory_profiler samples: %.3f / %.3f / %.3f)"
                            % (s["sampled_min"], s["sampled_median"], s["sampled_max"]) if method == "rss" else "")
            print("%-32s min %8.3f  med %8.3f  max %8.3f  sd %6.3f  spread %6.3f%s" % (
                case, s["min"], s["median"], s["max"], s["stdev"], s["spread"], sampled_note), flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
