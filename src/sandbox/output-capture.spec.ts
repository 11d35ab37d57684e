import { OutputCapture } from './output-capture';

function frame(stream: 1 | 2, payload: string | Buffer): Buffer {
  const body = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}

describe('OutputCapture', () => {
  it('separates stdout and stderr', () => {
    const capture = new OutputCapture(1024);
    capture.push(Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')]));
    expect(capture.result()).toEqual({ stdout: 'out1 out2', stderr: 'err', stdoutTruncated: false, stderrTruncated: false });
  });

  it('reassembles frames split anywhere, even inside the header', () => {
    const raw = Buffer.concat([frame(1, 'hello '), frame(2, 'oops'), frame(1, 'world')]);
    for (let size = 1; size <= raw.length; size++) {
      const capture = new OutputCapture(1024);
      for (let i = 0; i < raw.length; i += size) capture.push(raw.subarray(i, i + size));
      expect(capture.result()).toMatchObject({ stdout: 'hello world', stderr: 'oops' });
    }
  });

  it('keeps exactly the cap, says so, and calls onOverflow once', () => {
    const onOverflow = jest.fn();
    const capture = new OutputCapture(10, onOverflow);
    capture.push(frame(1, '12345678'));
    capture.push(frame(1, 'abcdef'));
    capture.push(frame(1, 'more'));
    expect(onOverflow).toHaveBeenCalledTimes(1);
    expect(capture.hasOverflowed).toBe(true);
    expect(capture.result()).toEqual({ stdout: '12345678ab', stderr: '', stdoutTruncated: true, stderrTruncated: false });
  });

  it('caps each stream on its own', () => {
    const capture = new OutputCapture(4);
    capture.push(frame(1, 'abcd'));
    capture.push(frame(2, 'wxyz'));
    expect(capture.hasOverflowed).toBe(false);
    capture.push(frame(2, '!'));
    expect(capture.result()).toEqual({ stdout: 'abcd', stderr: 'wxyz', stdoutTruncated: false, stderrTruncated: true });
  });

  it('holds no more than the cap while a huge frame streams in', () => {
    const capture = new OutputCapture(1000);
    const header = Buffer.alloc(8);
    header[0] = 1;
    header.writeUInt32BE(1 << 30, 4); // announces 1 GiB
    capture.push(header);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 100; i++) capture.push(chunk);
    expect(capture.result().stdout.length).toBe(1000);
    expect(capture.hasOverflowed).toBe(true);
  });
});
