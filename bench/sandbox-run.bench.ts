// Per-run wall time of SandboxService for a trivial program, beside `docker run --rm` of the same
// image, interleaved so that both see the same machine. Run: npm run bench:sandbox
// (RUNS=30 by default; POOL_SIZE for the pooled variant, default 2; SANDBOX_IMAGE or the built tag).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loadConfig } from '../src/config/config.loader';
import { createDockerClient } from '../src/sandbox/docker-client';
import { SandboxService } from '../src/sandbox/sandbox.service';

const run = promisify(execFile);
const RUNS = Number(process.env.RUNS ?? 30);
const WARM_UP = 3;

const config = loadConfig({ DATABASE_URL: 'postgresql://unused@127.0.0.1/unused', REDIS_URL: 'redis://127.0.0.1', ...process.env });
const plain = new SandboxService(createDockerClient(config.DOCKER_HOST), { values: config }, { poolSize: 0 });
const pooled = new SandboxService(createDockerClient(config.DOCKER_HOST), { values: config }, { poolSize: Number(process.env.POOL_SIZE ?? 2) });
const image = plain.image;

const variants: Record<string, () => Promise<void>> = {
  'docker run --rm (CLI)': async () => {
    const { stdout } = await run('docker', ['run', '--rm', '--network', 'none', image, 'python3', '-c', 'print(1)']);
    if (stdout !== '1\n') throw new Error(`CLI printed ${JSON.stringify(stdout)}`);
  },
  'SandboxService.run': async () => check(await plain.run({ files: {}, argv: ['python3', '-c', 'print(1)'] })),
  'SandboxService.run, pool': async () => check(await pooled.run({ files: {}, argv: ['python3', '-c', 'print(1)'] })),
};

function check(result: { verdict: string; stdout: string }): void {
  if (result.verdict !== 'ok' || result.stdout !== '1\n') throw new Error(`run gave ${JSON.stringify(result)}`);
}

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return { min: sorted[0], median: at(0.5), p95: at(0.95) };
}

async function main(): Promise<void> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
  for (let i = 0; i < WARM_UP + RUNS; i++) {
    for (const [name, variant] of Object.entries(variants)) {
      // The pool refills in the background after each run; give it the moment a worker's queue would.
      if (name.includes('pool')) await pooled.warmUp();
      const started = performance.now();
      await variant();
      if (i >= WARM_UP) times[name].push(performance.now() - started);
    }
  }
  await pooled.onModuleDestroy();

  const cli = summary(times['docker run --rm (CLI)']);
  console.log(`image ${image}, ${RUNS} runs each, interleaved (ms)`);
  console.log('variant'.padEnd(28), 'min'.padStart(7), 'median'.padStart(7), 'p95'.padStart(7), '  median vs CLI');
  for (const [name, values] of Object.entries(times)) {
    const s = summary(values);
    console.log(name.padEnd(28), s.min.toFixed(0).padStart(7), s.median.toFixed(0).padStart(7), s.p95.toFixed(0).padStart(7), `  ${(s.median / cli.median).toFixed(2)}x`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
