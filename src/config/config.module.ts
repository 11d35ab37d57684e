import { Global, Module, type DynamicModule } from '@nestjs/common';
import { appConfigProvider, AppConfigService } from './app-config';
import type { AppConfig } from './config.schema';

@Global()
@Module({})
export class ConfigModule {
  static forRoot(values: AppConfig): DynamicModule {
    return { module: ConfigModule, providers: [appConfigProvider(values)], exports: [AppConfigService] };
  }
}
