// LTI 1.3 platforms (#/lti/platforms): the URLs an LMS admin gives their platform, the platforms
// registered (dynamically or by hand) with their deployments, and a form to register one by hand
// (POST /api/v1/lti/platforms). The platform list and the form are the admin's; others see the URLs.
import { ApiError, get, post } from '../api';
import { h, replace } from '../dom';
import { time } from '../format';
import type { RouteContext } from '../router';
import type { Course, LtiPlatform as Platform, ToolConfiguration } from '../types';
import { breadcrumbs, empty, errorBox, pageTitle, table } from '../ui';

/** The form's fields, in the order a platform's admin page shows them. */
const FIELDS = [
  { name: 'name', label: 'Name', help: 'how this platform is shown here, e.g. "Moodle of Example University"' },
  { name: 'issuer', label: 'Issuer (iss)', help: 'the platform ID, exactly as in its id_tokens' },
  { name: 'clientId', label: 'Client ID', help: 'the client id the platform gave memgrade' },
  { name: 'authLoginUrl', label: 'Authorization endpoint (OIDC auth)', help: 'where memgrade sends the browser at login', url: true },
  { name: 'tokenUrl', label: 'Access token URL', help: 'OAuth 2 token endpoint, for grades and rosters', url: true },
  { name: 'jwksUrl', label: 'Platform public keyset URL (JWKS)', help: 'the platform’s public keys', url: true },
  { name: 'deploymentIds', label: 'Deployment IDs', help: 'comma-separated; leave empty to learn the first one at the first launch' },
] as const;

/** #/lti/platforms */
export async function ltiPlatformsPage(ctx: RouteContext): Promise<void> {
  const isAdmin = ctx.me.role === 'admin';
  const [configuration, platforms, courses] = await Promise.all([
    toolConfiguration(ctx.signal),
    isAdmin ? get<Platform[]>('/lti/platforms', { signal: ctx.signal }) : Promise.resolve(null),
    isAdmin ? get<Course[]>('/courses', { signal: ctx.signal }) : Promise.resolve([]),
  ]);
  const list = h('div', null, platforms ? platformTable(platforms) : null);
  replace(
    ctx.main,
    breadcrumbs(['Courses', '#/'], ['LTI platforms', null]),
    pageTitle('LTI platforms', h('p', { class: 'subtitle' }, 'Moodle, Canvas, Blackboard, Brightspace and other LTI 1.3 platforms')),
    urlsSection(configuration),
    isAdmin
      ? [
          h('section', { class: 'lti-section', 'aria-labelledby': 'platforms-title' }, h('h2', { id: 'platforms-title' }, 'Registered platforms'), list),
          registrationForm(courses, async () => replace(list, platformTable(await get<Platform[]>('/lti/platforms', { signal: ctx.signal })))),
        ]
      : h('p', null, 'Only an administrator can see and register platforms. Give these URLs to your LMS administrator.'),
  );
}

async function toolConfiguration(signal: AbortSignal): Promise<ToolConfiguration> {
  const response = await fetch('/lti/configuration', { signal, headers: { Accept: 'application/json' }, cache: 'no-store' });
  if (!response.ok) throw new ApiError(response.status, `memgrade's LTI configuration could not be read (${response.status})`);
  return (await response.json()) as ToolConfiguration;
}

function urlsSection(configuration: ToolConfiguration): HTMLElement {
  const row = (label: string, value: string, help: string) => [h('dt', null, label), h('dd', null, h('code', { class: 'lti-url' }, value), h('p', { class: 'help' }, help))];
  return h(
    'section',
    { class: 'lti-section', 'aria-labelledby': 'urls-title' },
    h('h2', { id: 'urls-title' }, 'memgrade’s URLs for your platform'),
    h(
      'dl',
      { class: 'lti-urls' },
      row(
        'Dynamic registration URL',
        configuration.registration_url,
        'paste it into the platform’s “register a tool” (Moodle 4.x: Tool URL); add ?secret=… when the server sets LTI_REGISTRATION_SECRET',
      ),
      row('Login initiation URL', configuration.login_url, 'OpenID Connect third-party initiated login (GET or POST)'),
      row('Redirect URI (launch)', configuration.launch_url, 'also the target link URI and the deep-linking URL'),
      row('Public keyset URL (JWKS)', configuration.jwks_url, 'memgrade’s public keys: verifies its client assertions and deep-linking answers'),
    ),
  );
}

function platformTable(platforms: Platform[]): HTMLElement {
  if (!platforms.length) return empty('No platform is registered yet.');
  return table(
    'Registered platforms',
    ['Name', 'Issuer', 'Client ID', 'Deployments', 'Course', 'Registered'],
    platforms.map((p) => [
      p.name,
      h('code', null, p.issuer),
      h('code', null, p.clientId),
      p.deploymentIds.length
        ? h(
            'ul',
            { class: 'plain' },
            p.deploymentIds.map((id) => h('li', null, h('code', null, id))),
          )
        : h('span', { class: 'muted' }, 'learned at the first launch'),
      h('a', { href: `#/teach/${encodeURIComponent(p.course)}` }, p.course),
      `${p.registeredVia === 'dynamic' ? 'dynamically' : 'by hand'}, ${time(p.createdAt)}`,
    ]),
    { hideCaption: true },
  );
}

function registrationForm(courses: Course[], onRegistered: () => Promise<void>): HTMLElement {
  const message = h('div', { 'aria-live': 'polite' });
  const inputs = new Map<string, HTMLInputElement>();
  const fields = FIELDS.map((field) => {
    const input = h('input', {
      id: `platform-${field.name}`,
      name: field.name,
      type: 'text',
      inputmode: 'url' in field ? 'url' : null,
      autocomplete: 'off',
      spellcheck: 'false',
      required: field.name !== 'deploymentIds',
      'aria-describedby': `platform-${field.name}-help`,
    });
    inputs.set(field.name, input);
    return h('div', { class: 'field' }, h('label', { for: input.id }, field.label), input, h('p', { class: 'help', id: `platform-${field.name}-help` }, field.help));
  });
  const course = h(
    'select',
    { id: 'platform-course', name: 'course', required: true },
    courses.map((c) => h('option', { value: c.slug }, `${c.title} (${c.slug})`)),
  );
  const button = h('button', { type: 'submit', class: 'button primary' }, 'Register platform');
  const form = h(
    'form',
    {
      class: 'platform-form',
      onSubmit: async (event: SubmitEvent) => {
        event.preventDefault();
        const value = (name: string) => inputs.get(name)!.value.trim();
        const body = {
          name: value('name'),
          issuer: value('issuer'),
          clientId: value('clientId'),
          authLoginUrl: value('authLoginUrl'),
          tokenUrl: value('tokenUrl'),
          jwksUrl: value('jwksUrl'),
          deploymentIds: value('deploymentIds')
            .split(',')
            .map((id) => id.trim())
            .filter(Boolean),
          course: course.value,
        };
        button.disabled = true;
        replace(message);
        try {
          const created = await post<Platform>('/lti/platforms', body);
          replace(message, h('p', { class: 'ok-text', role: 'status' }, `Registered “${created.name}” (${created.issuer}) for course ${created.course}.`));
          form.reset();
          await onRegistered();
        } catch (error) {
          replace(message, errorBox(error, 'The platform was not registered'));
        } finally {
          button.disabled = false;
        }
      },
    },
    fields,
    h('div', { class: 'field' }, h('label', { for: course.id }, 'Course its launches belong to'), course),
    h('div', { class: 'actions' }, button),
    message,
  );
  return h(
    'section',
    { class: 'lti-section', 'aria-labelledby': 'register-title' },
    h('h2', { id: 'register-title' }, 'Register a platform by hand'),
    h(
      'p',
      { class: 'help' },
      'For platforms without dynamic registration (Canvas developer keys, Blackboard, Brightspace): first enter memgrade’s URLs above in the platform, then copy what it shows for memgrade here.',
    ),
    courses.length ? form : empty('Create a course first: a platform’s launches belong to one course.'),
  );
}
