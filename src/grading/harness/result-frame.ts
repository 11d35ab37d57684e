import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The harness's signed result frame (sandbox/harness/README.md, "Result frame"):
 * `MEMGRADE1 <LEN> <MAC>\n<PAYLOAD>\n`, MAC = HMAC-SHA256(key, "memgrade-result-v1\n" + PAYLOAD).
 * The key travels to the supervisor on stdin and never reaches student code, so a frame that
 * verifies was written by the supervisor.
 */
const HEADER = /^MEMGRADE1 (\d{1,9}) ([0-9a-f]{64})$/;
const DOMAIN = 'memgrade-result-v1\n';
const MAX_HEADER_BYTES = 200;

export class FrameError extends Error {
  override readonly name = 'FrameError';
}

export function decodeResultFrame(stdout: Buffer, key: string): unknown {
  const newline = stdout.indexOf(0x0a);
  if (newline < 0 || newline > MAX_HEADER_BYTES) throw new FrameError('no frame header at the start of the output');
  const match = HEADER.exec(stdout.subarray(0, newline).toString('latin1'));
  if (!match) throw new FrameError('the frame header is malformed');
  const length = Number(match[1]);
  const payload = stdout.subarray(newline + 1, newline + 1 + length);
  if (payload.length !== length || stdout.length !== newline + 1 + length + 1 || stdout[newline + 1 + length] !== 0x0a) {
    throw new FrameError('the frame length does not match its payload');
  }
  const expected = createHmac('sha256', key).update(DOMAIN).update(payload).digest();
  if (!timingSafeEqual(expected, Buffer.from(match[2], 'hex'))) throw new FrameError('the frame signature does not verify');
  return JSON.parse(payload.toString('utf8'));
}

/** Builds a frame; the platform never needs to, but tests of the verifier do. */
export function encodeResultFrame(document: unknown, key: string): Buffer {
  const payload = Buffer.from(JSON.stringify(document), 'utf8');
  const mac = createHmac('sha256', key).update(DOMAIN).update(payload).digest('hex');
  return Buffer.concat([Buffer.from(`MEMGRADE1 ${payload.length} ${mac}\n`), payload, Buffer.from('\n')]);
}
