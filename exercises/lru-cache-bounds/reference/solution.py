"""Bounded memoisation, and per-instance caching that does not keep instances alive."""
import functools

PRICES = {"AAA": 10.0, "BBB": 2.5, "CCC": 7.25, "DDD": 1.0}
valuations = 0


@functools.lru_cache(maxsize=256)      # the 256 most recently used reports, no more
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
        self._value = None             # cached on the instance: dies with it

    def value(self):
        global valuations
        if self._value is None:
            valuations += 1
            self._value = sum(qty * PRICES[sym] for sym, qty in self.holdings)
        return self._value
