import { configSchema, type AppConfig } from './config.schema';

/** A configuration problem, reported as one line that names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Empty strings count as unset, so `FOO= npm start` behaves like leaving FOO out. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => !!entry[1]));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = configSchema.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const variable = String(issue.path[0] ?? 'environment');
    const value = env[variable];
    const shown = value === undefined ? 'it is not set' : `got ${JSON.stringify(value.slice(0, 80))}`;
    throw new ConfigError(`invalid configuration: ${variable} ${issue.message.replace(/^Invalid input: /, '')} (${shown})`);
  }
  // Unset, the grading pool follows the worker's concurrency (one warm container per slot).
  const config: AppConfig = { ...parsed.data, SANDBOX_GRADING_POOL_SIZE: parsed.data.SANDBOX_GRADING_POOL_SIZE ?? Math.min(parsed.data.WORKER_CONCURRENCY, 32) };
  for (const [name, def, max] of [
    ['SANDBOX_DEFAULT_MEMORY_MIB', config.SANDBOX_DEFAULT_MEMORY_MIB, config.SANDBOX_MAX_MEMORY_MIB],
    ['SANDBOX_DEFAULT_TIME_SECONDS', config.SANDBOX_DEFAULT_TIME_SECONDS, config.SANDBOX_MAX_TIME_SECONDS],
    ['SANDBOX_DEFAULT_CPUS', config.SANDBOX_DEFAULT_CPUS, config.SANDBOX_MAX_CPUS],
    ['SANDBOX_DEFAULT_PIDS', config.SANDBOX_DEFAULT_PIDS, config.SANDBOX_MAX_PIDS],
    ['SANDBOX_DEFAULT_OUTPUT_BYTES', config.SANDBOX_DEFAULT_OUTPUT_BYTES, config.SANDBOX_MAX_OUTPUT_BYTES],
  ] as const) {
    if (def > max) {
      throw new ConfigError(`invalid configuration: ${name} (${def}) must not exceed ${name.replace('DEFAULT', 'MAX')} (${max})`);
    }
  }
  return config;
}

/**
 * Loads the configuration or ends the process with one line naming the bad variable.
 * Entry points call this before anything else starts.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`memgrade: ${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}
