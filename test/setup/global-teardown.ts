import { releaseRunLock } from './run-lock';

/** The test database is kept for inspection and recreated by the next run; the run lock is released. */
export default async function globalTeardown(): Promise<void> {
  releaseRunLock();
}
