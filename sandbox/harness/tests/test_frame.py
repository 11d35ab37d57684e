import hashlib
import hmac
import unittest

import helpers  # noqa: F401  (sets sys.path)
from memgrade_harness import frame

VECTOR_KEY = b"memgrade-test-key-0123456789abcdef"
VECTOR_DOC = {"format": "memgrade-result/1", "status": "ok", "score": 2, "max_score": 3,
              "tests": [{"name": "café", "passed": True, "score": 2, "max_score": 3,
                         "measurements": {"peak_mib": 41.2}}]}
VECTOR_FRAME = (
    b'MEMGRADE1 170 c27f8b6d8ef4fee94cfc41083f7e842a04bd3441715d0fff4ab4580d7af7fdbd\n'
    b'{"format":"memgrade-result/1","max_score":3,"score":2,"status":"ok","tests":[{"max_score":3,'
    b'"measurements":{"peak_mib":41.2},"name":"caf\\u00e9","passed":true,"score":2}]}\n')


class FrameTest(unittest.TestCase):
    def test_vector(self):
        """The README's test vector, byte for byte."""
        self.assertEqual(frame.encode(VECTOR_KEY, frame.RESULT_DOMAIN, VECTOR_DOC), VECTOR_FRAME)
        payload = VECTOR_FRAME.split(b"\n")[1]
        self.assertEqual(len(payload), 170)
        mac = hmac.new(VECTOR_KEY, b"memgrade-result-v1\n" + payload, hashlib.sha256).hexdigest()
        self.assertIn(mac.encode(), VECTOR_FRAME.split(b"\n")[0])

    def test_round_trip(self):
        docs = frame.decode_all(VECTOR_KEY, frame.RESULT_DOMAIN, VECTOR_FRAME)
        self.assertEqual(docs, [VECTOR_DOC])

    def test_rejects_tampering(self):
        bad = VECTOR_FRAME.replace(b'"score":2', b'"score":3')
        with self.assertRaises(frame.FrameError):
            frame.decode_all(VECTOR_KEY, frame.RESULT_DOMAIN, bad)
        with self.assertRaises(frame.FrameError):
            frame.decode_all(b"another-key-0123456789", frame.RESULT_DOMAIN, VECTOR_FRAME)
        with self.assertRaises(frame.FrameError):   # a child frame is not a result frame
            frame.decode_all(VECTOR_KEY, frame.RESULT_DOMAIN,
                             frame.encode(VECTOR_KEY, frame.CHILD_DOMAIN, VECTOR_DOC))
        with self.assertRaises(frame.FrameError):
            frame.decode_all(VECTOR_KEY, frame.RESULT_DOMAIN, VECTOR_FRAME[:-5])
        with self.assertRaises(frame.FrameError):
            frame.decode_all(VECTOR_KEY, frame.RESULT_DOMAIN, b"garbage\n" + VECTOR_FRAME)

    def test_incremental(self):
        doc, used = frame.decode_one(VECTOR_KEY, frame.RESULT_DOMAIN, VECTOR_FRAME[:40])
        self.assertIsNone(doc)
        doc, used = frame.decode_one(VECTOR_KEY, frame.RESULT_DOMAIN, VECTOR_FRAME + b"MEMG")
        self.assertEqual(used, len(VECTOR_FRAME))


if __name__ == "__main__":
    unittest.main()
