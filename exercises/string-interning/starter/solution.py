"""Rows from CSV lines.  Every row gets its own copy of strings that repeat on every line.
See statement.md."""


class Row:
    __slots__ = ("country", "city", "amount")

    def __init__(self, country, city, amount):
        self.country = country
        self.city = city
        self.amount = amount


def load_rows(lines):
    rows = []
    for line in lines:
        country, city, amount = line.rstrip("\n").split(",")
        rows.append(Row(country, city.title(), int(amount)))
    return rows
