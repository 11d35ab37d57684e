"""Half a fix: documents are held through weakref.ref, so they are freed — but the dict keeps
every name with a dead weak reference for ever."""
import weakref


class Document:
    def __init__(self, name, size=4096):
        self.name = name
        self.body = bytearray(size)


_cache = {}   # name -> weakref.ref(Document)


def load_document(name, size=4096):
    ref = _cache.get(name)
    doc = ref() if ref is not None else None
    if doc is None:
        doc = Document(name, size)
        _cache[name] = weakref.ref(doc)
    return doc


def cached_names():
    return [name for name, ref in _cache.items() if ref() is not None]
