"""Records sliced out of the buffer.  Every slice of a bytes object is a copy.  See statement.md."""
import zlib


def split_records(buf):
    records = []
    pos = 0
    while pos + 4 <= len(buf):
        n = int.from_bytes(buf[pos:pos + 4], "big")
        records.append(buf[pos + 4:pos + 4 + n])
        pos += 4 + n
    return records


def body_crc(buf):
    return zlib.crc32(buf[16:])
