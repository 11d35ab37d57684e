import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { fixture, TestData } from '../support/fixtures';
import { waitForGraded } from '../support/integrations';
import { startApi, startWorker } from '../support/platform';

const DAY = 24 * 60 * 60 * 1000;
const GOOD = fixture('submissions/prints-total.py');
const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();

/**
 * Deadlines through the API with real grading: one course, four exercises of the "imports" kind
 * (1 point for a file that imports), each with its own rule, and students who submit real Python.
 * - closed: due yesterday → refused with the due date named; a student with an extension submits on time;
 * - penalty: due 2.5 days ago, 10 % per started day, floor 80 % → 3 days late, 20 % off (the floor), 0.8 counts;
 * - marked: due an hour ago → accepted, marked late, 1 counts;
 * - attempts: the course default (2) is inherited; an extra attempt for one student; submissions that
 *   ended in error (replaced before they were graded) give their attempt back.
 * The gradebook (JSON and CSV) and the submission view follow all of it.
 */
describe('deadlines: closed, penalty and marked late policies, attempt limits and extensions', () => {
  let app: INestApplication;
  let worker: INestApplicationContext | undefined;
  let prisma: PrismaService;
  let data: TestData;
  let course: { id: string; slug: string };
  const slugs: Record<'closed' | 'penalty' | 'marked' | 'attempts', string> = { closed: '', penalty: '', marked: '', attempts: '' };
  const people: Record<string, { id: string; key: string }> = {};

  const http = () => request(app.getHttpServer());
  const auth = (key: string) => ({ Authorization: `Bearer ${key}` });
  const submit = (key: string, exercise: string) =>
    http()
      .post('/api/v1/submissions')
      .set(auth(key))
      .send({ exercise: `${course.slug}/${exercise}`, files: { 'solution.py': GOOD } });
  const put = (path: string, body: object, key = people.teacher.key) => http().put(`/api/v1/courses/${course.slug}${path}`).set(auth(key)).send(body);
  const status = (key: string, exercise: string, query = '') => http().get(`/api/v1/courses/${course.slug}/exercises/${exercise}/deadline-status${query}`).set(auth(key));

  beforeAll(async () => {
    // One waiting submission per student and exercise: a newer one replaces (ends in error) the older.
    app = await startApi({ PUBLISH_CATALOG: 'false', SUBMISSION_MAX_QUEUED_PER_EXERCISE: '1' });
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    course = await data.newCourse();
    for (const [name, role] of [
      ['teacher', 'instructor'],
      ['ada', 'student'],
      ['bob', 'student'],
      ['cyd', 'student'],
    ] as const) {
      const user = await data.newUser(role);
      await data.enrol(course.id, user.id, role);
      people[name] = user;
    }
    await prisma.user.update({ where: { id: people.ada.id }, data: { displayName: 'Ada' } });
    await prisma.user.update({ where: { id: people.bob.id }, data: { displayName: 'Bob' } });
    await prisma.user.update({ where: { id: people.cyd.id }, data: { displayName: 'Cyd' } });
    for (const name of Object.keys(slugs) as (keyof typeof slugs)[]) {
      const made = await data.newExercise(course.id, 'imports');
      await prisma.exercise.update({ where: { id: made.exercise.id }, data: { slug: name } });
      slugs[name] = name;
    }
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  describe('the instructor API', () => {
    it('refuses bad settings with 400 naming each field and its reason, and changes nothing', async () => {
      const response = await put('/exercises/closed/deadline', {
        dueAt: 'next friday',
        latePolicy: 'soft',
        penaltyPercentPerDay: 150,
        penaltyFloorPercent: -1,
        maxAttempts: 0,
      }).expect(400);
      const fields = Object.fromEntries(response.body.fields.map((p: { field: string; reason: string }) => [p.field, p.reason]));
      expect(fields).toEqual({
        dueAt: expect.stringContaining('ISO 8601 date and time with its offset'),
        latePolicy: 'must be one of closed, penalty, marked',
        penaltyPercentPerDay: 'must be a number from 0 to 100',
        penaltyFloorPercent: 'must be a number from 0 to 100',
        maxAttempts: 'must be a whole number of at least 1',
      });
      await put('/exercises/closed/deadline', { dueAt: '2026-02-30T10:00:00Z' }).expect(400);
      await put('/exercises/closed/deadline', { dueAt: '2026-12-10T10:00:00' }).expect(400); // no offset: which time zone?
      await put('/exercises/closed/deadline', { maxAttempts: 1.5 }).expect(400);
      await put('/exercises/closed/deadline', { penaltyPercentPerDay: '10' }).expect(400);
      await put('/exercises/closed/deadline', { surprise: true }).expect(400);
      expect(await prisma.exerciseDeadline.count({ where: { exercise: { courseId: course.id } } })).toBe(0);
    });

    it('is for the course instructors: students get 403, an unknown exercise or student 404', async () => {
      await put('/exercises/closed/deadline', { maxAttempts: 3 }, people.ada.key).expect(403);
      await put('/deadlines', { maxAttempts: 3 }, people.ada.key).expect(403);
      await put('/exercises/nope/deadline', { maxAttempts: 3 }).expect(404);
      const stranger = await data.newUser('student');
      const unknown = await put(`/exercises/closed/extensions/${stranger.id}`, { extraAttempts: 1 }).expect(404);
      expect(unknown.body.fields).toEqual([{ field: 'userId', reason: 'no such student in this course' }]);
      await put('/exercises/closed/extensions/not-a-uuid', { extraAttempts: 1 }).expect(404);
      await put(`/exercises/closed/extensions/${people.teacher.id}`, { extraAttempts: 1 }).expect(404);
      const empty = await put(`/exercises/closed/extensions/${people.ada.id}`, {}).expect(400);
      expect(empty.body.fields.map((p: { field: string }) => p.field)).toEqual(['dueAt', 'extraAttempts']);
      await put(`/exercises/closed/extensions/${people.ada.id}`, { extraAttempts: -1 }).expect(400);
    });

    it('sets each rule (a due date in the past is allowed) and an extension, stored as UTC instants', async () => {
      const yesterday = new Date(Date.now() - DAY);
      // Written with a +02:00 offset: stored and answered as the same instant in UTC.
      const withOffset = new Date(yesterday.getTime() + 2 * 60 * 60 * 1000).toISOString().replace('Z', '+02:00');
      expect((await put('/exercises/closed/deadline', { dueAt: withOffset, latePolicy: 'closed' }).expect(200)).body).toEqual({
        dueAt: yesterday.toISOString(),
        latePolicy: 'closed',
        penaltyPercentPerDay: null,
        penaltyFloorPercent: null,
        maxAttempts: null,
      });
      await put('/exercises/penalty/deadline', { dueAt: iso(-2.5 * DAY), latePolicy: 'penalty', penaltyPercentPerDay: 10, penaltyFloorPercent: 80 }).expect(200);
      await put('/exercises/marked/deadline', { dueAt: iso(-60 * 60 * 1000), latePolicy: 'marked' }).expect(200);
      // The course default gives every exercise 2 attempts unless it sets its own.
      await put('/deadlines', { maxAttempts: 2 }).expect(200);
      for (const exercise of ['closed', 'penalty', 'marked']) await put(`/exercises/${exercise}/deadline`, { ...(await ownOf(exercise)), maxAttempts: 5 }).expect(200);
      const extension = await put(`/exercises/closed/extensions/${people.bob.id}`, { dueAt: iso(DAY) }).expect(200);
      expect(extension.body).toMatchObject({ exercise: 'closed', studentId: people.bob.id, displayName: 'Bob', extraAttempts: 0 });
      await put(`/exercises/attempts/extensions/${people.cyd.id}`, { extraAttempts: 1 }).expect(200);

      const overview = await http().get(`/api/v1/courses/${course.slug}/deadlines`).set(auth(people.teacher.key)).expect(200);
      const bySlug = Object.fromEntries(overview.body.exercises.map((e: { exercise: string }) => [e.exercise, e]));
      expect(overview.body.default).toMatchObject({ maxAttempts: 2, dueAt: null });
      expect(bySlug.attempts).toMatchObject({ own: { maxAttempts: null }, effective: { maxAttempts: 2, latePolicy: 'marked', dueAt: null } });
      expect(bySlug.penalty.effective).toMatchObject({ latePolicy: 'penalty', penaltyPercentPerDay: 10, penaltyFloorPercent: 80, maxAttempts: 5 });
      expect((await http().get(`/api/v1/courses/${course.slug}/exercises/closed/extensions`).set(auth(people.teacher.key)).expect(200)).body).toHaveLength(1);
    });

    async function ownOf(exercise: string) {
      const overview = await http().get(`/api/v1/courses/${course.slug}/deadlines`).set(auth(people.teacher.key)).expect(200);
      return overview.body.exercises.find((e: { exercise: string }) => e.exercise === exercise).own as Record<string, unknown>;
    }
  });

  describe('submitting', () => {
    it('submissions that ended in error give their attempt back (no worker yet: each newer one replaces the waiting one)', async () => {
      const first = (await submit(people.ada.key, 'attempts').expect(202)).body.id as string;
      const second = await submit(people.ada.key, 'attempts').expect(202);
      expect(second.body.replaced).toEqual([first]);
      // Two submitted, one ended in error: one attempt used, so a third is accepted.
      expect((await status(people.ada.key, 'attempts').expect(200)).body).toMatchObject({ attemptsUsed: 1, attemptsLeft: 1, maxAttempts: 2, open: true });
      const third = await submit(people.ada.key, 'attempts').expect(202);
      expect(third.body.replaced).toEqual([second.body.id]);
      expect(await prisma.submission.count({ where: { userId: people.ada.id, status: 'error' } })).toBe(2);
      worker = await startWorker({ PUBLISH_CATALOG: 'false' });
      expect(await waitForGraded(app, people.ada.key, third.body.id)).toMatchObject({ status: 'graded', score: 1 });
    });

    it('refuses beyond the attempt limit with 403 saying the limit; an extra attempt lets one student go one further', async () => {
      const fourth = (await submit(people.ada.key, 'attempts').expect(202)).body.id as string;
      await waitForGraded(app, people.ada.key, fourth);
      const refused = await submit(people.ada.key, 'attempts').expect(403);
      expect(refused.body).toMatchObject({
        statusCode: 403,
        error: 'attempt_limit_reached',
        message: 'the attempt limit of 2 submissions for this exercise is used up (submissions that ended in error do not count)',
        fields: [{ field: 'exercise', reason: expect.stringContaining('attempt limit of 2') }],
      });
      expect((await status(people.ada.key, 'attempts').expect(200)).body).toMatchObject({
        attemptsUsed: 2,
        attemptsLeft: 0,
        open: false,
        closedReason: expect.stringContaining('attempt limit of 2'),
      });

      // Cyd has one extra attempt: three go in, the fourth does not.
      for (let i = 0; i < 3; i++) {
        const id = (await submit(people.cyd.key, 'attempts').expect(202)).body.id as string;
        await waitForGraded(app, people.cyd.key, id);
      }
      expect((await submit(people.cyd.key, 'attempts').expect(403)).body.message).toContain('attempt limit of 3 submissions');
      // Staff submitting as themselves are held to nothing.
      await submit(people.teacher.key, 'attempts').expect(202);
      await submit(people.teacher.key, 'attempts').expect(202);
      await submit(people.teacher.key, 'attempts').expect(202);
    });

    it('closed: refused after the due date with the date named; a student with an extension submits on time', async () => {
      const due = (await status(people.ada.key, 'closed').expect(200)).body.dueAt as string;
      const refused = await submit(people.ada.key, 'closed').expect(403);
      expect(refused.body).toMatchObject({ error: 'deadline_passed', message: `the due date ${due} has passed and this exercise accepts no late submissions` });
      expect(await prisma.submission.count({ where: { userId: people.ada.id, exerciseVersion: { exercise: { slug: 'closed', courseId: course.id } } } })).toBe(0);

      expect((await status(people.bob.key, 'closed').expect(200)).body).toMatchObject({ extended: true, baseDueAt: due, open: true, lateNow: false });
      const id = (await submit(people.bob.key, 'closed').expect(202)).body.id as string;
      const graded = await waitForGraded(app, people.bob.key, id);
      expect(graded).toMatchObject({ status: 'graded', score: 1, lateness: { late: false, daysLate: 0, penaltyPercent: 0, countedScore: 1, latePolicy: 'closed' } });
    });

    it('penalty: accepted, 3 started days late, 10 % a day held at the floor of 80 %: 0.8 counts', async () => {
      const id = (await submit(people.ada.key, 'penalty').expect(202)).body.id as string;
      const graded = await waitForGraded(app, people.ada.key, id);
      expect(graded).toMatchObject({ status: 'graded', score: 1, lateness: { late: true, daysLate: 3, penaltyPercent: 20, countedScore: 0.8, latePolicy: 'penalty' } });
      expect((await status(people.ada.key, 'penalty').expect(200)).body).toMatchObject({ lateNow: true, daysLateNow: 3, penaltyPercentNow: 20, attemptsUsed: 1, attemptsLeft: 4 });
    });

    it('marked: accepted and marked late, no penalty', async () => {
      const id = (await submit(people.bob.key, 'marked').expect(202)).body.id as string;
      expect(await waitForGraded(app, people.bob.key, id)).toMatchObject({
        score: 1,
        lateness: { late: true, daysLate: 1, penaltyPercent: 0, countedScore: 1, latePolicy: 'marked' },
      });
    });

    it('a student reads only their own standing; staff name the student', async () => {
      await status(people.ada.key, 'penalty', `?student=${people.bob.id}`).expect(403);
      expect((await status(people.teacher.key, 'attempts', `?student=${people.cyd.id}`).expect(200)).body).toMatchObject({
        studentId: people.cyd.id,
        maxAttempts: 3,
        attemptsUsed: 3,
      });
      const stranger = await data.newUser('student');
      await status(people.teacher.key, 'attempts', `?student=${stranger.id}`).expect(404);
      await status(people.teacher.key, 'attempts', '?student=nobody').expect(400);
    });
  });

  describe('the gradebook follows the policy', () => {
    it('JSON: the penalty taken off the counting score, late cells marked, due dates on the exercises', async () => {
      const book = (await http().get(`/api/v1/courses/${course.slug}/gradebook`).set(auth(people.teacher.key)).expect(200)).body;
      const exercises = Object.fromEntries(book.exercises.map((e: { slug: string }) => [e.slug, e]));
      expect(exercises.closed.dueAt).toEqual(expect.any(String));
      expect(exercises.attempts.dueAt).toBeUndefined();
      const row = (name: string) => book.students.find((s: { id: string }) => s.id === people[name].id);
      expect(row('ada').grades.penalty).toEqual({
        score: 0.8,
        maxScore: 1,
        submissionId: expect.any(String),
        submittedAt: expect.any(String),
        late: true,
        daysLate: 3,
        penaltyPercent: 20,
        rawScore: 1,
      });
      expect(row('ada').grades.closed).toBeNull();
      expect(row('ada').grades.attempts).toMatchObject({ score: 1 });
      expect(row('ada').grades.attempts.late).toBeUndefined();
      expect(row('ada').total).toBe(1.8);
      expect(row('bob').grades.marked).toMatchObject({ score: 1, late: true, daysLate: 1, penaltyPercent: 0, rawScore: 1 });
      expect(row('bob').grades.closed).toMatchObject({ score: 1 });
      expect(row('bob').grades.closed.late).toBeUndefined();
    });

    it('CSV: the same scores, and a <slug>_late column per exercise with the days late', async () => {
      const csv = (await http().get(`/api/v1/courses/${course.slug}/gradebook?format=csv`).set(auth(people.teacher.key)).expect(200)).text.split('\r\n');
      expect(csv[0]).toBe('student_id,external_id,display_name,attempts,closed,marked,penalty,total,attempts_late,closed_late,marked_late,penalty_late');
      expect(csv[1]).toBe(`${people.ada.id},,Ada,1,,,0.8,1.8,,,,3`);
      expect(csv[2]).toBe(`${people.bob.id},,Bob,,1,1,,2,,,1,`);
    });

    it('an extension given afterwards makes the late submission on time: the penalty is gone', async () => {
      await put(`/exercises/penalty/extensions/${people.ada.id}`, { dueAt: iso(DAY) }).expect(200);
      const book = (await http().get(`/api/v1/courses/${course.slug}/gradebook`).set(auth(people.teacher.key)).expect(200)).body;
      const ada = book.students.find((s: { id: string }) => s.id === people.ada.id);
      expect(ada.grades.penalty).toEqual({ score: 1, maxScore: 1, submissionId: expect.any(String), submittedAt: expect.any(String) });
      await http().delete(`/api/v1/courses/${course.slug}/exercises/penalty/extensions/${people.ada.id}`).set(auth(people.teacher.key)).expect(204);
      await http().delete(`/api/v1/courses/${course.slug}/exercises/penalty/extensions/${people.ada.id}`).set(auth(people.teacher.key)).expect(404);
      const again = (await http().get(`/api/v1/courses/${course.slug}/gradebook`).set(auth(people.teacher.key)).expect(200)).body;
      expect(again.students.find((s: { id: string }) => s.id === people.ada.id).grades.penalty).toMatchObject({ score: 0.8, late: true });
    });
  });
});
