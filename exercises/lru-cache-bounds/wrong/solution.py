"""Bounded caches everywhere — but a bounded lru_cache on a method still keeps up to 1024
portfolios alive after their users are done with them."""
import functools

PRICES = {"AAA": 10.0, "BBB": 2.5, "CCC": 7.25, "DDD": 1.0}
valuations = 0


@functools.lru_cache(maxsize=256)
def render_report(region, day):
    lines = ["Report for %s, day %d" % (region, day)]
    for k in range(40):
        lines.append("  line %02d: %-40s %10.2f" % (k, region * 3, (day * 31 + k) % 997 / 7.0))
    return "\n".join(lines)


def clear_caches():
    render_report.cache_clear()


class Portfolio:
    def __init__(self, owner, holdings):
        self.owner = owner
        self.holdings = holdings

    @functools.lru_cache(maxsize=1024)
    def value(self):
        global valuations
        valuations += 1
        return sum(qty * PRICES[sym] for sym, qty in self.holdings)
