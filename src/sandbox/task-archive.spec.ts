import { extract } from 'tar-stream';
import { Readable } from 'node:stream';
import { buildTaskArchive, taskPathSegments } from './task-archive';
import { SandboxRequestError } from './sandbox-errors';

async function entries(archive: Buffer) {
  const found: Record<string, { type: string; mode: number; uid: number; gid: number; content: string }> = {};
  const reader = extract();
  Readable.from([archive]).pipe(reader);
  for await (const entry of reader) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const { name, type, mode, uid, gid } = entry.header;
    found[name] = { type: String(type), mode: mode!, uid: uid!, gid: gid!, content: Buffer.concat(chunks).toString() };
  }
  return found;
}

describe('buildTaskArchive', () => {
  it('makes root-owned, read-only files and directories', async () => {
    const found = await entries(await buildTaskArchive({ 'solution.py': 'print(1)', 'data/deep/in.txt': 'x', 'bin.dat': Buffer.from([0, 1]) }));
    expect(found).toEqual({
      data: { type: 'directory', mode: 0o555, uid: 0, gid: 0, content: '' },
      'data/deep': { type: 'directory', mode: 0o555, uid: 0, gid: 0, content: '' },
      'solution.py': { type: 'file', mode: 0o444, uid: 0, gid: 0, content: 'print(1)' },
      'data/deep/in.txt': { type: 'file', mode: 0o444, uid: 0, gid: 0, content: 'x' },
      'bin.dat': { type: 'file', mode: 0o444, uid: 0, gid: 0, content: '\u0000\u0001' },
    });
  });

  it.each(['', '/etc/passwd', '../x', 'a/../../x', 'a//b', './a', 'a/', 'a\0b'])('refuses the path %j', (path) => {
    expect(() => taskPathSegments(path)).toThrow(SandboxRequestError);
  });

  it('refuses a file that is also a directory', async () => {
    await expect(buildTaskArchive({ a: '1', 'a/b': '2' })).rejects.toThrow(/also used as a directory/);
  });
});
