import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import type { Exercise } from '../generated/prisma/client';

/**
 * memgrade's own LTI pages: plain HTML, no external assets. They may be framed by the LMS (launches
 * usually happen in an iframe); scripts run only with the page's nonce.
 */
export function sendPage(response: Response, status: number, title: string, body: string, script?: string): void {
  const nonce = randomBytes(16).toString('base64');
  response.setHeader('Content-Security-Policy', `default-src 'none'; style-src 'unsafe-inline'; script-src 'nonce-${nonce}'; form-action *; base-uri 'none'; frame-ancestors *`);
  response.setHeader('Cache-Control', 'no-store');
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('Referrer-Policy', 'no-referrer');
  response
    .status(status)
    .type('text/html; charset=utf-8')
    .send(
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)} · memgrade</title>` +
        `<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#222}code{background:#f3f3f3;padding:0 .2em}li{margin:.3rem 0}button{font:inherit;padding:.4rem 1rem}</style></head>` +
        `<body><h1>${escapeHtml(title)}</h1>${body}${script ? `<script nonce="${nonce}">${script}</script>` : ''}</body></html>\n`,
    );
}

export function errorPage(response: Response, reason: string, status = 400): void {
  sendPage(
    response,
    status,
    'This LTI launch was refused',
    `<p id="reason">${escapeHtml(reason)}</p><p>Nothing was signed in. Go back to your LMS and open the activity again; if it keeps failing, tell your instructor what this page says.</p>`,
  );
}

/** After a resource-link launch: on to the exercise page, with the session's API key in the fragment (never sent to a server). */
export function launchedPage(response: Response, target: string): void {
  const href = escapeHtml(target);
  response.setHeader('Refresh', `0; url=${target}`);
  sendPage(response, 200, 'Signed in', `<p>Opening your exercise… <a id="continue" href="${href}">continue</a></p>`, `window.location.replace(${JSON.stringify(target)});`);
}

/** An instructor's first launch of a link bound to no exercise: pick the one it opens. */
export function bindPage(response: Response, exercises: Exercise[], csrf: string): void {
  const items = exercises.length
    ? exercises
        .map((e) => `<li><label><input type="radio" name="exercise" value="${escapeHtml(e.slug)}" required> ${escapeHtml(e.title)} <code>${escapeHtml(e.slug)}</code></label></li>`)
        .join('')
    : '<li>This course has no published exercise yet.</li>';
  sendPage(
    response,
    200,
    'Which exercise does this link open?',
    `<form method="post" action="/lti/bind"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><p>This link of your course is not bound to a memgrade exercise yet. Pick the one it opens for everyone; grades go to this link's grade column.</p><ul>${items}</ul><button type="submit">Open this exercise</button></form>`,
  );
}

export function deepLinkingPage(response: Response, exercises: Exercise[], csrf: string, acceptMultiple: boolean): void {
  const type = acceptMultiple ? 'checkbox' : 'radio';
  const items = exercises.length
    ? exercises
        .map((e) => `<li><label><input type="${type}" name="exercise" value="${escapeHtml(e.slug)}"> ${escapeHtml(e.title)} <code>${escapeHtml(e.slug)}</code></label></li>`)
        .join('')
    : '<li>This course has no published exercise yet.</li>';
  sendPage(
    response,
    200,
    'Add memgrade exercises',
    `<form method="post" action="/lti/deep-linking"><input type="hidden" name="csrf" value="${escapeHtml(csrf)}"><p>Pick the exercise${acceptMultiple ? 's' : ''} to add to your course. Each gets a grade column with its maximum score.</p><ul>${items}</ul><button type="submit">Add</button></form>`,
  );
}

/** Posts the signed deep-linking response back to the platform (auto-submitted; a button without scripts). */
export function deepLinkingReturnPage(response: Response, returnUrl: string, jwt: string): void {
  sendPage(
    response,
    200,
    'Returning to your LMS',
    `<form id="return" method="post" action="${escapeHtml(returnUrl)}"><input type="hidden" name="JWT" value="${escapeHtml(jwt)}"><button type="submit">Return to the LMS</button></form>`,
    'document.getElementById("return").submit();',
  );
}

export function registeredPage(response: Response, view: { name: string; issuer: string; clientId: string; deploymentIds: string[]; course: string }): void {
  sendPage(
    response,
    200,
    'memgrade is registered',
    `<p>${escapeHtml(view.name)} can now launch memgrade.</p><ul><li>issuer <code>${escapeHtml(view.issuer)}</code></li><li>client id <code>${escapeHtml(view.clientId)}</code></li>` +
      `<li>deployment${view.deploymentIds.length === 1 ? '' : 's'} <code>${escapeHtml(view.deploymentIds.join(', ') || 'none yet')}</code></li><li>course <code>${escapeHtml(view.course)}</code></li></ul>` +
      '<p>Close this window to finish in the LMS.</p>',
    "(window.opener || window.parent).postMessage({ subject: 'org.imsglobal.lti.close' }, '*');",
  );
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Cookies of a request (the Cookie header), without a dependency. */
export function cookiesOf(header: string | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index < 1) continue;
    const name = part.slice(0, index).trim();
    try {
      cookies[name] = decodeURIComponent(part.slice(index + 1).trim());
    } catch {
      // a malformed value is ignored
    }
  }
  return cookies;
}
