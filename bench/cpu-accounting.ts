// Where a phase's CPU went: the machine's busy time (/proc/stat) and, of it, what each long-lived
// process group spent (/proc/<pid>/stat), so that a throughput gap can be put on the worker, the
// engine or the gradings themselves. Processes that start and end inside the phase (the containers'
// own) are not seen one by one: they are in "the rest".
import { readdir, readFile } from 'node:fs/promises';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** A process's own CPU time (user + system) from the text of its /proc/<pid>/stat; 0 for an empty one. */
export function cpuMsOfStat(stat: string): number {
  // Fields after the command (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) * TICK_MS;
}

export interface CpuSnapshot {
  busyMs: number;
  processes: Map<number, { comm: string; ms: number }>;
}

export async function cpuSnapshot(): Promise<CpuSnapshot> {
  const [cpu] = (await readFile('/proc/stat', 'utf8')).split('\n');
  // cpu user nice system idle iowait irq softirq steal …
  const ticks = cpu.split(/\s+/).slice(1, 9).map(Number);
  const busyMs = (ticks.reduce((a, b) => a + b, 0) - ticks[3] - ticks[4]) * TICK_MS;
  const processes = new Map<number, { comm: string; ms: number }>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    if (!stat) continue;
    processes.set(Number(entry), { comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ms: cpuMsOfStat(stat) });
  }
  return { busyMs, processes };
}

/** A group is a name and what belongs to it: a set of pids, or a test of the process's command name. */
export type CpuGroup = [name: string, belongs: ReadonlySet<number> | ((comm: string) => boolean)];

/** CPU seconds between two snapshots: the machine's, each group's (first match wins), and the rest. */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot, groups: CpuGroup[]): { name: string; seconds: number }[] {
  const spent = new Map<string, number>(groups.map(([name]) => [name, 0]));
  for (const [pid, now] of after.processes) {
    const group = groups.find(([, belongs]) => (typeof belongs === 'function' ? belongs(now.comm) : belongs.has(pid)));
    if (!group) continue;
    const then = before.processes.get(pid);
    const ms = then && then.comm === now.comm ? now.ms - then.ms : now.ms;
    spent.set(group[0], spent.get(group[0])! + ms);
  }
  const machineMs = after.busyMs - before.busyMs;
  const namedMs = [...spent.values()].reduce((a, b) => a + b, 0);
  return [
    { name: 'machine', seconds: machineMs / 1000 },
    ...[...spent].map(([name, ms]) => ({ name, seconds: ms / 1000 })),
    { name: 'the rest (containers, other)', seconds: (machineMs - namedMs) / 1000 },
  ];
}

export function formatCpu(spent: { name: string; seconds: number }[], per: number): string {
  return spent.map(({ name, seconds }) => `${name} ${(seconds / per).toFixed(2)}`).join(' · ');
}
