"""A document cache.  It works — but it never lets a document go.  Fix it (see statement.md)."""


class Document:
    """An expensive-to-build document (here: a name and a body of `size` bytes)."""

    def __init__(self, name, size=4096):
        self.name = name
        self.body = bytearray(size)


_cache = {}   # name -> Document


def load_document(name, size=4096):
    doc = _cache.get(name)
    if doc is None:
        doc = Document(name, size)
        _cache[name] = doc
    return doc


def cached_names():
    return list(_cache.keys())
