"""A document cache that shares documents while they are in use and lets them go afterwards."""
import weakref


class Document:
    """An expensive-to-build document (here: a name and a body of `size` bytes)."""

    def __init__(self, name, size=4096):
        self.name = name
        self.body = bytearray(size)


# name -> Document, without owning the Document: when the last strong reference to a
# document goes away, the document is freed and its entry (name included) disappears.
_cache = weakref.WeakValueDictionary()


def load_document(name, size=4096):
    doc = _cache.get(name)
    if doc is None:
        doc = Document(name, size)
        _cache[name] = doc
    return doc


def cached_names():
    return list(_cache.keys())
