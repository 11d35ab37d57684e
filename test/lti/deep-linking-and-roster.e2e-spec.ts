import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { decodeJwt } from 'jose';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { waitForGraded, waitUntil } from '../support/integrations';
import { startWorker } from '../support/platform';
import { CookieBrowser, formOf, keyOfLaunch, launch, reasonOf, registerManually, startListeningApi } from './lti-kit';
import { type Member, PlatformEmulator, ROLE } from './platform-emulator';

const LTI_ENV = { LTI_SCORE_RETRY_DELAY_MS: '300', LTI_SCORE_SWEEP_SECONDS: '2' };
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';
const instructor = { sub: 'prof', name: 'Prof Lovelace', email: 'prof@example.edu', roles: [ROLE.instructor] };

describe('LTI 1.3: deep linking and roster sync', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let tool: string;
  let prisma: PrismaService;
  let data: TestData;
  let course: { id: string; slug: string };
  let exercises: { slug: string; exercise: { title: string } }[];
  let platform: PlatformEmulator;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    ({ app, url: tool } = await startListeningApi(LTI_ENV));
    worker = await startWorker({ ...LTI_ENV, PUBLISH_CATALOG: 'false' });
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    course = await data.newCourse();
    exercises = [await data.newExercise(course.id), await data.newExercise(course.id, 'squares')];
    const admin = (await data.newUser('admin')).key;
    platform = await new PlatformEmulator().start();
    await registerManually(tool, admin, platform, course.slug);
  });

  afterAll(async () => {
    await platform?.close();
    await worker?.close();
    await app?.close();
  });

  describe('deep linking', () => {
    it('lets an instructor pick exercises and returns signed ltiResourceLink items with their maximum score as line items', async () => {
      const browser = new CookieBrowser();
      const { response, html } = await launch(browser, platform.initiateLogin({ person: instructor, messageType: 'LtiDeepLinkingRequest' }));
      expect(response.status).toBe(200);
      for (const e of exercises) expect(html).toContain(`value="${e.slug}"`);
      const { action, fields } = formOf(html);
      expect(action).toBe('/lti/deep-linking');
      const picked = await browser.post(`${tool}${action}`, { ...fields, exercise: exercises.map((e) => e.slug) });
      expect(picked.status).toBe(200);
      const back = formOf(await picked.text());
      expect(back.action).toBe(`${platform.url}/deep-link-return`);
      const returned = await browser.post(back.action, back.fields);
      expect(await returned.text()).toContain('dl-ok');
      const claims = decodeJwt(back.fields.JWT);
      expect(claims).toMatchObject({ iss: [...platform.clients.values()][0].clientId, aud: platform.issuer, [`${DL}data`]: 'opaque-dl-data' });
      const items = claims[`${DL}content_items`] as Record<string, unknown>[];
      expect(items).toEqual(
        exercises
          .map((e) => ({
            type: 'ltiResourceLink',
            title: e.exercise.title,
            url: `${tool}/lti/launch`,
            custom: { memgrade_exercise: `${course.slug}/${e.slug}` },
            lineItem: { scoreMaximum: e.slug.startsWith('squares') ? expect.any(Number) : 1, label: e.exercise.title, resourceId: e.slug, tag: 'memgrade' },
          }))
          .sort((a, b) => a.custom.memgrade_exercise.localeCompare(b.custom.memgrade_exercise)),
      );
      // The same session cannot answer twice.
      const again = await browser.post(`${tool}${action}`, { ...fields, exercise: exercises[0].slug });
      expect(again.status).toBe(400);
      expect(reasonOf(await again.text())).toMatch(/does not belong to this deep-linking session/);
    });

    it('refuses a selection without the session cookie or with another form token, and a learner deep-linking launch', async () => {
      const browser = new CookieBrowser();
      const { html } = await launch(browser, platform.initiateLogin({ person: instructor, messageType: 'LtiDeepLinkingRequest' }));
      const { fields } = formOf(html);
      const noCookie = await new CookieBrowser().post(`${tool}/lti/deep-linking`, { ...fields, exercise: exercises[0].slug });
      expect(reasonOf(await noCookie.text())).toMatch(/no deep-linking session in this browser/);
      const forged = await browser.post(`${tool}/lti/deep-linking`, { csrf: 'forged', exercise: exercises[0].slug });
      expect(reasonOf(await forged.text())).toMatch(/does not belong to this deep-linking session/);
      const learner = await launch(
        new CookieBrowser(),
        platform.initiateLogin({ person: { sub: 'l-dl', name: 'L', roles: [ROLE.learner] }, messageType: 'LtiDeepLinkingRequest' }),
      );
      expect(learner.response.status).toBe(400);
      expect(reasonOf(learner.html)).toMatch(/deep linking is for instructors/);
    });

    it('launches a deep-linked item into its exercise; without a line item claim memgrade makes the line item and posts there', async () => {
      const item = { memgrade_exercise: `${course.slug}/${exercises[0].slug}` };
      const { response } = await launch(
        new CookieBrowser(),
        platform.initiateLogin({ person: { sub: 'dl-learner', name: 'DL Learner', roles: [ROLE.learner] }, resourceLinkId: 'dl-link-1', custom: item }),
      );
      const key = keyOfLaunch(response);
      const id = (
        await http()
          .post('/api/v1/submissions')
          .set('Authorization', `Bearer ${key}`)
          .send({ exercise: item.memgrade_exercise, files: { 'solution.py': 'x = 1\n' } })
          .expect(202)
      ).body.id;
      await waitForGraded(app, key, id);
      const made = await waitUntil(
        async () => [...platform.lineItems.values()].find((li) => li.resourceLinkId === 'dl-link-1'),
        (li) => li !== undefined,
        60_000,
        'line item made by memgrade',
      );
      expect(made).toMatchObject({ scoreMaximum: 1, resourceId: exercises[0].slug, tag: 'memgrade' });
      await waitUntil(
        async () => platform.acceptedScores(made!.id),
        (s) => s.length === 1,
        60_000,
        'score at the new line item',
      );
      expect(platform.acceptedScores(made!.id)[0]).toMatchObject({ userId: 'dl-learner', scoreGiven: 1, scoreMaximum: 1 });
    });
  });

  describe('roster sync (NRPS)', () => {
    const members = (): Member[] => [
      { user_id: 'prof', name: 'Prof Lovelace', email: 'prof@example.edu', roles: [ROLE.instructor], status: 'Active' },
      { user_id: 'm-a', name: 'Member A', email: 'a@example.edu', roles: [ROLE.learner], status: 'Active' },
      { user_id: 'm-b', name: 'Member B', roles: [ROLE.learner], status: 'Active' },
      { user_id: 'm-c', name: 'Member C', roles: [ROLE.learner], status: 'Inactive' },
      { user_id: 'm-d', name: 'Member D', roles: [ROLE.learner] },
    ];
    const enrolledSubs = async () =>
      (await prisma.enrolment.findMany({ where: { courseId: course.id, user: { ltiUser: { sub: { startsWith: 'm-' } } } }, include: { user: { include: { ltiUser: true } } } }))
        .map((e) => `${e.user.ltiUser!.sub}:${e.role}`)
        .sort();
    let profKey: string;

    it('syncs after an instructor launch: active members enrolled with their names, inactive ones not (paged container)', async () => {
      platform.memberships.set('course-1', members());
      const { response } = await launch(
        new CookieBrowser(),
        platform.initiateLogin({ person: instructor, custom: { memgrade_exercise: `${course.slug}/${exercises[0].slug}` }, resourceLinkId: 'roster-link' }),
      );
      profKey = keyOfLaunch(response);
      await waitUntil(enrolledSubs, (subs) => subs.length === 3, 60_000, 'roster synced by the worker');
      // The learner of the deep-linking test is no member of the context: the same sync unenrolled them.
      await waitUntil(
        () => prisma.enrolment.count({ where: { courseId: course.id, user: { ltiUser: { sub: 'dl-learner' } } } }),
        (n) => n === 0,
        60_000,
        'non-member unenrolled',
      );
      expect(await enrolledSubs()).toEqual(['m-a:student', 'm-b:student', 'm-d:student']);
      const a = await prisma.ltiUser.findFirstOrThrow({ where: { sub: 'm-a', platform: { courseId: course.id } }, include: { user: true } });
      expect(a).toMatchObject({ name: 'Member A', email: 'a@example.edu', user: { displayName: 'Member A' } });
    });

    it('on demand: members who left lose their enrolment and their launch session key', async () => {
      const { response } = await launch(
        new CookieBrowser(),
        platform.initiateLogin({ person: { sub: 'm-b', name: 'Member B', roles: [ROLE.learner] }, custom: { memgrade_exercise: `${course.slug}/${exercises[0].slug}` } }),
      );
      const bKey = keyOfLaunch(response);
      await http().get('/api/v1/users/me').set('Authorization', `Bearer ${bKey}`).expect(200);
      platform.memberships.set(
        'course-1',
        members().filter((m) => m.user_id !== 'm-b'),
      );
      const synced = await http().post(`/api/v1/courses/${course.slug}/lti/roster-sync`).set('Authorization', `Bearer ${profKey}`).expect(200);
      expect(synced.body).toEqual([{ platform: 'Emulated LMS', contexts: 1, members: 4, enrolled: 3, removed: 1 }]);
      expect(await enrolledSubs()).toEqual(['m-a:student', 'm-d:student']);
      await http().get('/api/v1/users/me').set('Authorization', `Bearer ${bKey}`).expect(401);
      const student = keyOfLaunch(
        (
          await launch(
            new CookieBrowser(),
            platform.initiateLogin({ person: { sub: 'm-a', name: 'Member A', roles: [ROLE.learner] }, custom: { memgrade_exercise: `${course.slug}/${exercises[0].slug}` } }),
          )
        ).response,
      );
      await http().post(`/api/v1/courses/${course.slug}/lti/roster-sync`).set('Authorization', `Bearer ${student}`).expect(403);
    });
  });
});
