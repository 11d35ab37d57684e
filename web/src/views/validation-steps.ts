// The steps of a validation that is still running, as the worker stores them on the pending
// version ({ inProgress: true, steps }): the publish page and the exercise page show them.
import { h } from '../dom';
import { score } from '../format';

export interface ValidationStep {
  name: string;
  state: 'waiting' | 'running' | 'done';
  score?: number;
  maxScore?: number;
}

const STATE_MARK: Record<ValidationStep['state'], string> = { done: '✓', running: '…', waiting: '○' };

export function stepsView(steps: ValidationStep[]): HTMLElement {
  return h(
    'ol',
    { class: 'validation-steps', 'aria-label': 'Validation steps' },
    steps.map((step) =>
      h(
        'li',
        { 'data-state': step.state },
        h('span', { 'aria-hidden': 'true', class: step.state === 'done' ? 'ok-text' : 'muted' }, `${STATE_MARK[step.state]} `),
        step.name,
        step.score !== undefined ? h('span', { class: 'muted' }, ` — ${score(step.score, step.maxScore)}`) : null,
        h('span', { class: 'sr-only' }, ` (${step.state})`),
      ),
    ),
  );
}

export const stepsOf = (validation: unknown): ValidationStep[] | null =>
  validation && typeof validation === 'object' && Array.isArray((validation as { steps?: unknown }).steps) ? (validation as { steps: ValidationStep[] }).steps : null;
