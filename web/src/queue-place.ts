// Where a queued submission stands, in words (GET /submissions/{id} adds `queue` while it is
// queued; the status stream does not carry it, so a queued submission is asked again every few
// seconds while it waits).
import { num } from './format';
import type { QueuePlace } from './types';

function ordinal(n: number): string {
  const tens = n % 100;
  const units = n % 10;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : units === 1 ? 'st' : units === 2 ? 'nd' : units === 3 ? 'rd' : 'th';
  return `${num(n, 0)}${suffix}`;
}

/** "about 5 seconds", "about 2 minutes". */
export function waitInWords(seconds: number): string {
  if (seconds < 1) return 'less than a second';
  if (seconds < 90) return `about ${num(Math.round(seconds), 0)} second${Math.round(seconds) === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  return `about ${num(minutes, 0)} minute${minutes === 1 ? '' : 's'}`;
}

/** One or two sentences for a student: their place in line and how long it may take. */
export function queuePlaceText(queue: QueuePlace | null | undefined): string {
  if (!queue || queue.state === 'unknown' || !Number.isFinite(queue.position)) return 'Waiting for a grader (the queue cannot be read right now).';
  if (queue.state === 'retrying') return 'Waiting to try again after a problem on the platform; this does not count against you.';
  const ahead = queue.ahead ?? Math.max(0, (queue.position ?? 1) - 1);
  const place =
    ahead === 0
      ? 'Your submission is next in line.'
      : `Your submission is ${ordinal(queue.position as number)} in line: ${num(ahead, 0)} submission${ahead === 1 ? ' is' : 's are'} ahead of it.`;
  if (queue.estimatedWaitSeconds === null || queue.estimatedWaitSeconds === undefined) {
    return `${place} No grader is running right now; grading starts when one is back.`;
  }
  return `${place} Grading should start in ${waitInWords(queue.estimatedWaitSeconds)}.`;
}
