import type { AppConfig } from './config.schema';

/**
 * The validated configuration as an injectable token: `constructor(private readonly config: AppConfigService)`.
 * Built once at start-up from loadConfig(); nothing else reads process.env.
 */
export abstract class AppConfigService {
  abstract readonly values: AppConfig;
}

export function appConfigProvider(values: AppConfig) {
  return { provide: AppConfigService, useValue: { values } satisfies AppConfigService };
}
