import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

/**
 * A redis-server of the spec's own on 127.0.0.1:<port>, without persistence: stopping it loses
 * everything, as a Redis restart without persistence does.
 */
export async function startPrivateRedis(port: number): Promise<{ stop: () => Promise<void> }> {
  const redis: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  const deadline = Date.now() + 5_000;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => spawn('redis-cli', ['-p', String(port), 'ping'], { stdio: 'ignore' }).on('close', (code) => resolve(code === 0)));
    if (ok) break;
    if (Date.now() > deadline) throw new Error('private redis-server did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    stop: async () => {
      if (redis.exitCode !== null || redis.signalCode !== null) return;
      const exited = once(redis, 'exit');
      redis.kill('SIGKILL');
      await exited;
    },
  };
}
