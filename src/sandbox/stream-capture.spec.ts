import { PassThrough } from 'node:stream';
import { OutputCapture } from './output-capture';
import { captureStream } from './stream-capture';

/** One frame of Docker's multiplexed stream: stream id (1 stdout, 2 stderr), 3 zero bytes, length, payload. */
function frame(kind: 1 | 2, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

describe('captureStream', () => {
  it('feeds every chunk into the capture and resolves at the end of the stream', async () => {
    const stream = new PassThrough();
    const capture = new OutputCapture(1024);
    const done = captureStream(stream, capture);
    stream.write(frame(1, 'out '));
    stream.write(frame(2, 'err'));
    stream.end(frame(1, 'more'));
    await done;
    expect(capture.result()).toMatchObject({ stdout: 'out more', stderr: 'err' });
  });

  it('resolves, keeping what came, when the stream fails or is destroyed', async () => {
    const failing = new PassThrough();
    const capture = new OutputCapture(1024);
    const done = captureStream(failing, capture);
    failing.write(frame(1, 'partial'));
    await new Promise((resolve) => setImmediate(resolve));
    failing.destroy(new Error('engine went away'));
    await expect(done).resolves.toBeUndefined();
    expect(capture.result().stdout).toBe('partial');

    const destroyed = new PassThrough();
    const closing = captureStream(destroyed, new OutputCapture(1024));
    destroyed.destroy();
    await expect(closing).resolves.toBeUndefined();
  });
});
