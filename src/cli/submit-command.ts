import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { ApiClient } from './api-client';
import type { CreatedSubmission, SubmissionView } from './api-views';

const FINAL = new Set(['graded', 'error']);
const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Submits files; with `wait`, follows the status live and prints the result. Returns the exit code. */
export async function submitCommand(
  api: ApiClient,
  paths: string[],
  options: { exercise: string; wait: boolean; student?: string },
  out: NodeJS.WriteStream = process.stdout,
): Promise<number> {
  const files = Object.fromEntries(paths.map((path) => [basename(path), readFileSync(path, 'utf8')]));
  const created = await api.request<CreatedSubmission>('POST', '/api/v1/submissions', {
    exercise: options.exercise,
    files,
    ...(options.student ? { student: options.student } : {}),
  });
  out.write(`submission ${created.id} ${created.status}\n`);
  if (!options.wait) return 0;
  const result = await follow(api, created.id, out);
  printResult(result, out);
  return result.status === 'graded' ? 0 : 1;
}

/** Follows the SSE stream, showing a spinner with the status on a terminal and one line per status otherwise. */
async function follow(api: ApiClient, id: string, out: NodeJS.WriteStream): Promise<SubmissionView> {
  const started = Date.now();
  let status = 'queued';
  let frame = 0;
  const tty = !!out.isTTY;
  const spinner = tty ? setInterval(() => out.write(`\r${SPINNER[frame++ % SPINNER.length]} ${status} ${((Date.now() - started) / 1000).toFixed(1)} s   `), 100) : undefined;
  try {
    const response = await api.fetch('GET', `/api/v1/submissions/${id}/events`, undefined, { Accept: 'text/event-stream' });
    const decoder = new TextDecoder();
    let buffer = '';
    let last: SubmissionView | undefined;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (!data) continue;
        last = JSON.parse(data) as SubmissionView;
        status = last.status;
        if (!tty) out.write(`${status}\n`);
      }
    }
    // The stream ends after the final status; if it broke off early, read the result once.
    return last && FINAL.has(last.status) ? last : await api.request<SubmissionView>('GET', `/api/v1/submissions/${id}`);
  } finally {
    if (spinner) {
      clearInterval(spinner);
      out.write('\r\x1b[K');
    }
  }
}

function printResult(result: SubmissionView, out: NodeJS.WriteStream): void {
  if (result.status === 'error') {
    out.write(`error: ${result.errorReason ?? 'grading failed'}\n`);
    return;
  }
  out.write(`score ${result.score} / ${result.maxScore} (${result.verdict})\n`);
  for (const test of result.tests) {
    const points = test.score === undefined ? '' : ` ${test.score}/${test.maxScore}`;
    out.write(`  ${test.passed ? 'PASS' : 'FAIL'}${points}  ${test.name}${test.hidden ? ' (hidden)' : ''}\n`);
    if (test.message && !test.passed) out.write(`        ${test.message.split('\n').join('\n        ')}\n`);
  }
}
