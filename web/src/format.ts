import { h } from './dom';
import type { SubmissionStatus, Verdict } from './types';

/** A number with at most `digits` decimals, no trailing zeros. */
export function num(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  return Number(value.toFixed(digits)).toLocaleString('en', { maximumFractionDigits: digits });
}

/** MiB with one decimal (none from 100 up); below 1 MiB in KiB so that small peaks do not read as 0. */
export function mib(value: number): string {
  if (value !== 0 && Math.abs(value) < 0.95) return `${num(value * 1024, 0)} KiB`;
  return `${num(value, Math.abs(value) >= 100 ? 0 : 1)} MiB`;
}

export function score(value: number | null | undefined, max: number | null | undefined): string {
  if (value === null || value === undefined) return '–';
  return max === null || max === undefined ? num(value) : `${num(value)} / ${num(max)}`;
}

const dateFormat = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function when(iso: string | null | undefined): string {
  if (!iso) return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

/** A <time> element with the readable date. */
export const time = (iso: string | null | undefined) => (iso ? h('time', { datetime: iso }, when(iso)) : '–');

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${num(ms / 1000, 1)} s`;
}

export const STATUS_LABEL: Record<SubmissionStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  graded: 'Graded',
  error: 'Error',
};

export const VERDICT_LABEL: Record<Verdict, string> = {
  ok: 'Ran to completion',
  timeout: 'Stopped: time limit',
  memory_limit: 'Stopped: memory limit',
  output_limit: 'Stopped: too much output',
  crashed: 'Crashed',
  sandbox_error: 'Sandbox failure',
  syntax_error: 'Syntax error',
  import_error: 'Failed to import',
};

/** A status badge: text first (colour is only a second cue). */
export function statusBadge(status: SubmissionStatus): HTMLElement {
  const busy = status === 'queued' || status === 'running';
  return h('span', { class: `badge status-${status}` }, busy ? h('span', { class: 'spinner', 'aria-hidden': 'true' }) : null, STATUS_LABEL[status] ?? status);
}

export function scoreBadge(value: number | null, max: number): HTMLElement {
  if (value === null) return h('span', { class: 'muted' }, '–');
  const ratio = max > 0 ? value / max : 0;
  const tone = ratio >= 0.999 ? 'full' : ratio > 0 ? 'part' : 'none';
  return h('span', { class: `score score-${tone}` }, score(value, max));
}

export const shortId = (id: string) => id.slice(0, 8);
