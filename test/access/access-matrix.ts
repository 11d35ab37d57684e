import { randomUUID } from 'node:crypto';

/**
 * Who may call what: every API route, with the status each kind of caller must get. The callers
 * are a course's admin, instructor, teaching assistant (a student-level user with course role ta),
 * enrolled student and lms key, and an "outsider" (a student of another course). Anonymous calls
 * get 401 on every route but /health.
 */
export type Caller = 'admin' | 'instructor' | 'ta' | 'student' | 'lms' | 'outsider';
export const CALLERS: Caller[] = ['admin', 'instructor', 'ta', 'student', 'lms', 'outsider'];

/** What a row needs to build its request; made fresh per call where a call changes state. */
export interface AccessContext {
  course: string;
  exercise: string;
  exerciseFiles: Record<string, string>;
  webhookId: string;
  deliveryId: string;
  /** A regrade of version 1 of the exercise, started by its instructor. */
  regradeId: string;
  /** A graded submission by the enrolled student (fresh per call). */
  gradedSubmission(): Promise<string>;
  /** A key of the caller's own, to revoke. */
  spareKeyOf(caller: Caller): Promise<string>;
  /** A user nobody enrolled yet. */
  freshUser(): Promise<string>;
  /** A user enrolled in the course as student. */
  enrolledUser(): Promise<string>;
  /** A webhook endpoint of the course, made by its instructor. */
  freshWebhook(): Promise<string>;
  /** A student enrolled in the course with an extension on the exercise. */
  extendedStudent(): Promise<string>;
}

export interface RouteCall {
  path: string;
  body?: unknown;
}

export interface AccessRow {
  call(ctx: AccessContext, caller: Caller): Promise<RouteCall> | RouteCall;
  expect: Record<Caller, number>;
}

const unique = () => randomUUID().slice(0, 8);
const all = (status: number): Record<Caller, number> => ({ admin: status, instructor: status, ta: status, student: status, lms: status, outsider: status });
/** Course staff who read (a TA among them). */
const staff = (ok: number, student: number, outsider = 404): Record<Caller, number> => ({ admin: ok, instructor: ok, ta: ok, lms: ok, student, outsider });
/** Staff who change what the course talks to (its lms key too), not its TAs. */
const managers = (ok: number): Record<Caller, number> => ({ admin: ok, instructor: ok, ta: 403, lms: ok, student: 403, outsider: 404 });
/** People who teach: not TAs, not the lms key. */
const teachers = (ok: number): Record<Caller, number> => ({ admin: ok, instructor: ok, ta: 403, lms: 403, student: 403, outsider: 404 });
/** Admin-only routes: the global role decides (403 for everyone else). */
const adminOnly = (ok: number): Record<Caller, number> => ({ admin: ok, instructor: 403, ta: 403, student: 403, lms: 403, outsider: 403 });

export const ACCESS: Record<string, AccessRow> = {
  'GET /health': { call: () => ({ path: '/health' }), expect: all(200) },

  'POST /api/v1/users': {
    call: () => ({ path: '/api/v1/users', body: { role: 'student', displayName: `user-${unique()}` } }),
    expect: adminOnly(201),
  },
  'GET /api/v1/users': { call: () => ({ path: '/api/v1/users' }), expect: adminOnly(200) },
  'GET /api/v1/users/me': { call: () => ({ path: '/api/v1/users/me' }), expect: all(200) },
  'POST /api/v1/keys': { call: () => ({ path: '/api/v1/keys', body: { name: 'spare' } }), expect: { ...all(201), lms: 403 } },
  'GET /api/v1/keys': { call: () => ({ path: '/api/v1/keys' }), expect: all(200) },
  'DELETE /api/v1/keys/{id}': { call: async (ctx, caller) => ({ path: `/api/v1/keys/${await ctx.spareKeyOf(caller)}` }), expect: all(204) },

  'POST /api/v1/courses': {
    call: () => ({ path: '/api/v1/courses', body: { slug: `c-${unique()}`, title: 'A course' } }),
    expect: { admin: 201, instructor: 201, ta: 403, student: 403, lms: 403, outsider: 403 },
  },
  'GET /api/v1/courses': { call: () => ({ path: '/api/v1/courses' }), expect: all(200) },
  'GET /api/v1/courses/{courseSlug}': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}` }), expect: { ...all(200), outsider: 404 } },
  'PATCH /api/v1/courses/{courseSlug}': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}`, body: { gradebookPolicy: 'best' } }), expect: teachers(200) },
  'GET /api/v1/courses/{courseSlug}/enrolments': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/enrolments` }), expect: staff(200, 403) },
  'POST /api/v1/courses/{courseSlug}/enrolments': {
    call: async (ctx) => ({ path: `/api/v1/courses/${ctx.course}/enrolments`, body: { userId: await ctx.freshUser(), role: 'student' } }),
    expect: teachers(201),
  },
  'DELETE /api/v1/courses/{courseSlug}/enrolments/{userId}': {
    call: async (ctx) => ({ path: `/api/v1/courses/${ctx.course}/enrolments/${await ctx.enrolledUser()}` }),
    expect: teachers(204),
  },
  'POST /api/v1/courses/{courseSlug}/lms-keys': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/lms-keys`, body: { name: 'LMS' } }), expect: teachers(201) },
  'POST /api/v1/courses/{courseSlug}/students': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/students`, body: { externalId: `ext-${unique()}`, displayName: 'Student' } }),
    expect: managers(201),
  },
  'POST /api/v1/courses/{courseSlug}/students/{externalId}/keys': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/students/ext-student/keys` }), expect: managers(201) },

  'GET /api/v1/courses/{courseSlug}/members': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/members` }), expect: staff(200, 403) },
  'POST /api/v1/courses/{courseSlug}/members': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/members`, body: { email: `new-${unique()}@example.edu`, displayName: 'New student', role: 'student' } }),
    expect: teachers(201),
  },
  'POST /api/v1/courses/{courseSlug}/members/import': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/members/import`, body: { csv: `email,name,role\nimp-${unique()}@example.edu,Imported,student\n` } }),
    expect: teachers(200),
  },
  'PATCH /api/v1/courses/{courseSlug}/members/{userId}': {
    call: async (ctx) => ({ path: `/api/v1/courses/${ctx.course}/members/${await ctx.enrolledUser()}`, body: { role: 'ta' } }),
    expect: teachers(200),
  },
  'DELETE /api/v1/courses/{courseSlug}/members/{userId}': {
    call: async (ctx) => ({ path: `/api/v1/courses/${ctx.course}/members/${await ctx.enrolledUser()}` }),
    expect: teachers(204),
  },
  'DELETE /api/v1/courses/{courseSlug}/students/{externalId}/keys': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/students/ext-student/keys` }), expect: managers(200) },
  // A key id that is none of the student's sign-in keys: staff learn that (404); others cannot ask.
  'DELETE /api/v1/courses/{courseSlug}/students/{externalId}/keys/{keyId}': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/students/ext-student/keys/${randomUUID()}` }),
    expect: { ...managers(404) },
  },

  'GET /api/v1/courses/{courseSlug}/exercises': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises` }), expect: { ...all(200), outsider: 404 } },
  'POST /api/v1/courses/{courseSlug}/exercises': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises`, body: { slug: `ex-${unique()}`, files: ctx.exerciseFiles } }),
    expect: teachers(202),
  },
  'GET /api/v1/courses/{courseSlug}/exercises/{exerciseSlug}': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises/${ctx.exercise}` }),
    expect: { ...all(200), outsider: 404 },
  },
  'GET /api/v1/courses/{courseSlug}/exercises/{exerciseSlug}/versions': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises/${ctx.exercise}/versions` }),
    expect: staff(200, 403),
  },
  'POST /api/v1/courses/{courseSlug}/exercises/{exerciseSlug}/versions/{number}/regrade': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises/${ctx.exercise}/versions/1/regrade` }),
    expect: staff(202, 403),
  },
  'POST /api/v1/courses/{courseSlug}/exercises/{exerciseSlug}/versions/{number}/current': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises/${ctx.exercise}/versions/1/current` }),
    expect: teachers(200),
  },
  'GET /api/v1/courses/{courseSlug}/exercises/{exerciseSlug}/versions/{number}/regrades': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises/${ctx.exercise}/versions/1/regrades` }),
    expect: staff(200, 403),
  },
  'GET /api/v1/courses/{courseSlug}/exercises/{exerciseSlug}/versions/{number}/regrades/{id}': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises/${ctx.exercise}/versions/1/regrades/${ctx.regradeId}` }),
    expect: staff(200, 403),
  },
  'GET /api/v1/courses/{courseSlug}/gradebook': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/gradebook` }), expect: staff(200, 403) },
  'GET /api/v1/courses/{courseSlug}/exercises/{exerciseSlug}/analytics': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises/${ctx.exercise}/analytics` }),
    expect: staff(200, 403),
  },

  // Runs without grading: people of the course (the spec's API answers 202 at once, TRY_RUN_WAIT_SECONDS=0); a run is its starter's alone.
  'POST /api/v1/runs': {
    call: (ctx) => ({ path: '/api/v1/runs', body: { exercise: `${ctx.course}/${ctx.exercise}`, files: { 'solution.py': 'print(1)\n' } } }),
    expect: { admin: 202, instructor: 202, ta: 202, student: 202, lms: 403, outsider: 404 },
  },
  'GET /api/v1/runs/{id}': { call: () => ({ path: `/api/v1/runs/${randomUUID()}` }), expect: all(404) },

  // Deadlines: staff read them, people who teach set them; a student reads their own standing (an lms key names the student).
  'GET /api/v1/courses/{courseSlug}/deadlines': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/deadlines` }), expect: staff(200, 403) },
  'PUT /api/v1/courses/{courseSlug}/deadlines': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/deadlines`, body: {} }), expect: teachers(200) },
  'PUT /api/v1/courses/{courseSlug}/exercises/{exerciseSlug}/deadline': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises/${ctx.exercise}/deadline`, body: {} }),
    expect: teachers(200),
  },
  'GET /api/v1/courses/{courseSlug}/exercises/{exerciseSlug}/deadline-status': {
    call: async (ctx, caller) => ({
      path: `/api/v1/courses/${ctx.course}/exercises/${ctx.exercise}/deadline-status${caller === 'lms' ? `?student=${await ctx.enrolledUser()}` : ''}`,
    }),
    expect: { ...all(200), outsider: 404 },
  },
  'GET /api/v1/courses/{courseSlug}/exercises/{exerciseSlug}/extensions': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises/${ctx.exercise}/extensions` }),
    expect: staff(200, 403),
  },
  'PUT /api/v1/courses/{courseSlug}/exercises/{exerciseSlug}/extensions/{userId}': {
    call: async (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises/${ctx.exercise}/extensions/${await ctx.enrolledUser()}`, body: { extraAttempts: 1 } }),
    expect: teachers(200),
  },
  'DELETE /api/v1/courses/{courseSlug}/exercises/{exerciseSlug}/extensions/{userId}': {
    call: async (ctx) => ({ path: `/api/v1/courses/${ctx.course}/exercises/${ctx.exercise}/extensions/${await ctx.extendedStudent()}` }),
    expect: teachers(204),
  },

  'POST /api/v1/submissions': {
    call: (ctx, caller) => ({
      path: '/api/v1/submissions',
      body: { exercise: `${ctx.course}/${ctx.exercise}`, files: { 'solution.py': 'print(1)\n' }, ...(caller === 'lms' ? { student: 'ext-student' } : {}) },
    }),
    expect: { ...all(202), outsider: 404 },
  },
  'GET /api/v1/submissions': { call: () => ({ path: '/api/v1/submissions' }), expect: all(200) },
  'GET /api/v1/submissions/{id}': { call: async (ctx) => ({ path: `/api/v1/submissions/${await ctx.gradedSubmission()}` }), expect: { ...all(200), outsider: 404 } },
  'GET /api/v1/submissions/{id}/code': { call: async (ctx) => ({ path: `/api/v1/submissions/${await ctx.gradedSubmission()}/code` }), expect: { ...all(200), outsider: 404 } },
  'GET /api/v1/submissions/{id}/events': {
    call: async (ctx) => ({ path: `/api/v1/submissions/${await ctx.gradedSubmission()}/events` }),
    expect: { ...all(200), outsider: 404 },
  },
  'POST /api/v1/submissions/{id}/regrade': { call: async (ctx) => ({ path: `/api/v1/submissions/${await ctx.gradedSubmission()}/regrade` }), expect: staff(202, 403) },

  'POST /api/v1/courses/{courseSlug}/webhooks': {
    call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/webhooks`, body: { url: `http://127.0.0.1:9/${unique()}` } }),
    expect: managers(201),
  },
  'GET /api/v1/courses/{courseSlug}/webhooks': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/webhooks` }), expect: managers(200) },
  // An lms key sees only the endpoints it registered; this one is the instructor's. A TA is told it may not manage webhooks.
  'GET /api/v1/webhooks/{id}': {
    call: (ctx) => ({ path: `/api/v1/webhooks/${ctx.webhookId}` }),
    expect: { admin: 200, instructor: 200, ta: 403, lms: 404, student: 404, outsider: 404 },
  },
  'DELETE /api/v1/webhooks/{id}': {
    call: async (ctx) => ({ path: `/api/v1/webhooks/${await ctx.freshWebhook()}` }),
    expect: { admin: 204, instructor: 204, ta: 403, lms: 404, student: 404, outsider: 404 },
  },
  'GET /api/v1/webhooks/{id}/deliveries': {
    call: (ctx) => ({ path: `/api/v1/webhooks/${ctx.webhookId}/deliveries` }),
    expect: { admin: 200, instructor: 200, ta: 403, lms: 404, student: 404, outsider: 404 },
  },
  'GET /api/v1/webhooks/{id}/deliveries/{deliveryId}': {
    call: (ctx) => ({ path: `/api/v1/webhooks/${ctx.webhookId}/deliveries/${ctx.deliveryId}` }),
    expect: { admin: 200, instructor: 200, ta: 403, lms: 404, student: 404, outsider: 404 },
  },

  // LTI 1.3: platforms and keys are the admin's; a course's staff (people, not its lms key) sync its roster.
  'POST /api/v1/lti/platforms': {
    call: (ctx) => ({
      path: '/api/v1/lti/platforms',
      body: {
        name: 'LMS',
        issuer: 'https://lms.invalid',
        clientId: `c-${unique()}`,
        authLoginUrl: 'https://lms.invalid/auth',
        tokenUrl: 'https://lms.invalid/token',
        jwksUrl: 'https://lms.invalid/jwks',
        deploymentIds: ['1'],
        course: ctx.course,
      },
    }),
    expect: adminOnly(201),
  },
  'GET /api/v1/lti/platforms': { call: () => ({ path: '/api/v1/lti/platforms' }), expect: adminOnly(200) },
  // Deleting is proven in test/lti; here a platform that does not exist (404 for the admin).
  'DELETE /api/v1/lti/platforms/{id}': { call: () => ({ path: `/api/v1/lti/platforms/${randomUUID()}` }), expect: adminOnly(404) },
  'POST /api/v1/lti/keys/rotate': { call: () => ({ path: '/api/v1/lti/keys/rotate' }), expect: adminOnly(201) },
  'POST /api/v1/courses/{courseSlug}/lti/roster-sync': { call: (ctx) => ({ path: `/api/v1/courses/${ctx.course}/lti/roster-sync` }), expect: teachers(200) },
};
