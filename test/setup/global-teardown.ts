/** Nothing to undo: the test database is kept for inspection and recreated by the next run. */
export default async function globalTeardown(): Promise<void> {}
