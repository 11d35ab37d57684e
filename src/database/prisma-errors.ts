import { Prisma } from '../generated/prisma/client';

/** A unique constraint refused the write (Prisma P2002). */
export function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

/**
 * Prisma's codes for "the database cannot be reached / the connection broke / the pool is
 * exhausted", and P2028: a transaction that could not start within its wait or ran out of its time,
 * as happens when a burst of retries meets a database that just came back.
 */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
/** What @prisma/adapter-pg reports as `meta.driverAdapterError.cause.kind` for the same. */
const UNAVAILABLE_ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'DatabaseUnavailable']);
/** Socket errors, and Postgres SQLSTATEs of class 08 (connection), 57P0x (shutting down / starting up), 53300 (too many connections). */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN', '57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_MESSAGE =
  /Can't reach database server|Connection terminated|connection timeout|timeout exceeded when trying to connect|server closed the connection|the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Connection refused/i;

/**
 * Whether an error means "the database is not reachable now" (not "this query is wrong"): the
 * caller may retry later. Looks through Prisma's wrapping (code, driver adapter error, cause chain).
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 6; depth++) {
    const candidate = current as { code?: unknown; message?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: unknown; originalCode?: unknown } } }; cause?: unknown };
    if (typeof candidate.code === 'string' && (UNAVAILABLE_PRISMA_CODES.has(candidate.code) || UNAVAILABLE_CODES.has(candidate.code) || candidate.code.startsWith('08')))
      return true;
    const adapter = candidate.meta?.driverAdapterError?.cause;
    if (typeof adapter?.kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(adapter.kind)) return true;
    if (typeof adapter?.originalCode === 'string' && (UNAVAILABLE_CODES.has(adapter.originalCode) || adapter.originalCode.startsWith('08'))) return true;
    if (typeof candidate.message === 'string' && UNAVAILABLE_MESSAGE.test(candidate.message)) return true;
    current = candidate.cause;
  }
  return false;
}

/** Whether an error means Redis is not reachable now (ioredis' connection errors). */
export function isRedisUnavailable(error: unknown): boolean {
  const { name, message, code } = (error ?? {}) as { name?: string; message?: string; code?: string };
  if (name === 'MaxRetriesPerRequestError') return true;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code) && /redis/i.test(String(message))) return true;
  return (
    typeof message === 'string' && /Connection is closed|Stream isn't writeable and enableOfflineQueue options is false|Reached the max retries per request limit/i.test(message)
  );
}
