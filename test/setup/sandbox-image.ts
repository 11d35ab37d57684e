import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(__dirname, '..', '..');

/**
 * Makes sure a Docker engine answers and the sandbox image exists (building it from sandbox/ when
 * missing: ≈ 40 s the first time on a machine, well under 2 s afterwards), and returns the tag to
 * use as SANDBOX_IMAGE. An already set SANDBOX_IMAGE is returned as is, unbuilt.
 */
export async function ensureSandboxImage(): Promise<string> {
  if (process.env.SANDBOX_IMAGE) return process.env.SANDBOX_IMAGE;
  const options = { cwd: root, maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60 * 1000 };
  try {
    await run('bash', [join(root, 'scripts', 'docker-up.sh')], options);
    const { stdout } = await run('bash', [join(root, 'scripts', 'sandbox-image.sh')], options);
    return stdout.trim().split('\n').pop()!;
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`could not prepare the sandbox image: ${(error as Error).message}\n${stderr ?? ''}`, { cause: error });
  }
}
