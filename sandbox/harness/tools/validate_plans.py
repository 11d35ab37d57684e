"""Validate plans with the container's own validator (plan.py), for the TypeScript side's contract
test (src/exercises/format/plan-contract.spec.ts): reads {name: plan} as JSON on stdin, writes
{name: null (valid) or the PlanError's message}.  A plan without "format" gets format 1, as the
platform writes it."""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from memgrade_harness import plan  # noqa: E402


def verdict(raw):
    try:
        plan.validate(dict(raw, format=raw.get("format", 1)) if isinstance(raw, dict) else raw)
        return None
    except plan.PlanError as exc:
        return str(exc)


def main():
    plans = json.load(sys.stdin)
    json.dump({name: verdict(raw) for name, raw in plans.items()}, sys.stdout)


if __name__ == "__main__":
    main()
