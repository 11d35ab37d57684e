import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../../src/generated/prisma/client';
import { isDatabaseUnavailable } from '../../src/database/prisma-errors';
import { testDatabaseUrl } from '../setup/test-env';
import { startTcpProxy, viaProxy } from '../support/tcp-proxy';

/**
 * What Prisma (with the pg driver adapter) really throws when the database is away or overloaded,
 * and that each reads as "unavailable": the API answers 503 with Retry-After for it, not 500, and a
 * worker treats it as the infrastructure's.
 */
describe('errors that mean the database is unavailable', () => {
  let prisma: PrismaClient;
  let proxy: Awaited<ReturnType<typeof startTcpProxy>>;

  beforeAll(async () => {
    const url = testDatabaseUrl();
    proxy = await startTcpProxy(Number(new URL(url).port || 5432));
    prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: viaProxy(url, proxy.port), max: 1 }) });
    await prisma.$queryRaw`select 1`;
  });

  afterAll(async () => {
    await prisma.$disconnect();
    await proxy.close();
  });

  const failure = (work: Promise<unknown>) =>
    work.then(
      () => {
        throw new Error('expected the work to fail');
      },
      (error: unknown) => error,
    );

  it('a transaction that runs out of its time (P2028)', async () => {
    const error = await failure(
      prisma.$transaction(
        async (tx) => {
          await tx.$queryRaw`select pg_sleep(0.4)::text`;
          await tx.$queryRaw`select 1`;
        },
        { timeout: 100 },
      ),
    );
    expect({ code: (error as { code?: string }).code, unavailable: isDatabaseUnavailable(error) }).toEqual({ code: 'P2028', unavailable: true });
  });

  it('a transaction that cannot get a connection within its wait (P2028)', async () => {
    // The pool's one connection is busy for longer than the second transaction may wait.
    const busy = prisma.$transaction(async (tx) => tx.$queryRaw`select pg_sleep(0.5)::text`, { timeout: 5_000 });
    const error = await failure(prisma.$transaction(async (tx) => tx.$queryRaw`select 1`, { maxWait: 50 }));
    await busy;
    expect({ code: (error as { code?: string }).code, unavailable: isDatabaseUnavailable(error) }).toEqual({ code: 'P2028', unavailable: true });
  });

  it('a connection broken inside a transaction, and a query while the database is away', async () => {
    const broken = await failure(
      prisma.$transaction(async (tx) => {
        await tx.$queryRaw`select 1`;
        await proxy.cut();
        await tx.$queryRaw`select 2`;
      }),
    );
    const refused = await failure(prisma.$queryRaw`select 1`);
    await proxy.restore();
    expect([isDatabaseUnavailable(broken), isDatabaseUnavailable(refused)]).toEqual([true, true]);
  });

  it('but not a query that is wrong', async () => {
    const error = await failure(prisma.$queryRawUnsafe('select * from no_such_table'));
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
