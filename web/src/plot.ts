// Memory plots drawn as inline SVG: memory over time against the limit (and the reference's peak,
// and a budget when the test has one), or, without samples, the peak as a bar against the limit.
import { h, s, uid } from './dom';
import { mib, num } from './format';

export interface MemorySeries {
  /** [seconds or sample index, MiB] */
  points: [number, number][];
  /** True when x is seconds; false when only the order of the samples is known. */
  timed: boolean;
}

export interface MemoryLines {
  peak?: number;
  limit?: number;
  referencePeak?: number;
  budget?: number;
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** samples as [[t, mib], ...] or [mib, ...] (spaced interval_s apart when given). */
export function toSeries(samples: unknown, intervalS?: unknown): MemorySeries | null {
  if (!Array.isArray(samples)) return null;
  const step = finite(intervalS) && intervalS > 0 ? intervalS : null;
  const points: [number, number][] = [];
  let timed = true;
  samples.forEach((sample, i) => {
    if (Array.isArray(sample) && finite(sample[0]) && finite(sample[1])) points.push([sample[0], sample[1]]);
    else if (finite(sample)) {
      if (step === null) timed = false;
      points.push([step === null ? i : i * step, sample]);
    } else if (sample && typeof sample === 'object' && finite((sample as { t?: unknown }).t) && finite((sample as { mib?: unknown }).mib)) {
      points.push([(sample as { t: number }).t, (sample as { mib: number }).mib]);
    }
  });
  if (!points.length) return null;
  points.sort((a, b) => a[0] - b[0]);
  return { points, timed };
}

/** A "nice" step (1, 2, 2.5 or 5 × 10^k) giving about `count` ticks over span. */
function niceStep(span: number, count: number): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const fraction = raw / power;
  const nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 2.5 ? 2.5 : fraction <= 5 ? 5 : 10;
  return nice * power;
}

function ticks(min: number, max: number, count: number): number[] {
  const step = niceStep(max - min, count);
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

interface Label {
  /** Where its line is (y of the value), and where the label's baseline ends up. */
  at: number;
  y: number;
  text: string;
  cls: string;
}

/** Spreads labels so that they do not overlap (at least `gap` px apart), within [top, bottom]. */
function spread(labels: Label[], gap: number, top: number, bottom: number): Label[] {
  const sorted = [...labels].sort((a, b) => a.y - b.y);
  for (let i = 1; i < sorted.length; i++) if (sorted[i].y - sorted[i - 1].y < gap) sorted[i].y = sorted[i - 1].y + gap;
  const overflow = sorted.length ? sorted[sorted.length - 1].y - bottom : 0;
  if (overflow > 0) for (const label of sorted) label.y -= overflow;
  for (let i = 0; i < sorted.length; i++) sorted[i].y = Math.max(sorted[i].y, top + i * gap);
  return sorted;
}

/** Plots are drawn at their container's width (1 SVG unit = 1 CSS pixel), so text keeps its size. */
export const PLOT_MIN_WIDTH = 280;
export const PLOT_MAX_WIDTH = 760;
const drawers = new WeakMap<Element, { draw: (width: number) => SVGSVGElement; width: number }>();
let observer: ResizeObserver | null = null;

function redraw(frame: Element, width: number): void {
  const entry = drawers.get(frame);
  if (!entry) return;
  const next = Math.round(Math.max(PLOT_MIN_WIDTH, Math.min(PLOT_MAX_WIDTH, width)));
  if (Math.abs(next - entry.width) < 8) return;
  entry.width = next;
  frame.replaceChildren(entry.draw(next));
}

/** A box that draws `draw(width)` now at `initial` px and again whenever its own width changes. */
export function fitToWidth(draw: (width: number) => SVGSVGElement, initial = 640): HTMLElement {
  const frame = h('div', { class: 'plot-frame' }, draw(initial));
  drawers.set(frame, { draw, width: initial });
  observer ??= new ResizeObserver((entries) => {
    for (const entry of entries) {
      if (!entry.target.isConnected) observer?.unobserve(entry.target);
      else if (entry.contentRect.width > 0) redraw(entry.target, entry.contentRect.width);
    }
  });
  observer.observe(frame);
  return frame;
}

/**
 * Memory over time, with the limit (solid), the reference's peak (dashed) and the budget (dotted),
 * drawn `width` px wide. From 520 px the lines are named in a margin on the right, each label
 * joined to its line; narrower, the labels sit inside the plot above their lines.
 */
export function memoryPlot(series: MemorySeries, lines: MemoryLines, unit = 'MiB', width = 640): SVGSVGElement {
  const W = Math.round(Math.max(PLOT_MIN_WIDTH, Math.min(PLOT_MAX_WIDTH, width)));
  const narrow = W < 520;
  const H = narrow ? 230 : 250;
  const m = { left: 50, right: narrow ? 10 : 150, top: 16, bottom: 40 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;

  const values = series.points.map((p) => p[1]);
  const samplePeak = Math.max(...values);
  const peak = finite(lines.peak) ? Math.max(lines.peak, samplePeak) : samplePeak;
  const yTop = Math.max(peak, lines.limit ?? 0, lines.referencePeak ?? 0, lines.budget ?? 0) * 1.12 || 1;
  const yTicks = ticks(0, yTop, narrow ? 4 : 5);
  const yMax = Math.max(yTop, yTicks[yTicks.length - 1] ?? yTop);
  let x0 = series.points[0][0];
  let x1 = series.points[series.points.length - 1][0];
  if (x1 === x0) {
    x0 -= 0.5;
    x1 += 0.5;
  }
  const xs = (t: number) => m.left + ((t - x0) / (x1 - x0)) * pw;
  const ys = (v: number) => m.top + ph - (v / yMax) * ph;

  const titleId = uid('plot-title');
  const descId = uid('plot-desc');
  const clipId = uid('over-limit');
  const peakPoint = series.points.reduce((best, p) => (p[1] > best[1] ? p : best), series.points[0]);
  const over = finite(lines.limit) && peak > lines.limit;

  const path = series.points.map((p, i) => `${i ? 'L' : 'M'}${xs(p[0]).toFixed(1)},${ys(p[1]).toFixed(1)}`).join('');
  const area = `${path}L${xs(series.points[series.points.length - 1][0]).toFixed(1)},${ys(0)}L${xs(series.points[0][0]).toFixed(1)},${ys(0)}Z`;

  const labels: Label[] = [];
  const guide = (value: number | undefined, cls: string, text: string) => {
    if (!finite(value)) return null;
    // Inside the plot a label sits above its line; in the margin it is centred on it.
    labels.push({ at: ys(value), y: narrow ? ys(value) - 5 : ys(value) + 4, text: `${text} ${mib(value)}`, cls });
    return s('line', { class: `guide ${cls}`, x1: m.left, x2: m.left + pw, y1: ys(value), y2: ys(value) });
  };
  // About one x tick per 80 px, so that "12.25" and its neighbours never touch.
  const xTicks = ticks(x0, x1, Math.max(2, Math.floor(pw / 80))).filter((t) => t >= x0 && t <= x1);
  const peakX = xs(peakPoint[0]);

  const svg = s(
    'svg',
    { class: 'plot memory-plot', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-labelledby': `${titleId} ${descId}`, preserveAspectRatio: 'xMidYMid meet' },
    s('title', { id: titleId }, 'Memory over time'),
    s('desc', { id: descId }, describe(peak, lines, series)),
    s('defs', null, finite(lines.limit) ? s('clipPath', { id: clipId }, s('rect', { x: m.left, y: 0, width: pw, height: Math.max(0, ys(lines.limit)) })) : null),
    // grid and axes
    yTicks.map((v) => [
      s('line', { class: 'grid', x1: m.left, x2: m.left + pw, y1: ys(v), y2: ys(v) }),
      s('text', { class: 'tick', x: m.left - 8, y: ys(v) + 4, 'text-anchor': 'end' }, num(v, 1)),
    ]),
    xTicks.map((t) => [
      s('line', { class: 'axis-tick', x1: xs(t), x2: xs(t), y1: m.top + ph, y2: m.top + ph + 5 }),
      s('text', { class: 'tick', x: xs(t), y: m.top + ph + 18, 'text-anchor': 'middle' }, series.timed ? num(t, 2) : num(t, 0)),
    ]),
    s('line', { class: 'axis', x1: m.left, x2: m.left + pw, y1: m.top + ph, y2: m.top + ph }),
    s('line', { class: 'axis', x1: m.left, x2: m.left, y1: m.top, y2: m.top + ph }),
    s('text', { class: 'axis-label', x: m.left + pw / 2, y: H - 4, 'text-anchor': 'middle' }, series.timed ? 'time (s)' : 'sample'),
    s('text', { class: 'axis-label', x: 12, y: m.top + ph / 2, 'text-anchor': 'middle', transform: `rotate(-90 12 ${m.top + ph / 2})` }, unit),
    // the series, red where it is above the limit
    s('path', { class: 'series-area', d: area }),
    s('path', { class: 'series-line', d: path }),
    over ? s('path', { class: 'series-line over', d: path, 'clip-path': `url(#${clipId})` }) : null,
    guide(lines.budget, 'budget', 'budget'),
    guide(lines.referencePeak, 'reference', 'reference'),
    guide(lines.limit, 'limit', 'limit'),
    s('circle', { class: `peak-dot${over ? ' over' : ''}`, cx: peakX, cy: ys(peakPoint[1]), r: 4 }),
  );
  // Inside the plot a label needs room for its text above the next line down.
  const placed = spread(labels, narrow ? 17 : 15, m.top + 10, m.top + ph - 4);
  for (const label of placed) {
    if (narrow) {
      svg.appendChild(s('text', { class: `guide-label ${label.cls}`, x: m.left + pw - 4, y: label.y, 'text-anchor': 'end' }, label.text));
    } else {
      // A short leader from the end of the line to its label, which may have moved off its value.
      svg.appendChild(s('path', { class: `guide-leader ${label.cls}`, d: `M${m.left + pw},${label.at.toFixed(1)}L${m.left + pw + 6},${(label.y - 4).toFixed(1)}` }));
      svg.appendChild(s('text', { class: `guide-label ${label.cls}`, x: m.left + pw + 9, y: label.y }, label.text));
    }
  }
  // The peak's label beside its dot, moved off any line label it would cover (narrow plots).
  let peakY = Math.max(ys(peakPoint[1]) - 9, m.top + 10);
  const anchor = peakX > m.left + pw * 0.8 ? 'end' : peakX < m.left + pw * 0.2 ? 'start' : 'middle';
  const peakText = `peak ${mib(peak)}`;
  if (narrow && anchor !== 'start') {
    for (let moves = 0; moves < placed.length + 1 && placed.some((l) => Math.abs(l.y - peakY) < 14); moves++) peakY += 15;
    if (peakY > m.top + ph - 4) peakY = Math.max(ys(peakPoint[1]) - 9, m.top + 10);
  }
  svg.appendChild(s('text', { class: 'peak-label', x: Math.min(peakX, m.left + pw - 4), y: peakY, 'text-anchor': anchor }, peakText));
  return svg;
}

/** Without samples: the peak as a bar, with the limit (and reference's peak, budget) as marks, `width` px wide. */
export function memoryGauge(lines: MemoryLines, width = 640): SVGSVGElement {
  const W = Math.round(Math.max(PLOT_MIN_WIDTH, Math.min(PLOT_MAX_WIDTH, width)));
  const m = { left: 8, right: 8, top: 22 };
  const pw = W - m.left - m.right;
  const top = Math.max(lines.peak ?? 0, lines.limit ?? 0, lines.referencePeak ?? 0, lines.budget ?? 0) * 1.12 || 1;
  const xs = (v: number) => m.left + (v / top) * pw;
  const over = finite(lines.peak) && finite(lines.limit) && lines.peak >= lines.limit * 0.995;
  const titleId = uid('gauge-title');
  const barEnd = finite(lines.peak) ? Math.max(m.left + 2, xs(lines.peak)) : m.left;
  // The value sits inside the bar when it fits, else just after it.
  const inside = barEnd - m.left > 110;
  // Labels below the bar go on a second row when they would run into the one before them.
  const textWidth = (text: string) => text.length * 6.8;
  const rows: { from: number; to: number }[][] = [[], []];
  let rowsUsed = 1;
  const mark = (value: number | undefined, cls: string, text: string, below: boolean) => {
    if (!finite(value)) return null;
    const label = `${text} ${mib(value)}`;
    const anchor = xs(value) > W * 0.75 ? 'end' : xs(value) < W * 0.2 ? 'start' : 'middle';
    const w = textWidth(label);
    const from = anchor === 'end' ? xs(value) - w : anchor === 'start' ? xs(value) : xs(value) - w / 2;
    let row = 0;
    if (below) {
      while (row < rows.length - 1 && rows[row].some((r) => from < r.to + 8 && from + w > r.from - 8)) row++;
      rows[row].push({ from, to: from + w });
      rowsUsed = Math.max(rowsUsed, row + 1);
    }
    return [
      s('line', { class: `guide ${cls}`, x1: xs(value), x2: xs(value), y1: m.top - 6, y2: m.top + 22 + row * 15 }),
      s('text', { class: `guide-label ${cls}`, x: xs(value), y: below ? m.top + 36 + row * 15 : m.top - 10, 'text-anchor': anchor }, label),
    ];
  };
  const marks = [mark(lines.limit, 'limit', 'limit', false), mark(lines.referencePeak, 'reference', 'reference', true), mark(lines.budget, 'budget', 'budget', true)];
  const H = 64 + (rowsUsed - 1) * 15;
  return s(
    'svg',
    { class: 'plot memory-gauge', viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-labelledby': titleId },
    s('title', { id: titleId }, describe(lines.peak ?? 0, lines, null)),
    s('rect', { class: 'gauge-track', x: m.left, y: m.top, width: pw, height: 16, rx: 4 }),
    finite(lines.peak) ? s('rect', { class: `gauge-bar${over ? ' over' : ''}`, x: m.left, y: m.top, width: barEnd - m.left, height: 16, rx: 4 }) : null,
    finite(lines.peak)
      ? s(
          'text',
          { class: `gauge-value${inside ? ' inside' : ''}`, x: inside ? barEnd - 6 : barEnd + 6, y: m.top + 12, 'text-anchor': inside ? 'end' : 'start' },
          `peak ${mib(lines.peak)}`,
        )
      : null,
    marks,
  );
}

/** The plot in one sentence (its text alternative), also shown under it. */
export function describe(peak: number, lines: MemoryLines, series: MemorySeries | null): string {
  const parts: string[] = [];
  if (series) {
    const span = series.points[series.points.length - 1][0] - series.points[0][0];
    parts.push(`${series.points.length} samples${series.timed ? ` over ${num(span, 2)} s` : ''}.`);
  }
  if (finite(peak) && peak > 0) {
    if (finite(lines.limit)) {
      const over = peak - lines.limit;
      parts.push(
        // The sandbox stops a run at its limit, so a peak at (or a hair under) the limit means "hit it".
        over > lines.limit * 0.005
          ? `Peak memory was ${mib(peak)}, ${mib(over)} over the limit of ${mib(lines.limit)}.`
          : over >= -lines.limit * 0.005
            ? `Peak memory reached the limit of ${mib(lines.limit)}.`
            : `Peak memory was ${mib(peak)}, within the limit of ${mib(lines.limit)} (${peak / lines.limit < 0.01 ? 'under 1%' : `${num((peak / lines.limit) * 100, 0)}%`} of it).`,
      );
    } else parts.push(`Peak memory was ${mib(peak)}.`);
  }
  if (finite(lines.referencePeak) && lines.referencePeak > 0) {
    parts.push(
      `The reference solution peaks at ${mib(lines.referencePeak)}${finite(peak) && peak > 0 ? `; this run used ${num(peak / lines.referencePeak, peak / lines.referencePeak < 10 ? 2 : 1)}× that` : ''}.`,
    );
  }
  if (finite(lines.budget)) parts.push(`The test allows up to ${mib(lines.budget)}.`);
  return parts.join(' ');
}

/** A key swatch: a short line drawn with the same class (so colour and dashes) as in the plot. */
function swatch(cls: string): SVGSVGElement {
  return s('svg', { class: 'plot-key', width: 30, height: 10, viewBox: '0 0 30 10', 'aria-hidden': 'true' }, s('line', { class: cls, x1: 1, x2: 29, y1: 5, y2: 5 }));
}

/** The key under a plot (its figcaption says the same in words). */
export function legend(lines: MemoryLines, hasSeries: boolean, overLimit = false): HTMLElement {
  return h(
    'ul',
    { class: 'legend', 'aria-hidden': 'true' },
    hasSeries ? h('li', null, swatch('series-line'), 'memory') : null,
    hasSeries && overLimit ? h('li', null, swatch('series-line over'), 'memory above the limit') : null,
    finite(lines.limit) ? h('li', null, swatch('guide limit'), 'limit') : null,
    finite(lines.referencePeak) ? h('li', null, swatch('guide reference'), 'reference solution peak') : null,
    finite(lines.budget) ? h('li', null, swatch('guide budget'), 'budget') : null,
  );
}
