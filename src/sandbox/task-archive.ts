import { pack } from 'tar-stream';
import { SandboxRequestError } from './sandbox-errors';

/** Total size of a run's files; far above any exercise, low enough that a bug cannot fill the disk. */
export const MAX_TASK_FILES_BYTES = 64 * 1024 * 1024;

/** Path segments of a relative path that stays inside /task, or an error naming the path. */
export function taskPathSegments(path: string): string[] {
  const segments = path.split('/');
  const bad =
    path.length === 0 ||
    path.length > 1024 ||
    path.includes('\0') ||
    path.startsWith('/') ||
    segments.some((segment) => segment === '' || segment === '.' || segment === '..');
  if (bad) throw new SandboxRequestError(`file path ${JSON.stringify(path)} must be relative, inside /task, without "." or ".." segments`);
  return segments;
}

/**
 * A tar of the run's files for putArchive into /task. Every entry is owned by root, files 0444 and
 * directories 0555: the program (never root, no capabilities) can read them but neither change nor
 * add anything there. Paths under a `privateDirs` top-level folder are 0400/0500: readable by
 * root alone (the harness's judge), not by the uids that run student code. The daemon keeps the
 * tar's ownership because copyUIDGID is not asked for.
 */
export async function buildTaskArchive(files: Record<string, string | Buffer>, privateDirs: readonly string[] = []): Promise<Buffer> {
  const isPrivate = (name: string) => privateDirs.some((dir) => name === dir || name.startsWith(`${dir}/`));
  const directories = new Set<string>();
  const entries: { name: string; content: Buffer }[] = [];
  let total = 0;
  for (const [path, content] of Object.entries(files)) {
    const segments = taskPathSegments(path);
    for (let i = 1; i < segments.length; i++) directories.add(segments.slice(0, i).join('/'));
    const buffer = Buffer.isBuffer(content) ? content : Buffer.from(content, 'utf8');
    total += buffer.length;
    entries.push({ name: segments.join('/'), content: buffer });
  }
  if (total > MAX_TASK_FILES_BYTES) throw new SandboxRequestError(`files total ${total} bytes, more than ${MAX_TASK_FILES_BYTES}`);
  for (const entry of entries) {
    if (directories.has(entry.name)) throw new SandboxRequestError(`file path ${JSON.stringify(entry.name)} is also used as a directory`);
  }

  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on('data', (chunk: unknown) => {
    chunks.push(chunk as Buffer);
  });
  const done = new Promise<void>((resolve, reject) => {
    archive.on('end', resolve);
    archive.on('error', reject);
  });
  const mtime = new Date(0);
  const owner = { uid: 0, gid: 0, uname: 'root', gname: 'root', mtime };
  for (const name of [...directories].sort()) archive.entry({ ...owner, name, type: 'directory', mode: isPrivate(name) ? 0o500 : 0o555 });
  for (const entry of entries) archive.entry({ ...owner, name: entry.name, type: 'file', mode: isPrivate(entry.name) ? 0o400 : 0o444 }, entry.content);
  archive.finalize();
  await done;
  return Buffer.concat(chunks);
}
