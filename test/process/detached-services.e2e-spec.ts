import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The services `npm start` brings up (dockerd, Postgres, Redis) are not children of its shell:
 * they run in sessions of their own, so a signal to the platform's process group (Ctrl-C, or
 * `kill -TERM -<pgid>`) stops the API and worker but leaves them running.
 */
const root = resolve(__dirname, '../..');

/** Session id and process group id of a process, from /proc/<pid>/stat. */
function sessionOf(pid: number): { pgid: number; sid: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { pgid: Number(fields[2]), sid: Number(fields[3]) };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('services started by the bring-up scripts survive stopping the platform', () => {
  it('run_detached starts a service in its own session that a signal to the starting process group does not reach', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memgrade-detach-'));
    const pidFile = join(dir, 'service.pid');
    // Like `npm start` in a terminal: a shell leading its own process group, starting a service.
    const shell = spawn('bash', ['-c', `source scripts/detach.sh && run_detached ${dir}/service.log bash -c 'echo $$ > ${pidFile}; exec sleep 120' && exec sleep 120`], {
      cwd: root,
      detached: true,
      stdio: 'ignore',
    });
    const deadline = Date.now() + 10_000;
    while (!existsSync(pidFile) || !readFileSync(pidFile, 'utf8').trim()) {
      if (Date.now() > deadline) throw new Error('the detached service did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const service = Number(readFileSync(pidFile, 'utf8'));
    try {
      expect(sessionOf(service).sid).toBe(service);
      expect(sessionOf(service).pgid).not.toBe(shell.pid);
      const exited = once(shell, 'exit');
      process.kill(-shell.pid!, 'SIGINT');
      process.kill(-shell.pid!, 'SIGTERM');
      await exited;
      await new Promise((r) => setTimeout(r, 300));
      expect(alive(service)).toBe(true);
    } finally {
      if (alive(service)) process.kill(service, 'SIGKILL');
    }
  });

  it.each([
    ['scripts/docker-up.sh', /run_detached "\$log_file" dockerd /],
    ['scripts/services-up.sh', /setsid --wait pg_ctlcluster [^\n]* main start/],
    ['scripts/services-up.sh', /setsid --wait redis-server --daemonize yes/],
  ])('%s starts its service detached (%s)', (script, pattern) => {
    expect(readFileSync(join(root, script), 'utf8')).toMatch(pattern);
  });
});
