"""memoryview for slicing — and then .tobytes() "to be safe", which copies every payload
anyway."""
import zlib


def split_records(buf):
    view = memoryview(buf)
    records = []
    pos = 0
    while pos + 4 <= len(view):
        n = int.from_bytes(view[pos:pos + 4], "big")
        records.append(view[pos + 4:pos + 4 + n].tobytes())
        pos += 4 + n
    return records


def body_crc(buf):
    return zlib.crc32(memoryview(buf)[16:])
