import { decodeResultFrame, encodeResultFrame, FrameError } from './result-frame';

// The test vector of sandbox/harness/README.md ("Result frame"), shared with tests/test_frame.py.
const KEY = 'memgrade-test-key-0123456789abcdef';
const FRAME = Buffer.from(
  'MEMGRADE1 170 c27f8b6d8ef4fee94cfc41083f7e842a04bd3441715d0fff4ab4580d7af7fdbd\n' +
    '{"format":"memgrade-result/1","max_score":3,"score":2,"status":"ok","tests":[{"max_score":3,"measurements":{"peak_mib":41.2},"name":"caf\\u00e9","passed":true,"score":2}]}\n',
);

describe('result frames', () => {
  it('verify the harness test vector', () => {
    expect(decodeResultFrame(FRAME, KEY)).toEqual({
      format: 'memgrade-result/1',
      status: 'ok',
      score: 2,
      max_score: 3,
      tests: [{ name: 'café', passed: true, score: 2, max_score: 3, measurements: { peak_mib: 41.2 } }],
    });
  });

  it('refuse another key, a changed byte, a prefix, a suffix and a second frame', () => {
    const tampered = Buffer.from(FRAME);
    tampered[FRAME.indexOf('"score":2') + 8] = '3'.charCodeAt(0);
    const cases = [
      [FRAME, 'memgrade-test-key-0123456789abcdeX'],
      [tampered, KEY],
      [Buffer.concat([Buffer.from('fake\n'), FRAME]), KEY],
      [Buffer.concat([FRAME, Buffer.from('extra')]), KEY],
      [Buffer.concat([FRAME, FRAME]), KEY],
      [Buffer.alloc(0), KEY],
    ] as const;
    for (const [frame, key] of cases) expect(() => decodeResultFrame(frame, key)).toThrow(FrameError);
  });

  it('round-trip what encodeResultFrame writes', () => {
    expect(decodeResultFrame(encodeResultFrame({ a: [1, 'ü'] }, 'k'.repeat(32)), 'k'.repeat(32))).toEqual({ a: [1, 'ü'] });
  });
});
