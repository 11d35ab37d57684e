// Accessibility checks for browser specs: axe-core on the page as it is now, no horizontal scroll
// on a phone, and a screenshot of each check kept under test-artifacts/a11y/.
//
//   await checkPage(page, 'student-exercise');            // at 1280, 390 and 360 px
//   await expectNoSeriousAxeViolations(page, 'my-page');   // axe only, at the current size
//
// Any spec can call these on any page it opened with newPage() from ./browser.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export const A11Y_ARTIFACTS = join(resolve(__dirname, '..', '..'), 'test-artifacts', 'a11y');

/** WCAG 2.0/2.1/2.2 A and AA, plus axe's best practices (landmarks, one h1, heading order…). */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/** The widths every page is checked at: a laptop, a common phone, the narrowest phone we support. */
export const WIDTHS = [1280, 390, 360] as const;

let announced = false;
function artifactPath(name: string): string {
  mkdirSync(A11Y_ARTIFACTS, { recursive: true });
  if (!announced) {
    announced = true;
    process.stdout.write(`accessibility screenshots: ${A11Y_ARTIFACTS}\n`);
  }
  return join(A11Y_ARTIFACTS, `${name.replace(/[^\w.-]+/g, '-')}.png`);
}

/** Lets the page settle (fonts, a re-render after resize) before measuring it. */
async function settle(page: Page): Promise<void> {
  await page.evaluate('new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))');
}

/**
 * Runs axe-core on the page and fails with every serious or critical violation: the rule, why it
 * matters, and the elements (selector and HTML) that break it. Also saves a full-page screenshot.
 */
export async function expectNoSeriousAxeViolations(page: Page, name: string): Promise<void> {
  await settle(page);
  await page.screenshot({ path: artifactPath(name), fullPage: true });
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  if (!serious.length) return;
  const report = serious
    .map(
      (v) =>
        `- ${v.id} (${v.impact}): ${v.help}\n${v.nodes
          .slice(0, 6)
          .map((n) => `    ${n.target.join(' ')}  ${n.html.slice(0, 160)}\n      ${n.failureSummary?.replace(/\n/g, ' ') ?? ''}`)
          .join('\n')}`,
    )
    .join('\n');
  throw new Error(
    `${name} (${page.viewportSize()?.width ?? '?'} px, ${page.url()}): ${serious.length} serious or critical axe violation${serious.length === 1 ? '' : 's'}\n${report}`,
  );
}

/** Fails when the page scrolls sideways at its current width, naming the widest elements. */
export async function expectNoHorizontalScroll(page: Page, name: string): Promise<void> {
  await settle(page);
  // A string, as the test tsconfig has no DOM types.
  const found = (await page.evaluate(`(() => {
    const doc = document.scrollingElement || document.documentElement;
    const width = window.innerWidth;
    if (doc.scrollWidth <= width) return null;
    // The elements that stick out, innermost first (their ancestors stick out because of them).
    const sticksOut = (el) => el.getBoundingClientRect().right > width + 1;
    const out = [...document.querySelectorAll('body *')]
      .filter((el) => sticksOut(el) && ![...el.children].some(sticksOut))
      .slice(0, 5)
      .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.classList.length ? '.' + [...el.classList].join('.') : '') + ' (right edge ' + Math.round(el.getBoundingClientRect().right) + ' px)');
    return { scrollWidth: doc.scrollWidth, width, out };
  })()`)) as { scrollWidth: number; width: number; out: string[] } | null;
  if (found) throw new Error(`${name}: the page is ${found.scrollWidth} px wide at a ${found.width} px viewport; sticking out: ${found.out.join(', ')}`);
}

/**
 * The whole check of one page as it is now: at each width (default 1280, 390, 360 px) axe finds
 * nothing serious and, below 1000 px, nothing scrolls sideways; screenshots are named
 * `<name>-<width>`. `ready` (optional) waits for what the page must show after a resize.
 * The viewport is put back afterwards.
 */
export async function checkPage(page: Page, name: string, options: { widths?: readonly number[]; ready?: (page: Page) => Promise<void> } = {}): Promise<void> {
  const original = page.viewportSize() ?? { width: 1366, height: 900 };
  try {
    for (const width of options.widths ?? WIDTHS) {
      await page.setViewportSize({ width, height: width < 600 ? 800 : 900 });
      await options.ready?.(page);
      if (width < 1000) await expectNoHorizontalScroll(page, `${name} at ${width} px`);
      await expectNoSeriousAxeViolations(page, `${name}-${width}`);
    }
  } finally {
    await page.setViewportSize(original);
  }
}
