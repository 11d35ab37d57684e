import { Module, type DynamicModule } from '@nestjs/common';
import { AppConfigService } from '../config/app-config';
import { createDockerClient, DOCKER_CLIENT } from './docker-client';
import { SANDBOX_OPTIONS, SandboxService, type SandboxOptions } from './sandbox.service';

const dockerClientProvider = {
  provide: DOCKER_CLIENT,
  useFactory: (config: AppConfigService) => createDockerClient(config.values.DOCKER_HOST),
  inject: [AppConfigService],
};

/**
 * The sandbox: `SandboxService` (runs, ping, reapOrphans) and the dockerode client (DOCKER_CLIENT).
 * Needs the global ConfigModule. Import `SandboxModule`, or `SandboxModule.withOptions({...})` to
 * override the image, pool size or cgroup root (tests, benchmarks).
 */
@Module({
  providers: [dockerClientProvider, SandboxService],
  exports: [SandboxService, DOCKER_CLIENT],
})
export class SandboxModule {
  static withOptions(options: SandboxOptions): DynamicModule {
    return {
      module: SandboxModule,
      providers: [dockerClientProvider, { provide: SANDBOX_OPTIONS, useValue: options }, SandboxService],
      exports: [SandboxService, DOCKER_CLIENT],
    };
  }
}
