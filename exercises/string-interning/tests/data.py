"""CSV lines 'country,city,amount' with few distinct countries and cities, drawn from this run's
rng (so the rows differ from run to run), and the grader's own expected rows."""
from memgrade_harness import rng

COUNTRIES = ["netherlands", "germany", "france", "belgium", "portugal", "spain", "italy", "austria",
             "denmark", "sweden", "norway", "finland", "poland", "czechia", "hungary", "greece",
             "ireland", "iceland", "estonia", "latvia", "lithuania", "slovakia", "slovenia", "croatia",
             "romania", "bulgaria", "malta", "cyprus", "luxembourg", "switzerland"]


def city(i):
    return "%s city %d" % (COUNTRIES[i % 30], i % 7)


def draw():
    """This run's layout of the lines: an offset and two strides (30 countries, 210 cities)."""
    return rng.randint(0, 10 ** 6), rng.choice([7, 11, 13, 17, 19]), rng.choice([11, 13, 23, 29, 31])


def lines(n, layout):
    start, a, b = layout
    for k in range(start, start + n):
        yield "%s,%s,%d\n" % (COUNTRIES[(k * a) % 30], city((k * b) % 210), k % 200)


def expected(n, layout):
    out = []
    for line in lines(n, layout):
        c, ci, a = line.rstrip("\n").split(",")
        out.append((c, ci.title(), int(a)))
    return out
