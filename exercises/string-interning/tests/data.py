"""Deterministic CSV lines 'country,city,amount' with few distinct countries and cities."""
COUNTRIES = ["netherlands", "germany", "france", "belgium", "portugal", "spain", "italy", "austria",
             "denmark", "sweden", "norway", "finland", "poland", "czechia", "hungary", "greece",
             "ireland", "iceland", "estonia", "latvia", "lithuania", "slovakia", "slovenia", "croatia",
             "romania", "bulgaria", "malta", "cyprus", "luxembourg", "switzerland"]


def city(i):
    return "%s city %d" % (COUNTRIES[i % 30], i % 7)


def lines(n):
    for i in range(n):
        yield "%s,%s,%d\n" % (COUNTRIES[(i * 7) % 30], city((i * 11) % 210), i % 200)


def expected(n):
    out = []
    for line in lines(n):
        c, ci, a = line.rstrip("\n").split(",")
        out.append((c, ci.title(), int(a)))
    return out
