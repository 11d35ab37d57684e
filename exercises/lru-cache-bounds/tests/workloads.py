"""Out-of-process workloads for lru-cache-bounds: the judge reads each process's peak RSS and
compares what it returns (lengths and values the student's code gave) with the reference's."""
from memgrade_harness import rng, student

import shared


def reports(n):
    """n different reports (≈ 2 KiB each): an unbounded cache grows by ≈ 2 KiB per call."""
    m = student("solution")
    region, first = rng.choice(["north", "south", "east", "west"]), rng.randint(0, 10 ** 6)
    total, samples = 0, []
    for i in range(n):
        r = m.render_report(region, first + i)
        total += len(r)
        if i % 5000 == 0:
            samples.append(r)
    return [total, samples]


def portfolios(n):
    """n portfolios of 60 holdings (≈ 6 KiB each), valued and dropped."""
    m = student("solution")
    make = shared.make_portfolio(m, 60, base=rng.randint(0, 1000))
    total = 0.0
    for i in range(n):
        p = make(i)
        total += p.value()
        del p
    return total
