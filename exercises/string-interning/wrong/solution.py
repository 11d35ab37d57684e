"""Interns — before transforming: city.title() then builds a new string on every row."""
import sys


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
        rows.append(Row(sys.intern(country), sys.intern(city).title(), int(amount)))
    return rows
