import { ApiKeyRepository } from '../../src/auth/api-key.repository';
import { hashApiKey } from '../../src/auth/api-key.secret';
import { ApiKeysService } from '../../src/auth/api-keys.service';
import { waitUntil } from '../support/polling';
import { type MediumContext, startMedium } from './medium.factory';

/**
 * A key looked up by its secret on a real database: unknown, revoked, expired, bound to a course
 * whose roster no longer has its holder, or good (and then its last use is recorded).
 */
describe('API key lookup', () => {
  let ctx: MediumContext;
  let keys: ApiKeysService;
  let repository: ApiKeyRepository;

  beforeAll(async () => {
    ctx = await startMedium();
    keys = ctx.get(ApiKeysService);
    repository = ctx.get(ApiKeyRepository);
  });

  afterAll(async () => {
    await ctx?.close();
  });

  it('finds a key by its hash with its user, and nothing for an unknown secret', async () => {
    const { key, userId, principal } = await ctx.newPrincipal('instructor');
    const found = await repository.findByHash(hashApiKey(key));
    expect(found).toMatchObject({ id: principal.keyId, userId, user: { id: userId, role: 'instructor' } });
    expect(await repository.findByHash(hashApiKey(`${key}x`))).toBeNull();
    expect(await keys.check(`${key}x`)).toEqual({ refused: 'unknown API key' });
  });

  it('refuses a revoked key and an expired sign-in link, and accepts one that has not expired', async () => {
    const student = await ctx.data.newUser('student');
    const revoked = await keys.issue(student.id, 'revoked');
    await ctx.prisma.apiKey.update({ where: { id: revoked.id }, data: { revokedAt: new Date('2026-01-02T03:04:05.000Z') } });
    expect(await keys.check(revoked.secret)).toEqual({ refused: 'this API key was revoked at 2026-01-02T03:04:05.000Z' });

    const expired = await keys.issue(student.id, 'expired link', { expiresAt: new Date(Date.now() - 1_000) });
    expect(await keys.check(expired.secret)).toMatchObject({ refused: expect.stringMatching(/^this sign-in link expired at .*; ask your LMS for a new link$/) });
    expect(await keys.authenticate(expired.secret)).toBeNull();

    const expiresAt = new Date(Date.now() + 60_000);
    const live = await keys.issue(student.id, 'live link', { expiresAt });
    expect(await keys.authenticate(live.secret)).toEqual({ keyId: live.id, userId: student.id, role: 'student', courseId: null, expiresAt });
  });

  it("refuses a course-bound key of someone no longer on the course's roster", async () => {
    const course = await ctx.data.newCourse();
    const student = await ctx.data.newUser('student');
    const link = await keys.issue(student.id, 'course link', { courseId: course.id, expiresAt: new Date(Date.now() + 60_000) });
    expect(await keys.check(link.secret)).toEqual({ refused: 'this sign-in link belongs to a course whose roster no longer has you' });

    await ctx.data.enrol(course.id, student.id, 'student');
    expect(await repository.isEnrolled(course.id, student.id)).toBe(true);
    expect(await keys.check(link.secret)).toMatchObject({ principal: { keyId: link.id, courseId: course.id } });
  });

  it('records when a key was last used', async () => {
    const student = await ctx.data.newUser('student');
    const issued = await keys.issue(student.id, 'fresh');
    await keys.authenticate(issued.secret);
    await waitUntil(
      () => ctx.prisma.apiKey.findUniqueOrThrow({ where: { id: issued.id } }),
      (key) => key.lastUsedAt !== null,
      { withinMs: 5_000, what: 'lastUsedAt recorded' },
    );
  });
});
