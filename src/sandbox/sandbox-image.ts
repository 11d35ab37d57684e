import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** Repository name of the images scripts/sandbox-image.sh builds; the tag is a hash of sandbox/. */
export const SANDBOX_IMAGE_REPOSITORY = 'memgrade-sandbox';

/** Byte-code caches are left out of the hash and of the build context (sandbox/.dockerignore). */
function isIgnored(relativePath: string): boolean {
  return relativePath.endsWith('.pyc') || relativePath.split('/').includes('__pycache__');
}

function listFiles(root: string, prefix = '.'): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(join(root, prefix), { withFileTypes: true })) {
    const relativePath = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) files.push(...listFiles(root, relativePath));
    else if (entry.isFile() && !isIgnored(relativePath)) files.push(relativePath);
  }
  return files;
}

/**
 * The content hash scripts/sandbox-image.sh computes, done the same way:
 * `find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum | cut -c1-16` in sandbox/.
 * Change both together (a unit test compares them).
 */
export function sandboxContentHash(sandboxDir: string): string {
  const paths = listFiles(sandboxDir).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const listing = paths
    .map((path) => `${createHash('sha256').update(readFileSync(join(sandboxDir, path))).digest('hex')}  ${path}\n`)
    .join('');
  return createHash('sha256').update(listing).digest('hex').slice(0, 16);
}

/** The sandbox/ directory of this checkout, found by walking up from here (src/, dist/), else from the working directory. */
export function findSandboxDir(starts: string[] = [__dirname, process.cwd()]): string | null {
  for (const start of starts) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'sandbox', 'Dockerfile')) && existsSync(join(dir, 'package.json'))) return join(dir, 'sandbox');
      if (dirname(dir) === dir) break;
    }
  }
  return null;
}

/**
 * The image runs use: SANDBOX_IMAGE when set, otherwise memgrade-sandbox:<hash of sandbox/> — the tag
 * scripts/sandbox-image.sh builds. Computed once at start-up (a few ms), never per run.
 */
export function resolveSandboxImage(configured: string | undefined, sandboxDir: string | null = findSandboxDir()): string {
  if (configured) return configured;
  if (!sandboxDir) {
    throw new Error('SANDBOX_IMAGE is not set and no sandbox/ directory was found to compute the image tag from');
  }
  return `${SANDBOX_IMAGE_REPOSITORY}:${sandboxContentHash(sandboxDir)}`;
}
