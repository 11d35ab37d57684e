import type { Duplex } from 'node:stream';
import type { OutputCapture } from './output-capture';

/**
 * Feeds a Docker exec stream into `capture` and resolves when the stream is over: ended, closed or
 * failed (a failure is not the program's outcome; what was captured so far stands). Never rejects.
 */
export function captureStream(stream: Duplex, capture: OutputCapture): Promise<void> {
  return new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer) => capture.push(chunk));
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}
