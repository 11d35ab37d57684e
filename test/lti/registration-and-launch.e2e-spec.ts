import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { LtiSessionsService } from '../../src/lti/lti-sessions.service';
import { CookieBrowser, formOf, keyOfLaunch, launch, reasonOf, startListeningApi } from './lti-kit';
import { type LaunchSpec, PlatformEmulator, ROLE } from './platform-emulator';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
/** An issuer no spec registers (the access matrix registers https://lms.invalid in the same database). */
const UNKNOWN_ISSUER = 'https://nobody-registered-this.invalid';

describe('LTI 1.3: registration, launches and refused launches', () => {
  let app: INestApplication;
  let tool: string;
  let prisma: PrismaService;
  let data: TestData;
  let admin: string;
  let course: { id: string; slug: string };
  let exercise: { slug: string; exercise: { id: string; title: string } };
  const emulators: PlatformEmulator[] = [];
  let platform: PlatformEmulator;

  const http = () => request(app.getHttpServer());
  /** This spec's platform in memgrade (another spec's emulator may have had the same port, hence issuer). */
  const mine = () => ({ issuer: platform.issuer, clientId: [...platform.clients.values()][0].clientId });
  const learner = (sub = `s-${Math.random().toString(36).slice(2, 8)}`) => ({ sub, name: `Learner ${sub}`, email: `${sub}@example.edu`, roles: [ROLE.learner] });
  const spec = (overrides: Partial<LaunchSpec> = {}): LaunchSpec => ({ person: learner(), custom: { memgrade_exercise: `${course.slug}/${exercise.slug}` }, ...overrides });

  beforeAll(async () => {
    ({ app, url: tool } = await startListeningApi({ LTI_REGISTRATION_COURSE: 'lti-registration' }));
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    course = (await prisma.course.findUnique({ where: { slug: 'lti-registration' } })) ?? (await data.newCourse('lti-registration'));
    exercise = await data.newExercise(course.id);
    admin = (await data.newUser('admin')).key;
    platform = await new PlatformEmulator().start();
    emulators.push(platform);
  });

  afterAll(async () => {
    for (const emulator of emulators) await emulator.close();
    await app?.close();
  });

  describe('dynamic registration', () => {
    it('registers memgrade at the platform from the one URL and stores the platform with its deployment', async () => {
      const response = await fetch(platform.registrationUrl(`${tool}/lti/register`));
      const page = await response.text();
      expect(response.status).toBe(200);
      expect(page).toContain('memgrade is registered');
      expect(page).toContain('org.imsglobal.lti.close');
      const client = [...platform.clients.values()][0];
      expect(client.registration).toMatchObject({
        initiate_login_uri: `${tool}/lti/login`,
        redirect_uris: [`${tool}/lti/launch`],
        jwks_uri: `${tool}/lti/jwks`,
        token_endpoint_auth_method: 'private_key_jwt',
      });
      expect(String(client.registration?.scope)).toContain('https://purl.imsglobal.org/spec/lti-ags/scope/score');
      expect(String(client.registration?.scope)).toContain('https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly');
      const messages = (client.registration?.['https://purl.imsglobal.org/spec/lti-tool-configuration'] as { messages: { type: string }[] }).messages.map((m) => m.type);
      expect(messages).toEqual(expect.arrayContaining(['LtiDeepLinkingRequest', 'LtiResourceLinkRequest']));
      const stored = await prisma.ltiPlatform.findFirstOrThrow({ where: { issuer: platform.issuer, clientId: client.clientId } });
      expect(stored).toMatchObject({
        clientId: client.clientId,
        deploymentIds: [client.deploymentId],
        authLoginUrl: `${platform.url}/auth`,
        tokenUrl: `${platform.url}/token`,
        jwksUrl: `${platform.url}/jwks`,
        courseId: course.id,
        registeredVia: 'dynamic',
      });
    });

    it('refuses a registration without openid_configuration, naming it, and a configuration from another host', async () => {
      const missing = await fetch(`${tool}/lti/register`);
      expect(missing.status).toBe(400);
      expect(reasonOf(await missing.text())).toMatch(/missing openid_configuration/);
      const elsewhere = await fetch(`${tool}/lti/register?openid_configuration=${encodeURIComponent(`${tool}/lti/jwks`)}`);
      expect(elsewhere.status).toBe(400);
      expect(reasonOf(await elsewhere.text())).toMatch(/no issuer/);
    });
  });

  it('describes itself at /lti/configuration for platforms set up by hand', async () => {
    const configuration = (await (await fetch(`${tool}/lti/configuration`)).json()) as Record<string, unknown>;
    expect(configuration).toMatchObject({
      registration_url: `${tool}/lti/register`,
      login_url: `${tool}/lti/login`,
      launch_url: `${tool}/lti/launch`,
      jwks_url: `${tool}/lti/jwks`,
    });
  });

  describe('manual registration through the API', () => {
    it('lets an admin register, list and delete a platform; others get 403; bad fields are named', async () => {
      const other = await new PlatformEmulator().start();
      emulators.push(other);
      const body = { name: 'Canvas', ...other.endpoints, clientId: 'manual-1', deploymentIds: ['d-1'], course: course.slug };
      const created = await http().post('/api/v1/lti/platforms').set('Authorization', `Bearer ${admin}`).send(body).expect(201);
      expect(created.body).toMatchObject({ name: 'Canvas', issuer: other.issuer, clientId: 'manual-1', deploymentIds: ['d-1'], course: course.slug, registeredVia: 'manual' });
      await http().post('/api/v1/lti/platforms').set('Authorization', `Bearer ${admin}`).send(body).expect(409);
      const bad = await http()
        .post('/api/v1/lti/platforms')
        .set('Authorization', `Bearer ${admin}`)
        .send({ ...body, clientId: 'x', jwksUrl: 'ftp://nope' })
        .expect(400);
      expect(bad.body.fields).toEqual([{ field: 'jwksUrl', reason: 'must be an absolute http:// or https:// URL' }]);
      const student = (await data.newUser('student')).key;
      await http().post('/api/v1/lti/platforms').set('Authorization', `Bearer ${student}`).send(body).expect(403);
      const list = await http().get('/api/v1/lti/platforms').set('Authorization', `Bearer ${admin}`).expect(200);
      expect(list.body.map((p: { clientId: string }) => p.clientId)).toContain('manual-1');
      await http().delete(`/api/v1/lti/platforms/${created.body.id}`).set('Authorization', `Bearer ${admin}`).expect(204);
      await http().delete(`/api/v1/lti/platforms/${created.body.id}`).set('Authorization', `Bearer ${admin}`).expect(404);
    });
  });

  describe('tool keys', () => {
    it('publishes RS256 keys at the JWKS URL and keeps the previous key published after a rotation', async () => {
      const before = (await (await fetch(`${tool}/lti/jwks`)).json()) as { keys: Record<string, string>[] };
      expect(before.keys.length).toBeGreaterThanOrEqual(1);
      expect(before.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
      expect(before.keys[0].d).toBeUndefined();
      const rotated = await http().post('/api/v1/lti/keys/rotate').set('Authorization', `Bearer ${admin}`).expect(201);
      const after = (await (await fetch(`${tool}/lti/jwks`)).json()) as { keys: Record<string, string>[] };
      expect(after.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([rotated.body.kid, before.keys[0].kid]));
    });
  });

  describe('a learner launch', () => {
    it('signs the learner in: user and enrolment from the claims, an http-only session cookie, the exercise page with a key that works', async () => {
      const browser = new CookieBrowser();
      const person = learner('ada');
      const { response, html } = await launch(browser, platform.initiateLogin(spec({ person, resourceLinkId: 'link-ada' })));
      expect(response.status).toBe(200);
      const setCookie = response.headers.getSetCookie().find((c) => c.startsWith('memgrade_lti_session='));
      expect(setCookie).toMatch(/HttpOnly/i);
      expect(setCookie).toMatch(/SameSite=Lax/i); // plain http here; over TLS SameSite=None; Secure
      const target = (response.headers.get('refresh') ?? '').replace(/^0; url=/, '');
      expect(target).toMatch(new RegExp(`^/#key=[^&]+&to=${encodeURIComponent(`/c/${course.slug}/e/${exercise.slug}`)}$`));
      expect(html).toContain('Signed in');
      const key = decodeURIComponent(/#key=([^&]+)/.exec(target)![1]);
      const me = await http().get('/api/v1/users/me').set('Authorization', `Bearer ${key}`).expect(200);
      expect(me.body).toMatchObject({ displayName: 'Learner ada', role: 'student' });
      await http().get(`/api/v1/courses/${course.slug}/exercises/${exercise.slug}`).set('Authorization', `Bearer ${key}`).expect(200);
      const ltiUser = await prisma.ltiUser.findFirstOrThrow({ where: { sub: 'ada', platform: mine() }, include: { user: { include: { enrolments: true } } } });
      expect(ltiUser).toMatchObject({ email: 'ada@example.edu', roles: [ROLE.learner] });
      expect(ltiUser.user.enrolments).toEqual([expect.objectContaining({ courseId: course.id, role: 'student' })]);
      const link = await prisma.ltiResourceLink.findFirstOrThrow({ where: { resourceLinkId: 'link-ada', platform: mine() } });
      expect(link.exerciseId).toBe(exercise.exercise.id);
    });

    it('updates the name and email on the next launch, and makes an Instructor an instructor of the course', async () => {
      const person = { sub: 'grace', name: 'Grace', email: 'g@example.edu', roles: [ROLE.instructor] };
      await launch(new CookieBrowser(), platform.initiateLogin(spec({ person })));
      await launch(new CookieBrowser(), platform.initiateLogin(spec({ person: { ...person, name: 'Grace Hopper', email: 'grace@example.edu' } })));
      const ltiUser = await prisma.ltiUser.findFirstOrThrow({ where: { sub: 'grace', platform: mine() }, include: { user: { include: { enrolments: true } } } });
      expect(ltiUser).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.edu' });
      expect(ltiUser.user).toMatchObject({ displayName: 'Grace Hopper', email: 'grace@example.edu', role: 'instructor' });
      expect(ltiUser.user.enrolments).toEqual([expect.objectContaining({ courseId: course.id, role: 'instructor' })]);
    });

    it('ends a session past its time: its key is revoked', async () => {
      const { response } = await launch(new CookieBrowser(), platform.initiateLogin(spec()));
      const key = keyOfLaunch(response);
      await http().get('/api/v1/users/me').set('Authorization', `Bearer ${key}`).expect(200);
      const session = await prisma.ltiSession.findFirstOrThrow({ orderBy: { createdAt: 'desc' } });
      // The key also expires by itself at the session's end (and keys made with it expire with it).
      expect((await prisma.apiKey.findUniqueOrThrow({ where: { id: session.apiKeyId! } })).expiresAt).toEqual(session.expiresAt);
      await prisma.ltiSession.update({ where: { id: session.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
      expect(await app.get(LtiSessionsService).endExpired()).toBeGreaterThanOrEqual(1);
      await http().get('/api/v1/users/me').set('Authorization', `Bearer ${key}`).expect(401);
    });

    it('makes a teaching assistant a ta of the course (staff who cannot publish), a student-level user', async () => {
      await launch(new CookieBrowser(), platform.initiateLogin(spec({ person: { sub: 'ta-1', name: 'TA', roles: [ROLE.instructor, ROLE.ta] } })));
      const ltiUser = await prisma.ltiUser.findFirstOrThrow({ where: { sub: 'ta-1', platform: mine() }, include: { user: { include: { enrolments: true } } } });
      expect(ltiUser.user.enrolments[0].role).toBe('ta');
      expect(ltiUser.user.role).toBe('student');
    });
  });

  describe('launches platforms send in other shapes', () => {
    it('accepts an aud listing other audiences too when azp names memgrade', async () => {
      const { response } = await launch(new CookieBrowser(), platform.initiateLogin(spec({ tamper: (c) => ({ ...c, aud: ['another-tool', c.aud as string], azp: c.aud }) })));
      expect(response.status).toBe(200);
    });

    it('learns the deployment of a platform registered without deployment ids at its first launch', async () => {
      const other = await new PlatformEmulator().start();
      emulators.push(other);
      const client = other.addClient({ loginUrl: `${tool}/lti/login`, redirectUris: [`${tool}/lti/launch`], jwksUrl: `${tool}/lti/jwks`, targetLinkUri: `${tool}/lti/launch` });
      await http()
        .post('/api/v1/lti/platforms')
        .set('Authorization', `Bearer ${admin}`)
        .send({ name: 'No deployments', ...other.endpoints, clientId: client.clientId, deploymentIds: [], course: course.slug })
        .expect(201);
      const { response } = await launch(new CookieBrowser(), other.initiateLogin(spec()));
      expect(response.status).toBe(200);
      expect((await prisma.ltiPlatform.findFirstOrThrow({ where: { issuer: other.issuer, clientId: client.clientId } })).deploymentIds).toEqual([client.deploymentId]);
      const { response: stranger, html } = await launch(
        new CookieBrowser(),
        other.initiateLogin(spec({ tamper: (c) => ({ ...c, 'https://purl.imsglobal.org/spec/lti/claim/deployment_id': 'elsewhere' }) })),
      );
      expect(stranger.status).toBe(400);
      expect(reasonOf(html)).toMatch(/unknown deployment_id "elsewhere"/);
    });

    it('lets an instructor bind a link that names no exercise, which then opens it for learners', async () => {
      const unbound = { person: { sub: 'prof-bind', name: 'Prof', roles: [ROLE.instructor] }, resourceLinkId: 'unbound-link', custom: undefined };
      const refused = await launch(new CookieBrowser(), platform.initiateLogin({ ...unbound, person: learner() }));
      expect(refused.response.status).toBe(400);
      expect(reasonOf(refused.html)).toMatch(/not bound to an exercise yet: ask your instructor/);
      const browser = new CookieBrowser();
      const { response, html } = await launch(browser, platform.initiateLogin(unbound));
      expect(response.status).toBe(200);
      expect(html).toContain('Which exercise does this link open?');
      const { action, fields } = formOf(html);
      expect(action).toBe('/lti/bind');
      const forged = await browser.post(`${tool}${action}`, { csrf: 'forged', exercise: exercise.slug });
      expect(reasonOf(await forged.text())).toMatch(/does not belong to this launch/);
      const bound = await browser.post(`${tool}${action}`, { ...fields, exercise: exercise.slug });
      expect(bound.status).toBe(200);
      expect(bound.headers.get('refresh')).toContain(encodeURIComponent(`/c/${course.slug}/e/${exercise.slug}`));
      const learnerLaunch = await launch(new CookieBrowser(), platform.initiateLogin({ ...unbound, person: learner() }));
      expect(learnerLaunch.response.status).toBe(200);
      expect(learnerLaunch.response.headers.get('refresh')).toContain(encodeURIComponent(`/c/${course.slug}/e/${exercise.slug}`));
    });

    it('opens the exercise a target link URI names when the link has no custom parameter', async () => {
      const { response } = await launch(
        new CookieBrowser(),
        platform.initiateLogin({
          person: learner(),
          resourceLinkId: 'by-url',
          tamper: (c) => ({ ...c, 'https://purl.imsglobal.org/spec/lti/claim/target_link_uri': `${tool}/lti/launch?memgrade_exercise=${course.slug}/${exercise.slug}` }),
        }),
      );
      expect(response.status).toBe(200);
      expect(response.headers.get('refresh')).toContain(encodeURIComponent(`/c/${course.slug}/e/${exercise.slug}`));
    });

    it('refuses a link that opens an exercise of another course, creating nothing', async () => {
      const contexts = await prisma.ltiContext.count();
      const { response, html } = await launch(
        new CookieBrowser(),
        platform.initiateLogin(spec({ contextId: 'fresh-context', custom: { memgrade_exercise: 'python-memory/weak-cache' } })),
      );
      expect(response.status).toBe(400);
      expect(reasonOf(html)).toMatch(/not an exercise of the platform's course/);
      expect(await prisma.ltiContext.count()).toBe(contexts);
    });
  });

  describe('refused launches: each names its reason and starts no session', () => {
    const cases: [string, (s: LaunchSpec) => LaunchSpec, RegExp][] = [
      ['a wrong signature', (s) => ({ ...s, signWithForeignKey: true }), /signature does not verify/],
      ['another aud', (s) => ({ ...s, tamper: (c) => ({ ...c, aud: 'some-other-tool' }) }), /aud "some-other-tool" is not memgrade's client id/],
      [
        'aud listing memgrade among others without azp',
        (s) => ({ ...s, tamper: (c) => ({ ...c, aud: [c.aud as string, 'other'], azp: 'other' }) }),
        /azp "other" is not memgrade's client id/,
      ],
      ['an expired token', (s) => ({ ...s, tamper: (c) => ({ ...c, iat: Math.floor(Date.now() / 1000) - 600, exp: Math.floor(Date.now() / 1000) - 60 }) }), /expired/],
      ['an unknown issuer', (s) => ({ ...s, tamper: (c) => ({ ...c, iss: UNKNOWN_ISSUER }) }), /unknown issuer "https:\/\/nobody-registered-this\.invalid"/],
      ['an unknown deployment', (s) => ({ ...s, tamper: (c) => ({ ...c, [`${LTI}deployment_id`]: 'deployment-x' }) }), /unknown deployment_id "deployment-x"/],
      ['a missing roles claim', (s) => ({ ...s, tamper: ({ [`${LTI}roles`]: _, ...c }) => c }), /missing claim https:\/\/purl.imsglobal.org\/spec\/lti\/claim\/roles/],
      [
        'a missing resource link',
        (s) => ({ ...s, tamper: ({ [`${LTI}resource_link`]: _, ...c }) => c }),
        /missing claim https:\/\/purl.imsglobal.org\/spec\/lti\/claim\/resource_link/,
      ],
      [
        'a missing message type',
        (s) => ({ ...s, tamper: ({ [`${LTI}message_type`]: _, ...c }) => c }),
        /missing claim https:\/\/purl.imsglobal.org\/spec\/lti\/claim\/message_type/,
      ],
      ['another LTI version', (s) => ({ ...s, tamper: (c) => ({ ...c, [`${LTI}version`]: '1.1' }) }), /LTI version "1.1" is not 1.3.0/],
      ['an unknown message type', (s) => ({ ...s, tamper: (c) => ({ ...c, [`${LTI}message_type`]: 'LtiSubmissionReviewRequest' }) }), /message type "LtiSubmissionReviewRequest"/],
      ['another nonce', (s) => ({ ...s, tamper: (c) => ({ ...c, nonce: 'not-the-one' }) }), /nonce does not match/],
      ['a missing sub', (s) => ({ ...s, tamper: ({ sub: _, ...c }) => c }), /missing claim sub/],
    ];

    it.each(cases)('refuses %s', async (_name, change, reason) => {
      const sessionsBefore = await prisma.ltiSession.count();
      const usersBefore = await prisma.user.count();
      const { response, html } = await launch(new CookieBrowser(), platform.initiateLogin(change(spec())));
      expect({ status: response.status, reason: reasonOf(html) }).toEqual({ status: 400, reason: expect.stringMatching(reason) });
      expect(response.headers.getSetCookie().some((c) => c.startsWith('memgrade_lti_session='))).toBe(false);
      expect(await prisma.ltiSession.count()).toBe(sessionsBefore);
      expect(await prisma.user.count()).toBe(usersBefore);
    });

    it('refuses a wrong state', async () => {
      const { response, html } = await launch(new CookieBrowser(), platform.initiateLogin(spec()), (form) => ({ ...form, state: 'forged-state' }));
      expect(response.status).toBe(400);
      expect(reasonOf(html)).toMatch(/unknown state/);
    });

    it('refuses a launch whose state cookie is missing (another browser posted it)', async () => {
      const browser = new CookieBrowser();
      const login = await browser.get(platform.initiateLogin(spec()));
      const auth = await (await browser.get(login.headers.get('location') as string)).text();
      const { action, fields } = formOf(auth);
      const response = await new CookieBrowser().post(action, fields);
      expect(response.status).toBe(400);
      expect(reasonOf(await response.text())).toMatch(/state does not match this browser/);
    });

    it('refuses a reused nonce: the same launch posted again', async () => {
      const browser = new CookieBrowser();
      const first = await launch(browser, platform.initiateLogin(spec()));
      expect(first.response.status).toBe(200);
      const before = await prisma.ltiSession.count();
      browser.cookies.set(`lti_state_${first.form.state.slice(0, 16)}`, first.form.state);
      const again = await browser.post(first.action, first.form);
      expect(again.status).toBe(400);
      expect(reasonOf(await again.text())).toMatch(/nonce already used/);
      expect(await prisma.ltiSession.count()).toBe(before);
    });

    it('refuses a login initiation from an unknown issuer', async () => {
      const response = await fetch(`${tool}/lti/login?iss=${encodeURIComponent(UNKNOWN_ISSUER)}&login_hint=x&target_link_uri=${encodeURIComponent(`${tool}/lti/launch`)}`, {
        redirect: 'manual',
      });
      expect(response.status).toBe(400);
      expect(reasonOf(await response.text())).toMatch(/unknown issuer/);
    });
  });
});
