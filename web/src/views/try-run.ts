// "Run" on the exercise page: runs the editor's files (or a snippet) in the sandbox without grading
// and shows what happened. Not a submission: nothing here reaches the grades.
import { ApiError, get, post } from '../api';
import { h, replace, uid } from '../dom';
import { duration, mib } from '../format';
import type { TryRunResult, TryRunView } from '../types';
import { errorBox } from '../ui';

const OUTCOME_LABEL: Record<TryRunResult['outcome'], string> = {
  finished: 'Finished',
  error: 'Error',
  syntax_error: 'Syntax error',
  timeout: 'Time limit',
  memory_limit: 'Memory limit',
  output_limit: 'Output limit',
  expired: 'Not run',
  sandbox_error: 'Sandbox problem',
};

const POLL_MS = 700;

/** The Run button (for the form's actions) and the panel with the optional snippet and the output. */
export function tryRunPanel(reference: string, files: () => Record<string, string>, signal: AbortSignal): { button: HTMLButtonElement; element: HTMLElement } {
  const snippetId = uid('snippet');
  const snippet = h('textarea', {
    id: snippetId,
    class: 'snippet',
    rows: 3,
    spellcheck: 'false',
    autocomplete: 'off',
    placeholder: 'import solution\nprint(solution.lookup("a"))',
  });
  const useSnippet = h('input', { type: 'checkbox', id: `${snippetId}-use` });
  const output = h('div', { class: 'try-output', id: 'try-output', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'button secondary', id: 'run-button', 'aria-controls': 'try-output' }, 'Run');

  button.addEventListener('click', async () => {
    button.disabled = true;
    replace(output, h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Running your code (not graded)…'));
    try {
      const body = { exercise: reference, files: files(), ...(useSnippet.checked && snippet.value.trim() ? { snippet: snippet.value } : {}) };
      let view = await post<TryRunView>('/runs', body, { signal });
      while (view.status !== 'done' && !signal.aborted) {
        await new Promise((resolve) => window.setTimeout(resolve, POLL_MS));
        view = await get<TryRunView>(`/runs/${encodeURIComponent(view.id)}`, { signal });
      }
      if (view.result) replace(output, renderTryRun(view.result));
    } catch (error) {
      if (signal.aborted) return;
      const title = error instanceof ApiError && error.status === 429 ? 'Too many runs for now' : 'Could not run your code';
      replace(output, errorBox(error, title));
    } finally {
      button.disabled = false;
    }
  });

  const element = h(
    'section',
    { class: 'try-run', 'aria-labelledby': `${snippetId}-title` },
    h('h3', { id: `${snippetId}-title` }, 'Try it (not graded)'),
    h('p', { class: 'muted small' }, 'Run runs your file as it is in the editor, in the same sandbox as grading. It is not a submission and does not count.'),
    h('p', { class: 'check' }, useSnippet, h('label', { for: `${snippetId}-use` }, ' Run this snippet instead (it can import your file):')),
    h('label', { for: snippetId, class: 'sr-only' }, 'Snippet to run'),
    snippet,
    output,
  );
  return { button, element };
}

function stream(title: string, text: string, truncated: boolean, limitBytes: number): HTMLElement | null {
  if (!text && !truncated) return null;
  return h(
    'div',
    { class: 'stream' },
    h('h4', null, title, truncated ? h('span', { class: 'tag' }, `cut at ${Math.round(limitBytes / 1024)} KiB`) : null),
    // Text only: what a program prints is never markup.
    h('pre', { class: 'output', tabindex: '0', 'aria-label': title }, text),
  );
}

export function renderTryRun(result: TryRunResult): HTMLElement {
  const good = result.outcome === 'finished';
  return h(
    'div',
    { class: 'try-result', 'data-outcome': result.outcome },
    h('p', { class: `verdict ${good ? 'ok-text' : 'bad-text'}` }, h('strong', null, OUTCOME_LABEL[result.outcome]), ': ', result.summary),
    h(
      'ul',
      { class: 'facts' },
      h('li', null, 'exit status ', h('strong', null, result.exitCode === null ? '–' : String(result.exitCode))),
      h('li', null, 'peak memory ', h('strong', null, result.peakMemoryBytes === null ? '–' : mib(result.peakMemoryBytes / (1024 * 1024)))),
      h('li', null, 'time ', h('strong', null, duration(result.wallMs))),
      h('li', null, 'limits ', h('strong', null, `${mib(result.limits.memoryMiB)}, ${result.limits.timeSeconds} s`)),
    ),
    result.error ? h('p', null, 'Error: ', h('code', null, result.error)) : null,
    stream('Output (stdout)', result.stdout, result.stdoutTruncated, result.limits.outputBytes),
    stream('Errors (stderr)', result.stderr, result.stderrTruncated, result.limits.outputBytes),
    !result.stdout && !result.stderr ? h('p', { class: 'muted' }, 'The program printed nothing.') : null,
  );
}
