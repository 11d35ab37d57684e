// What a test measured, for people: a memory plot for memory tests, sentences for reference-count
// and cycle-collector numbers, and a small table for anything else. The harness's keys are not
// final, so everything here is tolerant: a memory measurement may be flat
// ({ peak_mib, limit_mib, samples, ... }) or nested under its own key ({ memory: {...},
// "memory#2": {...} }); unknown keys are listed; odd values are shown as text.
import { h, type Child } from './dom';
import { duration, mib, num } from './format';
import { describe, fitToWidth, legend, memoryGauge, memoryPlot, toSeries, type MemoryLines } from './plot';
import { referenceChain } from './reference-chain';

type Measurements = Record<string, unknown>;
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isObject = (v: unknown): v is Measurements => !!v && typeof v === 'object' && !Array.isArray(v);
const plural = (n: number, one: string, many = `${one}s`) => `${num(n)} ${Math.abs(n) === 1 ? one : many}`;
const kib = (bytes: number) => (bytes >= 1024 * 1024 ? mib(bytes / 1024 / 1024) : bytes >= 1024 ? `${num(bytes / 1024, 1)} KiB` : `${num(bytes, 0)} bytes`);

/** Keys a memory block explains (the rest of its object goes to the table). */
const MEMORY_KEYS = [
  'samples',
  'interval_s',
  'peak_mib',
  'limit_mib',
  'reference_peak_mib',
  'budget_mib',
  'limit_with_tolerance_mib',
  'baseline_mib',
  'method',
  'sampled_peak_mib',
  'duration_s',
  'key',
  'top_allocations',
  'ceiling_mib',
];

const isMemory = (m: Measurements) => finite(m.peak_mib) || finite(m.limit_mib) || Array.isArray(m.samples);

const METHOD: Record<string, string> = {
  rss: 'resident memory of the process (RSS)',
  tracemalloc: 'memory allocated by Python objects (tracemalloc)',
};

function topAllocations(value: unknown): HTMLElement | null {
  if (!Array.isArray(value) || !value.length) return null;
  const rows = value.filter(isObject).slice(0, 10);
  if (!rows.length) return null;
  return h(
    'table',
    { class: 'kv' },
    h('caption', null, 'Where the memory still held was allocated'),
    h(
      'tbody',
      null,
      rows.map((r) =>
        h(
          'tr',
          null,
          h('th', { scope: 'row' }, `${String(r.file ?? '?')}${finite(r.line) ? `, line ${r.line}` : ''}`),
          h('td', null, finite(r.kib) ? kib(r.kib * 1024) : finite(r.bytes) ? kib(r.bytes) : readable('', r)),
        ),
      ),
    ),
  );
}

function memoryBlock(m: Measurements): HTMLElement | null {
  const lines: MemoryLines = {
    peak: finite(m.peak_mib) ? m.peak_mib : undefined,
    limit: finite(m.limit_mib) ? m.limit_mib : undefined,
    referencePeak: finite(m.reference_peak_mib) ? m.reference_peak_mib : undefined,
    budget: finite(m.budget_mib) ? m.budget_mib : undefined,
  };
  const notes: string[] = [];
  if (typeof m.method === 'string')
    notes.push(
      `Measured: ${METHOD[m.method] ?? m.method}${finite(m.baseline_mib) ? `, above a baseline of ${mib(m.baseline_mib)} (the interpreter and your module at rest)` : ''}.`,
    );
  else if (finite(m.baseline_mib)) notes.push(`Measured above a baseline of ${mib(m.baseline_mib)}.`);
  if (finite(m.limit_with_tolerance_mib) && finite(m.limit_mib) && m.limit_with_tolerance_mib > m.limit_mib) {
    notes.push(`Measurements vary a little, so up to ${mib(m.limit_with_tolerance_mib)} is accepted.`);
  }
  if (finite(m.duration_s)) notes.push(`The measured call took ${duration(m.duration_s * 1000)}.`);
  if (finite(m.ceiling_mib)) notes.push(`The test ran with at most ${mib(m.ceiling_mib)} of memory.`);
  const top = topAllocations(m.top_allocations);

  const series = toSeries(m.samples, m.interval_s);
  const unit = finite(m.baseline_mib) ? 'MiB above baseline' : 'MiB';
  if (series) {
    const peak = Math.max(lines.peak ?? 0, ...series.points.map((p) => p[1]));
    return h(
      'figure',
      { class: 'memory' },
      fitToWidth((width) => memoryPlot(series, lines, unit, width)),
      legend(lines, true, finite(lines.limit) && peak > lines.limit),
      h('figcaption', null, [describe(peak, lines, series), ...notes].join(' ')),
      top,
    );
  }
  if (lines.peak === undefined && lines.limit === undefined) return null;
  return h(
    'figure',
    { class: 'memory' },
    fitToWidth((width) => memoryGauge(lines, width)),
    legend(lines, false),
    h('figcaption', null, [describe(lines.peak ?? 0, lines, null), ...notes].join(' ')),
    top,
  );
}

function refcountSentence(delta: number, expected: unknown): string {
  const exp = finite(expected) && expected !== 0 ? ` (expected ${num(expected)})` : '';
  if (delta === 0) return `Reference count: unchanged after the call (refcount_delta 0)${exp}: every reference your code took was given back.`;
  if (delta > 0) {
    return `Reference count: up by ${num(delta)} after the call (refcount_delta ${num(delta)})${exp}: ${plural(delta, 'reference was', 'references were')} still held somewhere, so the object cannot be freed.`;
  }
  return `Reference count: down by ${num(-delta)} after the call (refcount_delta ${num(delta)})${exp}: your code dropped ${plural(-delta, 'reference')} it did not own.`;
}

/** Sentences for the numbers we know how to explain; returns the keys it used. */
function explanations(m: Measurements): { items: HTMLElement[]; used: Set<string> } {
  const items: HTMLElement[] = [];
  const used = new Set<string>();
  const say = (keys: string[], ...content: (string | Node)[]) => {
    keys.forEach((k) => used.add(k));
    items.push(h('li', null, ...content));
  };
  const atLeast = finite(m.expected_at_least) ? ` (expected at least ${num(m.expected_at_least)})` : '';

  if (finite(m.leaked)) {
    const calls = finite(m.calls) ? m.calls : null;
    say(
      ['leaked', 'calls'],
      m.leaked === 0
        ? `Leaks: none${calls !== null ? ` in ${plural(calls, 'call')}` : ''}: every object created was freed.`
        : `Leaks: ${plural(m.leaked, 'object')} still alive after ${calls !== null ? plural(calls, 'call') : 'the calls'} (leaked ${num(m.leaked)}${calls !== null ? ` of ${num(calls)}` : ''})${calls ? ` — about ${num(m.leaked / calls, 2)} per call` : ''}.`,
    );
  } else if (finite(m.calls)) say(['calls'], `Calls made by the test: ${num(m.calls)}.`);

  if (finite(m.refcount_delta)) say(['refcount_delta', 'expected_refcount_delta'], refcountSentence(m.refcount_delta, m.expected_refcount_delta));

  if (finite(m.objects) && (finite(m.alive_after_del) || finite(m.alive_after_collect))) {
    const parts = [`Of ${plural(m.objects, 'object')} created`];
    if (finite(m.alive_after_del)) parts.push(`${num(m.alive_after_del)} ${m.alive_after_del === 1 ? 'was' : 'were'} still alive after del (only reference cycles keep them)`);
    if (finite(m.alive_after_collect)) parts.push(`${num(m.alive_after_collect)} after gc.collect()`);
    say(['objects', 'alive_after_del', 'alive_after_collect'], `${parts.join(', ')}.`);
  }
  if (isObject(m.types) && Object.keys(m.types).length) {
    const entries = Object.entries(m.types);
    say(['types'], 'Kinds of objects still alive: ', ...entries.flatMap(([type, count], i) => [i ? ', ' : '', h('code', null, type), ` × ${String(count)}`]), '.');
  }

  if (finite(m.collected_by_gc)) {
    say(
      ['collected_by_gc', 'expected_at_least'],
      m.collected_by_gc === 0
        ? `Cycle collector: gc.collect() found nothing to free (collected_by_gc 0)${atLeast}: no objects were kept alive only by reference cycles.`
        : `Cycle collector: gc.collect() had to free ${plural(m.collected_by_gc, 'object')} (collected_by_gc ${num(m.collected_by_gc)})${atLeast}: ${m.collected_by_gc === 1 ? 'it was' : 'they were'} unreachable but kept alive by reference cycles, so plain reference counting never freed ${m.collected_by_gc === 1 ? 'it' : 'them'}.`,
    );
  }
  if (finite(m.finalizers_ran)) say(['finalizers_ran', 'expected_at_least'], `Finalizers: ${plural(m.finalizers_ran, '__del__ method', '__del__ methods')} ran${atLeast}.`);
  if (finite(m.uncollectable)) {
    say(
      ['uncollectable'],
      m.uncollectable === 0
        ? 'Uncollectable objects: none (gc.garbage stayed empty).'
        : `Uncollectable objects: ${plural(m.uncollectable, 'object')} the collector found but could not free (gc.garbage).`,
    );
  }

  if (finite(m.survivors)) {
    say(
      ['survivors'],
      m.survivors === 0
        ? 'Survivors: none — nothing was left alive after collection.'
        : `Survivors: ${plural(m.survivors, 'object')} still alive after gc.collect(): something still refers to ${m.survivors === 1 ? 'it' : 'them'}.`,
    );
  } else if (Array.isArray(m.survivors)) {
    const list = m.survivors.map((v) => (typeof v === 'string' ? v : readableText(v)));
    say(['survivors'], `Survivors: ${plural(list.length, 'object')} still alive after gc.collect(): `, ...list.flatMap((v, i) => [i ? ', ' : '', h('code', null, v)]), '.');
  }

  if (m.holder !== undefined && m.holder !== null) {
    say(['holder'], 'Still held by: ', h('code', null, typeof m.holder === 'string' ? m.holder : readableText(m.holder)), ' — this is what keeps a reference to the object.');
  }
  for (const key of ['referrers', 'referenced_by', 'referrer_types']) {
    const kinds = Array.isArray(m[key]) ? (m[key] as unknown[]).filter((v): v is string => typeof v === 'string') : typeof m[key] === 'string' ? [m[key] as string] : [];
    if (kinds.length) say([key], 'What still refers to the object: ', holderWords(kinds), '.');
  }
  if (finite(m.kept_until_gc)) {
    say(
      ['kept_until_gc'],
      m.kept_until_gc === 0
        ? 'Nothing waited for the cycle collector: every object was freed as soon as its last reference went away.'
        : `${plural(m.kept_until_gc, 'object was', 'objects were')} freed only when the cycle collector ran (kept alive by reference cycles until then).`,
    );
  }
  if (finite(m.growth_mib)) say(['growth_mib', 'max_growth_mib', 'passed'], growthSentence(null, m));
  for (const [key, value] of Object.entries(m)) {
    if (!isObject(value) || !finite(value.growth_mib)) continue;
    say([key], growthSentence(key.replace(/^out_of_process_?/, '') || null, value));
  }
  if (typeof m.status === 'string' && STATUS_WORDS[m.status]) say(['status'], STATUS_WORDS[m.status]);

  const max = finite(m.max_bytes) ? ` (at most ${kib(m.max_bytes)} allowed)` : '';
  if (finite(m.deep_size_bytes)) say(['deep_size_bytes', 'max_bytes'], `Size: the object and everything it holds take ${kib(m.deep_size_bytes)}${max}.`);
  if (finite(m.instance_bytes)) say(['instance_bytes', 'max_bytes'], `Size: one instance takes ${kib(m.instance_bytes)}${max}.`);
  if (typeof m.slots === 'boolean')
    say(
      ['slots'],
      m.slots ? 'The class uses __slots__: its instances have no per-instance __dict__.' : 'The class does not use __slots__ (or its instances still get a __dict__).',
    );

  if (isObject(m.evidence) && finite(m.evidence.answers)) {
    const e = m.evidence;
    const backed = Array.isArray(e.backed_by) && e.backed_by.length ? `, and ${e.backed_by.length} out-of-process check${e.backed_by.length === 1 ? '' : 's'}` : '';
    const match = e.answers_match === true ? 'they matched' : e.answers_match === false ? 'they did not match' : 'not compared';
    say(['evidence'], `Checked by the judge: ${e.answers} result${e.answers === 1 ? '' : 's'} of your code against the reference solution's (${match})${backed}.`);
  }
  if (finite(m.wall_ms)) say(['wall_ms'], `Run time: ${duration(m.wall_ms)}.`);
  if (finite(m.duration_ms)) say(['duration_ms'], `The test took ${duration(m.duration_ms)}.`);
  // The harness repeats the test's outcome here; the page shows it already.
  if (m.status === 'passed' || m.status === 'failed') used.add('status');
  // An evidence mark (staff only) has its own badge on the card.
  if (['contradicted', 'tampered', 'disagreed', 'blocked'].includes(m.status as string)) used.add('status');
  return { items, used };
}

/** How a test ended when it did not simply pass or fail. */
const STATUS_WORDS: Record<string, string> = {
  timeout: 'This test ran out of time: it was stopped before it finished.',
  memory_limit: 'This test ran out of memory: it was stopped at its memory ceiling.',
  output_limit: 'This test printed too much: it was stopped at the output limit.',
  crashed: 'Your code crashed during this test (see the message).',
  error: 'This test could not run to the end (see the message).',
  sandbox_error: 'The grading sandbox failed during this test; it is not your fault.',
  skipped: 'This test did not run.',
  not_run: 'This test did not run.',
};

/** Python's names for the kinds of objects that can hold a reference, in words. */
const HOLDER_WORDS: Record<string, string> = {
  method: 'a bound method (something like obj.method was stored, e.g. as a callback, and it keeps obj alive)',
  function: 'a function (as a default argument value or a closure variable)',
  cell: 'a closure variable (a function defined inside another still uses it)',
  frame: "a running function's local variable",
  dict: 'a dict (an attribute, a global or a cache entry)',
  list: 'a list',
  tuple: 'a tuple',
  set: 'a set',
  deque: 'a deque',
  module: 'a module-level variable',
  type: 'a class (a class attribute)',
  generator: 'a generator that has not finished',
  coroutine: 'a coroutine that has not finished',
  traceback: 'a saved exception traceback (its frames keep their local variables)',
};

function holderWords(kinds: string[]): string {
  return [...new Set(kinds)].map((k) => HOLDER_WORDS[k] ?? `an object of type ${k}`).join('; ');
}

/** A hint for the harness's "referenced by: method (not reachable …)": what such a holder is. */
export function holderHint(message: string | undefined): string | null {
  const match = message ? /referenced by: ([A-Za-z_][\w, ]*) \(not reachable/.exec(message) : null;
  if (!match) return null;
  const kinds = match[1]
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  return `What holds it: ${holderWords(kinds)}. It is not one of your module's variables, so look for where your code stores that object.`;
}

function growthSentence(name: string | null, m: Measurements): string {
  const limit = finite(m.max_growth_mib) ? `; at most ${mib(m.max_growth_mib)} is allowed` : '';
  const calls = finite(m.calls) ? ` over ${plural(m.calls, 'call')}` : '';
  const verdict = m.passed === true ? ' — within the budget.' : m.passed === false ? ' — over the budget.' : '.';
  const what = name ? `Measured outside your program (check “${name}”)` : 'Measured outside your program';
  return `${what}: memory grew by ${mib(m.growth_mib as number)} while the work was repeated${calls}${limit}${verdict}`;
}

/** Friendly names for measurement keys the page has no sentence for. */
const LABELS: Record<string, string> = {
  allocations: 'allocations',
  blocks_per_call: 'memory blocks per call',
  rss_peak_mib: 'peak resident memory',
  tracemalloc_peak_mib: 'peak memory of Python objects',
  address_space_mib: 'address space',
  abs_mib: 'absolute budget',
  growth_mib: 'memory growth',
  max_growth_mib: 'allowed growth',
  expected_at_least: 'expected at least',
};

function label(key: string): string {
  if (LABELS[key]) return LABELS[key];
  const words = key
    .replace(/#(\d+)$/, ' $1')
    .replace(/_(mib|kib|bytes|ms|s)$/, '')
    .replace(/_/g, ' ')
    .trim();
  return words ? words[0].toUpperCase() + words.slice(1) : key;
}

function scalar(key: string, v: unknown): string | null {
  if (finite(v)) {
    if (/_mib$/.test(key)) return mib(v);
    if (/_kib$/.test(key)) return kib(v * 1024);
    if (/_ms$/.test(key)) return duration(v);
    if (/_s$/.test(key)) return duration(v * 1000);
    if (/_bytes$/.test(key)) return kib(v);
    return num(v, 3);
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (v === null) return 'none';
  return null;
}

/** Any value in words: scalars with their unit, lists and nested objects as nested lists; never JSON. */
function readable(key: string, v: unknown, depth = 0): Child {
  const text = scalar(key, v);
  if (text !== null) return text;
  if (depth > 4) return '…';
  if (Array.isArray(v)) {
    if (!v.length) return 'none';
    if (v.every((x) => scalar(key, x) !== null))
      return (
        v
          .slice(0, 50)
          .map((x) => scalar(key, x))
          .join(', ') + (v.length > 50 ? ` … (${v.length} in all)` : '')
      );
    return h(
      'ul',
      { class: 'tree' },
      v.slice(0, 20).map((x) => h('li', null, readable(key, x, depth + 1))),
    );
  }
  if (isObject(v)) {
    const entries = Object.entries(v);
    if (!entries.length) return 'none';
    return h(
      'ul',
      { class: 'tree' },
      entries.map(([k, x]) => h('li', null, `${label(k)}: `, readable(k, x, depth + 1))),
    );
  }
  return String(v);
}

function readableText(v: unknown): string {
  const node = readable('', v);
  return typeof node === 'string' ? node : ((node as HTMLElement).textContent ?? '');
}

function otherTable(m: Measurements, used: Set<string>): HTMLElement | null {
  const rows = Object.entries(m).filter(([k, v]) => !used.has(k) && v !== undefined);
  if (!rows.length) return null;
  return h(
    'table',
    { class: 'kv' },
    h('caption', null, 'Other measurements'),
    h(
      'tbody',
      null,
      rows.map(([k, v]) => h('tr', null, h('th', { scope: 'row' }, label(k)), h('td', null, readable(k, v)))),
    ),
  );
}

/** The measurements of one test, or null when there is nothing to show. */
export function renderMeasurements(measurements: unknown, message?: string): HTMLElement | null {
  const hint = holderHint(message);
  const chain = referenceChain(message);
  if (!isObject(measurements) || !Object.keys(measurements).length) {
    return hint || chain ? h('div', { class: 'measurements' }, chain, hint ? h('ul', { class: 'explain' }, h('li', null, hint)) : null) : null;
  }
  const m = measurements;
  const blocks: (HTMLElement | null)[] = [];
  const used = new Set<string>();
  // Memory measured flat in the test's measurements …
  if (isMemory(m)) {
    blocks.push(memoryBlock(m));
    MEMORY_KEYS.forEach((k) => used.add(k));
  }
  // … or nested, one object per measured call ("memory", "memory#2", …).
  for (const [key, value] of Object.entries(m)) {
    if (used.has(key) || !isObject(value) || !isMemory(value)) continue;
    used.add(key);
    blocks.push(memoryBlock(value));
    const rest = Object.fromEntries(Object.entries(value).filter(([k]) => !MEMORY_KEYS.includes(k)));
    if (Object.keys(rest).length) blocks.push(otherTable(rest, new Set()));
  }
  if (!used.has('top_allocations') && Array.isArray(m.top_allocations)) {
    used.add('top_allocations');
    blocks.push(topAllocations(m.top_allocations));
  }
  const { items, used: explained } = explanations(m);
  if (hint) items.push(h('li', null, hint));
  explained.forEach((k) => used.add(k));
  const table = otherTable(m, used);
  const shown = blocks.filter((b): b is HTMLElement => !!b);
  if (!shown.length && !items.length && !table && !chain) return null;
  return h('div', { class: 'measurements' }, ...shown, chain, items.length ? h('ul', { class: 'explain' }, items) : null, table);
}
