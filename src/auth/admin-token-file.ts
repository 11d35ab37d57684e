import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** Where a generated admin key is kept for the operator (readable by the owner only). */
export const ADMIN_TOKEN_FILE = resolve(__dirname, '../../.memgrade/admin-token');

export function saveGeneratedAdminToken(secret: string): string {
  mkdirSync(resolve(ADMIN_TOKEN_FILE, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(ADMIN_TOKEN_FILE, `${secret}\n`, { mode: 0o600 });
  return ADMIN_TOKEN_FILE;
}
