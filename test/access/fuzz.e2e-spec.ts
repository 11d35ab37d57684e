import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { PrismaService } from '../../src/database/prisma.service';
import { loadExerciseFolder } from '../../src/exercises/format/exercise-folder';
import { TestData } from '../support/fixtures';
import { startApi } from '../support/platform';

/** A small deterministic PRNG, so a failing request can be replayed from the seed. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] };
}

const BAD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  1e308,
  true,
  false,
  '',
  ' ',
  'x'.repeat(5000),
  [],
  [1, 2],
  {},
  { a: { b: { c: 1 } } },
  '\u0000',
  '😀'.repeat(50),
  '<script>',
  "' OR 1=1--",
];
const BAD_SEGMENTS = ['x', '0', '-1', '99999999999999999999', '%00', '..%2F..%2Fetc', '%C3%BC', 'a'.repeat(300), randomUUID(), "'%20OR%201=1--", '%FF%FE', 'null'];

function deep(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

/** Valid bodies of the routes that change state; each fuzz case breaks one in a way that must be refused. */
function validBodies(course: string, exercise: string, exerciseFiles: Record<string, string>): { method: 'post' | 'patch'; path: string; body: Record<string, unknown> }[] {
  return [
    { method: 'post', path: '/api/v1/users', body: { role: 'student', displayName: 'Fuzzy' } },
    { method: 'post', path: '/api/v1/keys', body: { name: 'fuzz' } },
    { method: 'post', path: '/api/v1/courses', body: { slug: 'fuzz-course', title: 'Fuzz' } },
    { method: 'patch', path: `/api/v1/courses/${course}`, body: { title: 'Renamed', gradebookPolicy: 'latest' } },
    { method: 'post', path: `/api/v1/courses/${course}/enrolments`, body: { userId: randomUUID(), role: 'student' } },
    { method: 'post', path: `/api/v1/courses/${course}/lms-keys`, body: { name: 'LMS' } },
    { method: 'post', path: `/api/v1/courses/${course}/students`, body: { externalId: 'fz-1', displayName: 'Fuzz' } },
    { method: 'post', path: `/api/v1/courses/${course}/members`, body: { email: 'fuzz@fuzz.test', displayName: 'Fuzz', role: 'student' } },
    { method: 'post', path: `/api/v1/courses/${course}/members/import`, body: { csv: 'email,name\nfuzz@fuzz.test,Fuzz\n' } },
    { method: 'post', path: `/api/v1/courses/${course}/exercises`, body: { slug: 'fuzz-exercise', files: exerciseFiles } },
    { method: 'post', path: `/api/v1/courses/${course}/webhooks`, body: { url: 'http://127.0.0.1:9/fuzz' } },
    { method: 'post', path: '/api/v1/submissions', body: { exercise: `${course}/${exercise}`, files: { 'solution.py': 'print(1)\n' } } },
    { method: 'post', path: '/api/v1/runs', body: { exercise: `${course}/${exercise}`, files: { 'solution.py': 'print(1)\n' } } },
  ];
}

/** Read-only or param-driven routes, whose ids are replaced by garbage. */
function paramRoutes(course: string, exercise: string): { method: 'get' | 'post' | 'delete'; path: string }[] {
  return [
    { method: 'get', path: `/api/v1/courses/{}` },
    { method: 'get', path: `/api/v1/courses/{}/enrolments` },
    { method: 'delete', path: `/api/v1/courses/${course}/enrolments/{}` },
    { method: 'delete', path: `/api/v1/courses/${course}/members/{}` },
    { method: 'get', path: `/api/v1/courses/{}/members` },
    { method: 'post', path: `/api/v1/courses/${course}/students/{}/keys` },
    { method: 'get', path: `/api/v1/courses/{}/exercises` },
    { method: 'get', path: `/api/v1/courses/${course}/exercises/{}` },
    { method: 'get', path: `/api/v1/courses/${course}/exercises/{}/versions` },
    { method: 'post', path: `/api/v1/courses/${course}/exercises/${exercise}/versions/{}/regrade` },
    { method: 'get', path: `/api/v1/courses/${course}/exercises/${exercise}/versions/{}/regrades` },
    { method: 'post', path: `/api/v1/courses/${course}/exercises/${exercise}/versions/{}/current` },
    { method: 'get', path: `/api/v1/courses/${course}/exercises/${exercise}/versions/1/regrades/{}` },
    { method: 'get', path: `/api/v1/courses/{}/gradebook` },
    { method: 'get', path: `/api/v1/courses/${course}/exercises/{}/analytics` },
    { method: 'get', path: '/api/v1/runs/{}' },
    { method: 'get', path: '/api/v1/submissions/{}' },
    { method: 'get', path: '/api/v1/submissions/{}/events' },
    { method: 'post', path: '/api/v1/submissions/{}/regrade' },
    { method: 'delete', path: '/api/v1/keys/{}' },
    { method: 'get', path: '/api/v1/webhooks/{}' },
    { method: 'delete', path: '/api/v1/webhooks/{}' },
    { method: 'get', path: '/api/v1/webhooks/{}/deliveries' },
  ];
}

describe('a few thousand malformed requests', () => {
  let app: INestApplication;
  let prisma: PrismaService;
  let keys: string[];
  let course: string;
  let exercise: string;
  let exerciseFiles: Record<string, string>;

  beforeAll(async () => {
    app = await startApi({ SUBMISSION_RATE_LIMIT_PER_MINUTE: '100000' });
    prisma = app.get(PrismaService);
    const data = new TestData(prisma);
    const c = await data.newCourse();
    const admin = await data.newUser('admin');
    const instructor = await data.newUser('instructor');
    const student = await data.newUser('student');
    await data.enrol(c.id, instructor.id, 'instructor');
    await data.enrol(c.id, student.id, 'student');
    course = c.slug;
    exercise = (await data.newExercise(c.id)).slug;
    exerciseFiles = loadExerciseFolder(resolve(__dirname, '../fixtures/exercises/imports')).files;
    keys = [admin.key, instructor.key, student.key];
  });

  afterAll(async () => {
    await app?.close();
  });

  /**
   * Every stored row, as text. api_keys.last_used_at is left out: authenticating is allowed to
   * note when a key was last used.
   */
  async function fingerprint(): Promise<Record<string, string>> {
    const tables = await prisma.$queryRaw<{ name: string }[]>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
    const result: Record<string, string> = {};
    for (const { name } of tables) {
      const rows = await prisma.$queryRawUnsafe<{ digest: string | null; n: bigint }[]>(
        name === 'api_keys'
          ? `SELECT md5(string_agg((t.id, t.user_id, t.course_id, t.name, t.prefix, t.hash, t.created_at, t.revoked_at)::text, '|' ORDER BY t.id)) AS digest, count(*) AS n FROM api_keys t`
          : `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest, count(*) AS n FROM "${name}" t`,
      );
      result[name] = `${rows[0].n}:${rows[0].digest}`;
    }
    return result;
  }

  it('never answers 5xx and changes nothing stored', async () => {
    const before = await fingerprint();
    const random = prng(20261124);
    const failures: string[] = [];
    let sent = 0;
    const record = (what: string, status: number, body: unknown) => {
      sent++;
      if (status >= 500 || status < 400) failures.push(`${what} → ${status} ${JSON.stringify(body).slice(0, 160)}`);
    };
    const bodies = validBodies(course, exercise, exerciseFiles);

    for (let i = 0; i < 1600; i++) {
      const target = random.pick(bodies);
      const key = random.pick(keys);
      const fields = Object.keys(target.body);
      const mutation = random.pick(['retype', 'unknown', 'drop', 'deep', 'raw', 'array', 'proto', 'huge'] as const);
      let call = request(app.getHttpServer())[target.method](target.path).set('Authorization', `Bearer ${key}`);
      let description = `${target.method.toUpperCase()} ${target.path} ${mutation}`;
      if (mutation === 'raw') {
        const text = random.pick(['{', '{"a":', 'nul', '[1,2', '\u0000', '{"slug": "x" "title": "y"}', '\xff\xfe{}', '{"a": 1e99999}']);
        call = call.set('Content-Type', 'application/json').send(text);
      } else if (mutation === 'array') {
        call = call.send([target.body]);
      } else if (mutation === 'huge') {
        call = call.send({ ...target.body, [random.pick(fields)]: 'x'.repeat(3 * 1024 * 1024) });
      } else {
        const body: Record<string, unknown> = { ...target.body };
        const field = random.pick(fields);
        // A field that may be empty or absent cannot be broken by dropping it; retype it instead.
        const optional = target.method === 'patch';
        // "proto" adds prototype keys (ignored by the API, never polluting) to a retyped field.
        if (mutation === 'retype' || mutation === 'proto' || (mutation === 'drop' && optional)) {
          body[field] = random.pick(
            BAD_VALUES.filter(
              (v) => typeof v !== 'string' || field === 'role' || field === 'gradebookPolicy' || field === 'userId' || field === 'url' || field === 'exercise' || field === 'slug',
            ),
          );
        } else if (mutation === 'unknown') body[`extra_${i}`] = random.pick(BAD_VALUES);
        else if (mutation === 'drop') delete body[field];
        else if (mutation === 'deep') body[field] = deep(50 + Math.floor(random.next() * 500));
        description += ` ${field}`;
        // "__proto__" as JSON text: an own key after JSON.parse, as an attacker's body would have it.
        call =
          mutation === 'proto'
            ? call.set('Content-Type', 'application/json').send(`{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 1}}, ${JSON.stringify(body).slice(1)}`)
            : call.send(body);
      }
      const response = await call;
      record(description, response.status, response.body);
    }

    for (const route of paramRoutes(course, exercise)) {
      for (const segment of BAD_SEGMENTS) {
        for (const key of keys) {
          const path = route.path.replace('{}', segment);
          const response = await request(app.getHttpServer())[route.method](path).set('Authorization', `Bearer ${key}`).query({ cursor: segment, limit: segment });
          record(`${route.method.toUpperCase()} ${path}`, response.status, response.body);
        }
      }
    }

    // Headers and query strings that are wrong in themselves.
    for (const [name, value] of [
      ['Idempotency-Key', 'has spaces'],
      ['Idempotency-Key', 'x'.repeat(500)],
      ['Content-Type', 'application/json; charset=latin-9'],
      ['Content-Type', 'multipart/form-data; boundary=x'],
    ] as const) {
      const response = await request(app.getHttpServer()).post('/api/v1/submissions').set('Authorization', `Bearer ${keys[2]}`).set(name, value).send('{"exercise": 1}');
      record(`POST /api/v1/submissions with ${name}: ${value.slice(0, 40)}`, response.status, response.body);
    }
    const queries: Record<string, string>[] = [
      { limit: '0' },
      { limit: '1000' },
      { limit: 'abc' },
      { status: 'done' },
      { course: '../x' },
      { exercise: 'x' },
      { student: 'nope' },
      { cursor: 'Zm9v' },
    ];
    for (const query of queries) {
      const response = await request(app.getHttpServer()).get('/api/v1/submissions').set('Authorization', `Bearer ${keys[0]}`).query(query);
      record(`GET /api/v1/submissions?${new URLSearchParams(query)}`, response.status, response.body);
    }

    expect(sent).toBeGreaterThan(2000);
    expect(failures).toEqual([]);
    expect(await fingerprint()).toEqual(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
