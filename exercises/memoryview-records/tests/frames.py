"""Binary record buffers: [4-byte big-endian length][payload] repeated, built in place in a
bytearray (so that building one needs little more than the buffer itself)."""
import zlib as _zlib

PATTERN = bytes((k * 7 + 3) % 256 for k in range(4096))


def length(i):
    return 1000 + (i * 37) % 3000


def build(count):
    total = sum(4 + length(i) for i in range(count))
    buf = bytearray(total)
    pos = 0
    for i in range(count):
        n = length(i)
        buf[pos:pos + 4] = n.to_bytes(4, "big")
        buf[pos + 4:pos + 4 + n] = PATTERN[(i % 7):(i % 7) + n]
        pos += 4 + n
    return buf


def expected_payloads(count):
    return [PATTERN[(i % 7):(i % 7) + length(i)] for i in range(count)]


def expected_crc(buf):
    return _zlib.crc32(memoryview(buf)[16:])
