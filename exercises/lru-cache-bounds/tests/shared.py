"""Portfolios of the grader, and their expected values."""
PRICES = {"AAA": 10.0, "BBB": 2.5, "CCC": 7.25, "DDD": 1.0}
SYMBOLS = ("AAA", "BBB", "CCC", "DDD")


def holdings(i, n=40):
    return [(SYMBOLS[k % 4], (i + k) % 17 + 1) for k in range(n)]


def make_portfolio(m, n=40, base=0):
    return lambda i: m.Portfolio("owner-%d" % (base + i), holdings(base + i, n))


def expected_value(i, n=40):
    return sum(q * PRICES[s] for s, q in holdings(i, n))
