"""Records as memoryviews into the buffer: no payload is copied."""
import zlib


def split_records(buf):
    """[4-byte big-endian length][payload]… → list of memoryviews of the payloads."""
    view = memoryview(buf)
    records = []
    pos = 0
    end = len(view)
    while pos + 4 <= end:
        n = int.from_bytes(view[pos:pos + 4], "big")
        records.append(view[pos + 4:pos + 4 + n])     # a view: shares buf's memory
        pos += 4 + n
    return records


def body_crc(buf):
    """CRC-32 of buf without its 16-byte header."""
    return zlib.crc32(memoryview(buf)[16:])
