import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AppConfigService } from '../config/app-config';

/** The worker has no HTTP requests: plain structured JSON with the process's bindings. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfigService],
      useFactory: (config: AppConfigService) => ({
        pinoHttp: { level: config.values.LOG_LEVEL, base: { process: 'worker', pid: process.pid } },
      }),
    }),
  ],
})
export class WorkerLoggingModule {}
