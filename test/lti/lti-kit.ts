import type { INestApplication } from '@nestjs/common';
import { createHttpApp } from '../../src/http-app';
import { freePort } from '../support/integrations';
import { testConfig } from '../support/platform';

/** memgrade's API listening on a real 127.0.0.1 port (the platform emulator calls back: JWKS, redirects). */
export async function startListeningApi(overrides: Record<string, string> = {}): Promise<{ app: INestApplication; url: string }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const app = await createHttpApp(testConfig({ PUBLISH_CATALOG: 'false', LTI_PUBLIC_URL: url, ...overrides }));
  await app.listen(port, '127.0.0.1');
  return { app, url };
}

/** A browser without a browser: follows a launch by hand, keeping cookies per origin path-insensitively. */
export class CookieBrowser {
  readonly cookies = new Map<string, string>();

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  private keep(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const index = pair.indexOf('=');
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(url: string): Promise<Response> {
    const response = await fetch(url, { redirect: 'manual', headers: { Cookie: this.cookieHeader() } });
    this.keep(response);
    return response;
  }

  async post(url: string, form: Record<string, string | string[]>): Promise<Response> {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    const response = await fetch(url, { method: 'POST', redirect: 'manual', body, headers: { Cookie: this.cookieHeader(), 'Content-Type': 'application/x-www-form-urlencoded' } });
    this.keep(response);
    return response;
  }
}

/** The action and hidden fields of the first form of a page. */
export function formOf(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form in: ${html.slice(0, 500)}`);
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[match[1]] = unescape(match[2]);
  return { action: unescape(action), fields };
}

const unescape = (text: string) =>
  text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&(amp|lt|gt|quot);/g, (_, name: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"' })[name] as string);

/**
 * A launch from initiation to the tool's answer: tool login (302 + state cookie) → emulator's
 * authorization endpoint (a form with id_token and state) → POST to the tool's launch URL.
 * `alter` may change the posted form (a wrong state).
 */
export async function launch(browser: CookieBrowser, initiationUrl: string, alter?: (form: Record<string, string>) => Record<string, string>) {
  const login = await browser.get(initiationUrl);
  if (login.status !== 302) throw new Error(`login initiation answered ${login.status}: ${await login.text()}`);
  const auth = await browser.get(login.headers.get('location') as string);
  const authPage = await auth.text();
  if (auth.status !== 200) throw new Error(`authorization endpoint answered ${auth.status}: ${authPage}`);
  const { action, fields } = formOf(authPage);
  const posted = alter ? alter(fields) : fields;
  const response = await browser.post(action, posted);
  return { response, html: await response.text(), form: posted, action };
}

/** The reason a refused launch's page names. */
export const reasonOf = (html: string) =>
  /<p id="reason">([^<]*)<\/p>/
    .exec(html)?.[1]
    ?.replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"') ?? null;

/** Both sides of a manual registration: the platform's client for memgrade, and the platform in memgrade (POST /api/v1/lti/platforms). */
export async function registerManually(tool: string, adminKey: string, platform: import('./platform-emulator').PlatformEmulator, course: string) {
  const client = platform.addClient({ loginUrl: `${tool}/lti/login`, redirectUris: [`${tool}/lti/launch`], jwksUrl: `${tool}/lti/jwks`, targetLinkUri: `${tool}/lti/launch` });
  const response = await fetch(`${tool}/api/v1/lti/platforms`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Emulated LMS', ...platform.endpoints, clientId: client.clientId, deploymentIds: [client.deploymentId], course }),
  });
  if (response.status !== 201) throw new Error(`manual registration answered ${response.status}: ${await response.text()}`);
  return client;
}

/** The API key a launch handed to the web pages (in the fragment of its redirect). */
export function keyOfLaunch(response: Response): string {
  const target = (response.headers.get('refresh') ?? '').replace(/^0; url=/, '');
  const match = /#key=([^&]+)/.exec(target);
  if (!match) throw new Error(`the launch did not sign in (status ${response.status})`);
  return decodeURIComponent(match[1]);
}
