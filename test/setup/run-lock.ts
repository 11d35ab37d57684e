import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * One e2e run at a time per machine: the suite recreates its database and empties its Redis
 * database, which would pull the floor from under a second run. A run waits for the lock; a lock
 * whose owner died is taken over.
 */
const LOCK_DIR = join(tmpdir(), 'memgrade-e2e.lock');
const OWNER_FILE = join(LOCK_DIR, 'pid');

function ownerAlive(): boolean {
  try {
    process.kill(Number(readFileSync(OWNER_FILE, 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

export async function acquireRunLock(timeoutMs = 30 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(OWNER_FILE, String(process.pid));
      return;
    } catch {
      // The owner may be between mkdir and writing its pid: give it a moment before judging.
      await new Promise((r) => setTimeout(r, 500));
      if (!ownerAlive()) {
        rmSync(LOCK_DIR, { recursive: true, force: true });
        continue;
      }
      if (!announced) {
        process.stderr.write('memgrade e2e: another e2e run is going on; waiting for it to finish\n');
        announced = true;
      }
      if (Date.now() > deadline) throw new Error(`another e2e run held ${LOCK_DIR} for too long`);
    }
  }
}

export function releaseRunLock(): void {
  try {
    if (Number(readFileSync(OWNER_FILE, 'utf8')) === process.pid) rmSync(LOCK_DIR, { recursive: true, force: true });
  } catch {
    // not ours, or already gone
  }
}
