"""Binary record buffers: [4-byte big-endian length][payload] repeated, built in place in a
bytearray (so that building one needs little more than the buffer itself).  The lengths and the
payloads' offsets are drawn from this run's rng."""
import zlib as _zlib

from memgrade_harness import rng

PATTERN = bytes((k * 7 + 3) % 256 for k in range(4096))


def draw(count):
    """This run's layout of *count* records: [(length, offset into PATTERN), …]."""
    return [(rng.randint(1000, 3999), rng.randint(0, 7)) for _ in range(count)]


def build(layout):
    buf = bytearray(sum(4 + n for n, _ in layout))
    pos = 0
    for n, off in layout:
        buf[pos:pos + 4] = n.to_bytes(4, "big")
        buf[pos + 4:pos + 4 + n] = PATTERN[off:off + n]
        pos += 4 + n
    return buf


def expected_payloads(layout):
    return [PATTERN[off:off + n] for n, off in layout]


def expected_crc(buf):
    return _zlib.crc32(memoryview(buf)[16:])


def digest(records):
    """[(length, crc32)] of each record (read through the buffer protocol: nothing is copied)."""
    out = []
    for r in records:
        try:
            out.append((memoryview(r).nbytes, _zlib.crc32(r)))
        except TypeError:                # not a bytes-like object
            out.append((None, None))
    return out
