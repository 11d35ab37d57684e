"""Signed frames: the run result on the container's stdout, and child -> supervisor messages.

A frame is::

    b"MEMGRADE1 " + <decimal byte length of PAYLOAD> + b" " + <64 lowercase hex HMAC> + b"\n"
    + PAYLOAD + b"\n"

where the HMAC is HMAC-SHA256(key, DOMAIN + PAYLOAD) and DOMAIN is
``b"memgrade-result-v1\n"`` for the run result (what the worker verifies) and
``b"memgrade-child-v1\n"`` for messages on a child's result pipe.  PAYLOAD is UTF-8 JSON
(ASCII only: non-ASCII characters are \\u-escaped).  See README.md, "Result frame".
"""

import hashlib
import hmac
import json

MAGIC = b"MEMGRADE1 "
RESULT_DOMAIN = b"memgrade-result-v1\n"
CHILD_DOMAIN = b"memgrade-child-v1\n"
MAX_HEADER = 200

# Captured at import so later changes to these modules do not change what we sign.
_hmac_new = hmac.new
_compare = hmac.compare_digest
_sha256 = hashlib.sha256
_dumps = json.dumps
_loads = json.loads


class FrameError(ValueError):
    pass


def mac(key: bytes, domain: bytes, payload: bytes) -> str:
    return _hmac_new(key, domain + payload, _sha256).hexdigest()


def encode_payload(document) -> bytes:
    return _dumps(document, ensure_ascii=True, sort_keys=True, separators=(",", ":"),
                  allow_nan=False).encode("ascii")


def encode(key: bytes, domain: bytes, document) -> bytes:
    payload = encode_payload(document)
    return b"%s%d %s\n%s\n" % (MAGIC, len(payload), mac(key, domain, payload).encode("ascii"), payload)


def decode_one(key: bytes, domain: bytes, data: bytes, max_payload: int = 16 << 20):
    """Decode the first frame of *data*. Returns (document, bytes consumed).

    Raises FrameError if *data* does not start with a complete, correctly signed frame;
    returns (None, 0) if it starts with a valid but incomplete prefix.
    """
    nl = data.find(b"\n", 0, MAX_HEADER)
    if nl < 0:
        if len(data) >= MAX_HEADER or not MAGIC.startswith(data[:len(MAGIC)]):
            raise FrameError("no frame header")
        return None, 0
    header = data[:nl]
    if not header.startswith(MAGIC):
        raise FrameError("bad magic")
    parts = header[len(MAGIC):].split(b" ")
    if len(parts) != 2 or not parts[0].isdigit() or len(parts[1]) != 64:
        raise FrameError("malformed header")
    length = int(parts[0])
    if length > max_payload:
        raise FrameError("payload too large")
    end = nl + 1 + length
    if len(data) < end + 1:
        return None, 0
    payload = data[nl + 1:end]
    if data[end:end + 1] != b"\n":
        raise FrameError("missing trailing newline")
    if not _compare(mac(key, domain, payload).encode("ascii"), parts[1]):
        raise FrameError("bad signature")
    try:
        document = _loads(payload.decode("ascii"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise FrameError("payload is not JSON: %s" % exc) from None
    return document, end + 1


def decode_all(key: bytes, domain: bytes, data: bytes):
    """Decode a byte stream that must consist only of complete signed frames."""
    out = []
    pos = 0
    while pos < len(data):
        doc, used = decode_one(key, domain, data[pos:])
        if doc is None:
            raise FrameError("truncated frame")
        out.append(doc)
        pos += used
    return out
