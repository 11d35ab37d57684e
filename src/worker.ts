import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { closeOnSignals } from './common/shutdown';
import { loadConfigOrExit } from './config/config.loader';
import { SandboxService } from './sandbox';
import { WorkerModule } from './worker.module';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  closeOnSignals(app, config.SHUTDOWN_TIMEOUT_SECONDS * 1000, (error) => process.stderr.write(`memgrade: worker did not stop cleanly: ${error.message}\n`));
  // Containers left by a worker that died (SIGKILL, power loss) are removed before taking new work.
  await app.get(SandboxService).reapOrphans();
  // Warm containers for the first gradings (no-op without pools); refilled after each run.
  void app.get(SandboxService).warmUp();
  process.stdout.write(`memgrade worker started (concurrency ${config.WORKER_CONCURRENCY})\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`memgrade: worker failed to start: ${error.message}\n`);
  process.exit(1);
});
