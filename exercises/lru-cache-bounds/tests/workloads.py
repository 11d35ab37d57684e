"""Out-of-process workloads for lru-cache-bounds."""
from memgrade_harness import student

import shared


def reports(n):
    """n different reports (≈ 2 KiB each): an unbounded cache grows by ≈ 2 KiB per call."""
    m = student("solution")
    for i in range(n):
        m.render_report("north", i)


def portfolios(n):
    """n portfolios of 60 holdings (≈ 6 KiB each), valued and dropped."""
    m = student("solution")
    make = shared.make_portfolio(m, 60)
    for i in range(n):
        p = make(i)
        p.value()
        del p
