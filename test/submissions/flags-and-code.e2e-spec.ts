import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { OutboxService } from '../../src/events/outbox.service';
import { SubmissionEventsService } from '../../src/events/submission-events.service';
import { SubmissionGrader, type GradeOutcome } from '../../src/results/grade-outcome';
import { GradingRunRepository } from '../../src/grading/grading-run.repository';
import { GradingService } from '../../src/grading/grading.service';
import { TestData } from '../support/fixtures';
import { startApi, startWorker } from '../support/platform';

const FLAGS = [
  { kind: 'static', severity: 'low', code: 'gc-use', message: 'gc.collect() is allowed but noted', file: 'solution.py', line: 4, text: 'gc.collect()' },
  { kind: 'static', severity: 'high', code: 'frame-access', message: 'sys._getframe reaches the harness', file: 'solution.py', line: 2, text: 'f = sys._getframe(1)' },
  { kind: 'runtime', severity: 'medium', code: 'monkeypatch', message: 'gc.collect was replaced', where: 'test "cycles are collected"' },
];

/**
 * Flags and evidence marks reach staff (admin, instructor, lms) and never a student; hidden tests
 * are "Hidden test N" for students; flag filters and the gradebook marker; a submission's code
 * with a diff to the previous one.
 */
describe('flags for staff, hidden tests hidden, code history', () => {
  let app: INestApplication;
  let worker: INestApplicationContext;
  let prisma: PrismaService;
  let data: TestData;
  const keys: Record<'admin' | 'instructor' | 'lms' | 'student' | 'classmate' | 'outsider' | 'otherInstructor', string> = {} as never;
  let student: { id: string; key: string };
  let course: { id: string; slug: string };
  let exerciseSlug: string;
  let versionId: string;
  const subs: Record<string, string> = {};
  const http = () => request(app.getHttpServer());
  const get = (key: string, path: string) => http().get(path).set('Authorization', `Bearer ${key}`);

  async function seed(input: {
    flags?: unknown[];
    tests: { name: string; hidden?: boolean; passed?: boolean; score?: number; maxScore?: number; message?: string; detail?: string; measurements?: object }[];
    files?: Record<string, string>;
    createdAt: Date;
    flagSeverity?: 'high' | 'medium' | 'low' | null;
    stdout?: string;
    outputSections?: object[];
  }) {
    const tests = input.tests.map((t, position) => ({
      position,
      name: t.name,
      hidden: t.hidden ?? false,
      passed: t.passed ?? true,
      score: t.score ?? 1,
      maxScore: t.maxScore ?? 1,
      message: t.message ?? '',
      detail: t.detail ?? null,
      measurements: t.measurements ?? {},
    }));
    const score = tests.reduce((s, t) => s + t.score, 0);
    const maxScore = tests.reduce((s, t) => s + t.maxScore, 0);
    const created = await prisma.submission.create({
      data: {
        exerciseVersionId: versionId,
        userId: student.id,
        files: input.files ?? { 'solution.py': 'print(1)\n' },
        status: 'graded',
        verdict: 'ok',
        score,
        maxScore,
        createdAt: input.createdAt,
        finishedAt: input.createdAt,
        flagSeverity: input.flagSeverity ?? null,
        results: {
          create: {
            run: 1,
            verdict: 'ok',
            score,
            maxScore,
            stdout: input.stdout ?? '',
            flags: (input.flags ?? []) as object[],
            ...(input.outputSections ? { outputSections: input.outputSections } : {}),
            tests: { create: tests },
          },
        },
      },
    });
    return created.id;
  }

  beforeAll(async () => {
    app = await startApi();
    worker = await startWorker();
    prisma = app.get(PrismaService);
    data = new TestData(prisma);
    const people = await data.newCourseWithPeople();
    course = people.course;
    student = people.student;
    keys.student = student.key;
    keys.instructor = people.instructor.key;
    keys.admin = (await data.newUser('admin')).key;
    const classmate = await data.newUser('student');
    await data.enrol(course.id, classmate.id, 'student');
    keys.classmate = classmate.key;
    keys.outsider = (await data.newUser('student')).key;
    const other = await data.newCourseWithPeople();
    keys.otherInstructor = other.instructor.key;
    const otherExercise = await data.newExercise(other.course.id);
    // A flagged submission in another course: an instructor of this one never sees it listed.
    await prisma.submission.create({
      data: { exerciseVersionId: otherExercise.version.id, userId: other.student.id, files: {}, status: 'graded', score: 1, maxScore: 1, verdict: 'ok', flagSeverity: 'high' },
    });
    keys.lms = (await http().post(`/api/v1/courses/${course.slug}/lms-keys`).set('Authorization', `Bearer ${keys.instructor}`).send({ name: 'LMS' }).expect(201)).body.secret;
    const exercise = await data.newExercise(course.id);
    exerciseSlug = exercise.slug;
    versionId = exercise.version.id;

    const t0 = Date.now() - 3_600_000;
    subs.first = await seed({ createdAt: new Date(t0), files: { 'solution.py': 'def f():\n    return 1\n' }, tests: [{ name: 'works' }] });
    subs.flagged = await seed({
      createdAt: new Date(t0 + 60_000),
      flagSeverity: 'high',
      flags: FLAGS,
      files: { 'solution.py': 'import sys\nf = sys._getframe(1)\ndef f():\n    return 2\n' },
      stdout: 'printed during the secret test: plan.json\n',
      tests: [
        { name: 'works', message: 'right answer', measurements: { status: 'contradicted', peak_mib: 3.5 } },
        {
          name: 'secret: a million keys',
          hidden: true,
          passed: false,
          score: 0,
          maxScore: 2,
          message: 'peak 212 MiB',
          detail: 'reference peaks at 31 MiB',
          measurements: { peak_mib: 212 },
        },
      ],
    });
    subs.lowFlag = await seed({
      createdAt: new Date(t0 + 120_000),
      flagSeverity: 'low',
      flags: [FLAGS[0]],
      outputSections: [
        { label: 'import', hidden: false, stdout: 'hello from import\n', stderr: '' },
        { label: 'secret: a million keys', hidden: true, stdout: 'secret output\n', stderr: '' },
      ],
      stdout: 'hello from import\nsecret output\n',
      tests: [{ name: 'works' }, { name: 'secret: a million keys', hidden: true }],
    });
  });

  afterAll(async () => {
    await worker?.close();
    await app?.close();
  });

  it.each(['admin', 'instructor', 'lms'] as const)("%s sees the flags (file, line, source text), their severity and each test's evidence mark", async (who) => {
    const { body } = await get(keys[who], `/api/v1/submissions/${subs.flagged}`).expect(200);
    expect(body.flagSeverity).toBe('high');
    expect(body.flags.map((f: { severity: string }) => f.severity)).toEqual(['high', 'medium', 'low']);
    expect(body.flags[0]).toEqual(FLAGS[1]);
    expect(body.flags[1]).toEqual(FLAGS[2]);
    expect(body.tests.map((t: { name: string; evidence: string | null }) => [t.name, t.evidence])).toEqual([
      ['works', 'contradicted'],
      ['secret: a million keys', null],
    ]);
    expect(body.tests[1]).toMatchObject({ message: 'peak 212 MiB', detail: 'reference peaks at 31 MiB' });
    expect(body.output).toEqual({ stdout: 'printed during the secret test: plan.json\n', stderr: '', truncated: false, sections: null, withheld: false });
  });

  it("the student who submitted sees no flag, no mark and no hidden test's name, message, detail or output", async () => {
    const { body } = await get(keys.student, `/api/v1/submissions/${subs.flagged}`).expect(200);
    expect(body).not.toHaveProperty('flags');
    expect(body).not.toHaveProperty('flagSeverity');
    expect(body.tests).toEqual([
      { name: 'works', passed: true, hidden: false, score: 1, maxScore: 1, message: 'right answer', measurements: { peak_mib: 3.5 } },
      { name: 'Hidden test 1', passed: false, hidden: true, score: 0, maxScore: 2 },
    ]);
    expect(body.output).toEqual({ stdout: '', stderr: '', truncated: false, sections: null, withheld: true });
    // \b: the figure 212, not three digits inside the submission's random id.
    expect(JSON.stringify(body)).not.toMatch(/secret|\b212\b|31 MiB|_getframe|contradicted|plan\.json/);
    // Output split per test: only the visible sections.
    const split = await get(keys.student, `/api/v1/submissions/${subs.lowFlag}`).expect(200);
    expect(split.body.output).toEqual({
      stdout: 'hello from import\n',
      stderr: '',
      truncated: false,
      sections: [{ label: 'import', hidden: false, stdout: 'hello from import\n', stderr: '' }],
      withheld: true,
    });
    expect(JSON.stringify(split.body)).not.toMatch(/secret/);
    // Others: 404, as for any submission not theirs.
    await get(keys.classmate, `/api/v1/submissions/${subs.flagged}`).expect(404);
    await get(keys.outsider, `/api/v1/submissions/${subs.flagged}`).expect(404);
  });

  it('lists flagged submissions for staff (flagged=true, flagSeverity=high|medium|low), never for students', async () => {
    const list = async (key: string, q: string) => (await get(key, `/api/v1/submissions?${q}`).expect(200)).body.items as { id: string; flagSeverity?: string | null }[];
    for (const who of ['admin', 'instructor', 'lms'] as const) {
      expect((await list(keys[who], `course=${course.slug}&flagged=true`)).map((s) => s.id)).toEqual([subs.lowFlag, subs.flagged]);
      expect((await list(keys[who], `course=${course.slug}&flagSeverity=high`)).map((s) => s.id)).toEqual([subs.flagged]);
      expect((await list(keys[who], `course=${course.slug}&flagSeverity=medium`)).map((s) => s.id)).toEqual([subs.flagged]);
      expect((await list(keys[who], `course=${course.slug}&flagSeverity=low`)).map((s) => s.id)).toEqual([subs.lowFlag, subs.flagged]);
      expect((await list(keys[who], `course=${course.slug}&flagged=false`)).map((s) => s.id)).toEqual([subs.first]);
      // Each row says how it is flagged.
      expect((await list(keys[who], `course=${course.slug}&exercise=${exerciseSlug}`)).map((s) => s.flagSeverity)).toEqual(['low', 'high', null]);
    }
    // Without a course: only the courses the caller teaches.
    expect((await list(keys.instructor, 'flagged=true')).map((s) => s.id)).toEqual([subs.lowFlag, subs.flagged]);
    expect((await list(keys.otherInstructor, 'flagged=true')).map((s) => s.id)).not.toContain(subs.flagged);
    // Students: no filter, and no severity on their own rows.
    for (const q of ['flagged=true', `course=${course.slug}&flagged=true`, `course=${course.slug}&flagSeverity=low`, 'flagged=false']) {
      const refused = await get(keys.student, `/api/v1/submissions?${q}`).expect(403);
      expect(refused.body.fields).toEqual([{ field: expect.stringMatching(/^flag/), reason: expect.any(String) }]);
    }
    const own = await list(keys.student, `course=${course.slug}`);
    expect(own).toHaveLength(3);
    for (const row of own) expect(row).not.toHaveProperty('flagSeverity');
    // Bad values: 400 naming the field.
    expect((await get(keys.instructor, '/api/v1/submissions?flagged=yes').expect(400)).body.fields).toEqual([{ field: 'flagged', reason: 'must be true or false' }]);
    expect((await get(keys.instructor, '/api/v1/submissions?flagSeverity=huge').expect(400)).body.fields).toEqual([
      { field: 'flagSeverity', reason: expect.stringContaining('high') },
    ]);
    await get(keys.instructor, '/api/v1/submissions?flagged=false&flagSeverity=high').expect(400);
  });

  it('marks a flagged counting submission in the gradebook: JSON cell and opt-in CSV column', async () => {
    const best = await get(keys.instructor, `/api/v1/courses/${course.slug}/gradebook?policy=best`).expect(200);
    const row = best.body.students.find((s: { id: string }) => s.id === student.id);
    expect(row.grades[exerciseSlug]).toEqual({ score: 2, maxScore: 2, submissionId: subs.lowFlag, submittedAt: expect.any(String), flagSeverity: 'low' });
    const csv = await get(keys.lms, `/api/v1/courses/${course.slug}/gradebook?format=csv&flags=true`).expect(200);
    const lines = csv.text.split('\r\n');
    expect(lines[0]).toBe(`student_id,external_id,display_name,${exerciseSlug},total,${exerciseSlug}_flag`);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^${student.id},.*,2,2,low$`)));
    const plain = await get(keys.instructor, `/api/v1/courses/${course.slug}/gradebook?format=csv`).expect(200);
    expect(plain.text.split('\r\n')[0]).toBe(`student_id,external_id,display_name,${exerciseSlug},total`);
    await get(keys.student, `/api/v1/courses/${course.slug}/gradebook`).expect(403);
  });

  it("shows a submission's files with a diff to the student's previous one, to the student and staff only", async () => {
    for (const who of ['student', 'instructor', 'admin', 'lms'] as const) {
      const { body } = await get(keys[who], `/api/v1/submissions/${subs.flagged}/code`).expect(200);
      expect(body).toMatchObject({ id: subs.flagged, studentId: student.id, exercise: `${course.slug}/${exerciseSlug}`, previous: { id: subs.first } });
      expect(body.files).toEqual({ 'solution.py': 'import sys\nf = sys._getframe(1)\ndef f():\n    return 2\n' });
      expect(body.diff).toHaveLength(1);
      expect(body.diff[0]).toMatchObject({ file: 'solution.py', status: 'changed', added: 3, removed: 1 });
      expect(body.diff[0].hunks[0].lines.map((l: { op: string; text: string }) => `${l.op}${l.text}`)).toEqual([
        '+import sys',
        '+f = sys._getframe(1)',
        ' def f():',
        '-    return 1',
        '+    return 2',
      ]);
    }
    const first = await get(keys.student, `/api/v1/submissions/${subs.first}/code`).expect(200);
    expect(first.body).toMatchObject({ previous: null, diff: null });
    await get(keys.classmate, `/api/v1/submissions/${subs.flagged}/code`).expect(404);
    await get(keys.outsider, `/api/v1/submissions/${subs.flagged}/code`).expect(404);
  });

  it('documents the new fields and filters in OpenAPI', async () => {
    const doc = (await http().get('/openapi.json').expect(200)).body;
    const schemas = doc.components.schemas;
    expect(Object.keys(schemas.SubmissionViewDto.properties)).toEqual(expect.arrayContaining(['tests', 'output', 'flags', 'flagSeverity']));
    expect(schemas.FlagDto.properties.severity.enum).toEqual(['high', 'medium', 'low']);
    expect(Object.keys(schemas.FlagDto.properties)).toEqual(expect.arrayContaining(['file', 'line', 'text', 'where']));
    expect(schemas.TestViewDto.properties.evidence.enum).toEqual(['contradicted', 'tampered', 'disagreed', 'blocked']);
    expect(Object.keys(schemas.SubmissionCodeDto.properties)).toEqual(expect.arrayContaining(['files', 'previous', 'diff']));
    const list = doc.paths['/api/v1/submissions'].get.parameters.map((p: { name: string }) => p.name);
    expect(list).toEqual(expect.arrayContaining(['flagged', 'flagSeverity']));
    const gradebook = doc.paths['/api/v1/courses/{courseSlug}/gradebook'].get.parameters.map((p: { name: string }) => p.name);
    expect(gradebook).toContain('flags');
    expect(doc.paths['/api/v1/submissions/{id}/code'].get).toBeDefined();
  });

  it("names no hidden test in the exercise's test list for students; staff see the names", async () => {
    const squares = await data.newExercise(course.id, 'squares');
    const path = `/api/v1/courses/${course.slug}/exercises/${squares.slug}`;
    expect((await get(keys.student, path).expect(200)).body.tests).toEqual([
      { name: 'total is right', points: 1, hidden: false },
      { name: 'Hidden test 1', points: 2, hidden: true },
    ]);
    for (const who of ['admin', 'instructor', 'lms'] as const) {
      expect((await get(keys[who], path).expect(200)).body.tests[1]).toEqual({ name: 'total stays within 5 MiB', points: 2, hidden: true });
    }
  });

  it('stores the flag severity with each grading run: flags and evidence marks of the latest run', async () => {
    let outcome: GradeOutcome;
    const grader = new (class extends SubmissionGrader {
      async grade(): Promise<GradeOutcome> {
        return outcome;
      }
    })();
    const grading = new GradingService(worker.get(GradingRunRepository), grader, worker.get(SubmissionEventsService), worker.get(OutboxService));
    const run = (tests: GradeOutcome['tests'], flags: unknown[], outputSections?: GradeOutcome['outputSections']): GradeOutcome => ({
      verdict: 'ok',
      tests,
      exitCode: 0,
      wallMs: 10,
      peakMemoryBytes: null,
      stdout: 'out',
      stderr: '',
      flags,
      report: {},
      outputSections,
    });
    const test = (status?: string) => ({ name: 't', score: 0, maxScore: 1, passed: false, message: '', hidden: false, measurements: status ? { status } : {} });
    const submission = await prisma.submission.create({ data: { exerciseVersionId: versionId, userId: student.id, files: { 'solution.py': '' }, maxScore: 1 } });
    const regrade = () => prisma.submission.update({ where: { id: submission.id }, data: { status: 'queued' } });
    const stored = () => prisma.submission.findUniqueOrThrow({ where: { id: submission.id } });

    outcome = run([test('contradicted')], [{ severity: 'low', kind: 'static', code: 'x', message: 'x' }], [{ label: 'import', hidden: false, stdout: 'hi', stderr: '' }]);
    await grading.grade(submission.id);
    expect((await stored()).flagSeverity).toBe('high');
    const result = await prisma.gradingResult.findFirstOrThrow({ where: { submissionId: submission.id } });
    expect(result.outputSections).toEqual([{ label: 'import', hidden: false, stdout: 'hi', stderr: '' }]);

    await regrade();
    outcome = run([test('passed')], [{ severity: 'medium', kind: 'runtime', code: 'y', message: 'y' }]);
    await grading.grade(submission.id);
    expect((await stored()).flagSeverity).toBe('medium');

    await regrade();
    outcome = run([test()], []);
    await grading.grade(submission.id);
    expect((await stored()).flagSeverity).toBeNull();
  });
});
