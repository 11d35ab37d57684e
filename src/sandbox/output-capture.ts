/**
 * Demultiplexes Docker's attach/exec stream (frames of an 8-byte header — stream id, 3 zero bytes,
 * big-endian length — then the payload) into stdout and stderr, keeping at most `capBytes` of each.
 * Past the cap nothing more is kept: `onOverflow` fires once so the caller can kill the run and stop
 * reading, and memory stays bounded whatever the program prints (a 1 GiB flood costs one chunk).
 */
export class OutputCapture {
  private readonly kept: Record<'stdout' | 'stderr', Buffer[]> = { stdout: [], stderr: [] };
  private readonly keptBytes = { stdout: 0, stderr: 0 };
  private readonly truncated = { stdout: false, stderr: false };
  private pending: Buffer = Buffer.alloc(0);
  private overflowed = false;

  constructor(
    private readonly capBytes: number,
    private readonly onOverflow: () => void = () => undefined,
  ) {}

  /** Feeds one chunk of the raw multiplexed stream. */
  push(chunk: Buffer): void {
    if (this.overflowed) return;
    let data = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (data.length >= 8) {
      const length = data.readUInt32BE(4);
      const kind = data[0] === 2 ? 'stderr' : data[0] === 1 ? 'stdout' : null;
      const available = Math.min(length, data.length - 8);
      // A frame's payload is kept as it arrives, so a huge frame is never held whole.
      if (kind) this.keep(kind, data.subarray(8, 8 + available));
      if (this.overflowed) return;
      if (available < length) {
        // Rewrite the header to say how much of this frame is still to come.
        const rest = Buffer.alloc(8);
        rest[0] = data[0];
        rest.writeUInt32BE(length - available, 4);
        this.pending = rest;
        return;
      }
      data = data.subarray(8 + length);
    }
    this.pending = Buffer.from(data);
  }

  private keep(kind: 'stdout' | 'stderr', payload: Buffer): void {
    if (payload.length === 0) return;
    const room = this.capBytes - this.keptBytes[kind];
    if (payload.length > room) {
      if (room > 0) this.kept[kind].push(Buffer.from(payload.subarray(0, room)));
      this.keptBytes[kind] += Math.max(room, 0);
      this.truncated[kind] = true;
      this.overflowed = true;
      this.onOverflow();
      return;
    }
    // Copy: the chunk may be a slice of a larger socket buffer we do not want to pin.
    this.kept[kind].push(Buffer.from(payload));
    this.keptBytes[kind] += payload.length;
  }

  get hasOverflowed(): boolean {
    return this.overflowed;
  }

  result(): { stdout: string; stderr: string; stdoutTruncated: boolean; stderrTruncated: boolean } {
    return {
      stdout: Buffer.concat(this.kept.stdout).toString('utf8'),
      stderr: Buffer.concat(this.kept.stderr).toString('utf8'),
      stdoutTruncated: this.truncated.stdout,
      stderrTruncated: this.truncated.stderr,
    };
  }
}
