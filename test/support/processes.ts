import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** The repository: the nearest folder up with a package.json (this file also runs compiled, from .memgrade/bench-build). */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(resolve(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const root = repositoryRoot();

/** A compiled entry point (dist/main.js, dist/worker.js) running as a process of its own, its output kept. */
export interface Proc {
  child: ChildProcess;
  output: string[];
}

/** Starts `dist/<script>` (or the script at an absolute path) with the environment plus `env`, as production runs it. */
export function launch(script: string, env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [resolve(root, 'dist', script)], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  return { child, output };
}

/** Signals the process (SIGKILL unless told) and waits until it has exited; nothing when it already has. */
export async function kill(proc: Proc | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = once(proc.child, 'exit');
  proc.child.kill(signal);
  await exited;
}

/** Waits until GET /health on the port answers at all (any status), or throws with the process's output. */
export async function waitForListening(port: number, proc: Proc, withinMs = 30_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (
    !(await fetch(`http://127.0.0.1:${port}/health`).then(
      () => true,
      () => false,
    ))
  ) {
    if (proc.child.exitCode !== null) throw new Error(`the process exited (${proc.child.exitCode}): ${proc.output.join('')}`);
    if (Date.now() > deadline) throw new Error(`nothing listened on ${port} within ${withinMs} ms: ${proc.output.join('')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
