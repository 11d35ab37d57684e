import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { loadConfig } from '../../src/config/config.loader';
import type { AppConfig } from '../../src/config/config.schema';
import { createDockerClient } from '../../src/sandbox/docker-client';
import { LABEL } from '../../src/sandbox/container-spec';
import { SandboxService, type SandboxOptions } from '../../src/sandbox/sandbox.service';

/**
 * The configuration the sandbox tests run with: the environment's, with placeholders for what they
 * never use, and no warm pool unless a test asks for one (the grading pool is on by default in a
 * worker; here each test counts the containers it makes).
 */
export function sandboxConfig(overrides: Record<string, string> = {}): AppConfig {
  return loadConfig({
    DATABASE_URL: 'postgresql://unused@127.0.0.1:5432/unused',
    REDIS_URL: 'redis://127.0.0.1:6379',
    SANDBOX_GRADING_POOL_SIZE: '0',
    ...process.env,
    ...overrides,
  });
}

export function makeSandboxService(options: SandboxOptions = {}, overrides: Record<string, string> = {}): SandboxService {
  const config = sandboxConfig(overrides);
  return new SandboxService(createDockerClient(config.DOCKER_HOST), { values: config }, options);
}

export function dockerClient(): Docker {
  return createDockerClient(sandboxConfig().DOCKER_HOST);
}

/** Sandbox containers present now (any state), optionally only those of one service. */
export async function sandboxContainers(service?: SandboxService): Promise<Docker.ContainerInfo[]> {
  const label = service ? `${LABEL.worker}=${service.owner.workerId}` : `${LABEL.sandbox}=1`;
  return dockerClient().listContainers({ all: true, filters: { label: [label] } });
}

/** A Python program from test/fixtures (e.g. 'hostile/fork_bomb.py'). */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');
}

/** Maps with at most `limit` calls in progress at once, results in input order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  });
  await Promise.all(lanes);
  return results;
}
