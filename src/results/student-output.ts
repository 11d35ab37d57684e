import type { OutputSection } from './grade-outcome';

const MAX_SECTIONS = 500;
const MAX_LABEL = 200;

/**
 * The harness's `student_output.sections` as plain values: an array of { label, hidden, stdout,
 * stderr } (anything else dropped; a section without a boolean `hidden` counts as hidden, so a
 * malformed one is never shown to a student). Null when there are no sections at all.
 */
export function parseOutputSections(raw: unknown): OutputSection[] | null {
  if (!Array.isArray(raw)) return null;
  const sections: OutputSection[] = [];
  for (const item of raw.slice(0, MAX_SECTIONS)) {
    if (!item || typeof item !== 'object' || Array.isArray(item)) continue;
    const s = item as Record<string, unknown>;
    sections.push({
      label: typeof s.label === 'string' ? s.label.slice(0, MAX_LABEL) : '',
      hidden: s.hidden !== false,
      stdout: typeof s.stdout === 'string' ? s.stdout : '',
      stderr: typeof s.stderr === 'string' ? s.stderr : '',
    });
  }
  return sections;
}
