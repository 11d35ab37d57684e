import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseInContainerCgroupRead, parseKeyedCount, readHostCgroupMemory } from './cgroup-memory';

describe('cgroup memory readings', () => {
  it('reads a cgroup v1 directory', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cgroup-'));
    const dir = join(root, 'memory', 'docker', 'abc');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'memory.max_usage_in_bytes'), '67108864\n');
    writeFileSync(join(dir, 'memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
    expect(await readHostCgroupMemory('abc', root)).toEqual({ peakBytes: 67108864, oomKills: 2 });
  });

  it('reads a cgroup v2 directory', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cgroup-'));
    const dir = join(root, 'system.slice', 'docker-abc.scope');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'memory.peak'), '1234\n');
    writeFileSync(join(dir, 'memory.events'), 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n');
    expect(await readHostCgroupMemory('abc', root)).toEqual({ peakBytes: 1234, oomKills: 1 });
  });

  it('is null when the container has no visible cgroup', async () => {
    expect(await readHostCgroupMemory('missing', mkdtempSync(join(tmpdir(), 'cgroup-')))).toBeNull();
  });

  it('parses the in-container reading', () => {
    expect(parseInContainerCgroupRead('4358144\noom_kill_disable 0\nunder_oom 0\noom_kill 0\n')).toEqual({ peakBytes: 4358144, oomKills: 0 });
    expect(parseInContainerCgroupRead('')).toEqual({ peakBytes: null, oomKills: null });
    expect(parseKeyedCount('oom 3\noom_kill 4', 'oom')).toBe(3);
  });
});
