"""Memoisation with functools.lru_cache(maxsize=None): fast — and it never forgets anything.
See statement.md."""
import functools

PRICES = {"AAA": 10.0, "BBB": 2.5, "CCC": 7.25, "DDD": 1.0}
valuations = 0


@functools.lru_cache(maxsize=None)
def render_report(region, day):
    lines = ["Report for %s, day %d" % (region, day)]
    for k in range(40):
        lines.append("  line %02d: %-40s %10.2f" % (k, region * 3, (day * 31 + k) % 997 / 7.0))
    return "\n".join(lines)


def clear_caches():
    pass   # TODO


class Portfolio:
    def __init__(self, owner, holdings):
        self.owner = owner
        self.holdings = holdings

    @functools.lru_cache(maxsize=None)
    def value(self):
        global valuations
        valuations += 1
        return sum(qty * PRICES[sym] for sym, qty in self.holdings)
