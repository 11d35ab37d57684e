import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** What the container's memory cgroup says about a run. */
export interface CgroupMemoryReading {
  /** High-water mark in bytes (cgroup v1 memory.max_usage_in_bytes, v2 memory.peak). */
  peakBytes: number | null;
  /** Processes the kernel OOM-killed in this cgroup (v1 memory.oom_control, v2 memory.events: oom_kill). */
  oomKills: number | null;
}

/**
 * Where a container's memory cgroup is on the Docker host, most likely first: cgroupfs and systemd
 * drivers, v1 and v2. Only the first (cgroup v1, cgroupfs) is exercised on our machines.
 */
export function cgroupMemoryDirs(containerId: string, cgroupRoot = '/sys/fs/cgroup'): { dir: string; version: 1 | 2 }[] {
  return [
    { dir: join(cgroupRoot, 'memory', 'docker', containerId), version: 1 },
    { dir: join(cgroupRoot, 'memory', 'system.slice', `docker-${containerId}.scope`), version: 1 },
    { dir: join(cgroupRoot, 'docker', containerId), version: 2 },
    { dir: join(cgroupRoot, 'system.slice', `docker-${containerId}.scope`), version: 2 },
  ];
}

/** The number on the line "`key` N" of a flat-keyed cgroup file (memory.oom_control, memory.events). */
export function parseKeyedCount(text: string, key: string): number | null {
  const match = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return match ? Number(match[1]) : null;
}

function parseCount(text: string): number | null {
  const trimmed = text.trim();
  return /^\d+$/.test(trimmed) && Number.isSafeInteger(Number(trimmed)) ? Number(trimmed) : null;
}

/**
 * Reads the container's cgroup from the host filesystem, which works when this process runs on the
 * Docker host (the usual worker set-up) and sees its /sys/fs/cgroup. Null when no cgroup directory
 * of this container is visible here (remote engine, or the container has stopped and its cgroup is gone).
 */
export async function readHostCgroupMemory(containerId: string, cgroupRoot = '/sys/fs/cgroup'): Promise<CgroupMemoryReading | null> {
  for (const { dir, version } of cgroupMemoryDirs(containerId, cgroupRoot)) {
    const [peakFile, oomFile, oomKey] =
      version === 1 ? ['memory.max_usage_in_bytes', 'memory.oom_control', 'oom_kill'] : ['memory.peak', 'memory.events', 'oom_kill'];
    let peakText: string;
    try {
      peakText = await readFile(join(dir, peakFile), 'utf8');
    } catch {
      continue;
    }
    const oomText = await readFile(join(dir, oomFile), 'utf8').catch(() => '');
    return { peakBytes: parseCount(peakText), oomKills: parseKeyedCount(oomText, oomKey) };
  }
  return null;
}

/**
 * The command that prints the same figures from inside the container, for engines this process
 * cannot see the cgroups of: the peak on the first line, then the oom counters. Run as the keeper
 * user, which the program cannot signal.
 */
export const IN_CONTAINER_CGROUP_READ = [
  'sh',
  '-c',
  'cat /sys/fs/cgroup/memory/memory.max_usage_in_bytes /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null' +
    ' || cat /sys/fs/cgroup/memory.peak /sys/fs/cgroup/memory.events',
];

export function parseInContainerCgroupRead(text: string): CgroupMemoryReading {
  const firstLine = text.split('\n', 1)[0] ?? '';
  return { peakBytes: parseCount(firstLine), oomKills: parseKeyedCount(text, 'oom_kill') };
}
