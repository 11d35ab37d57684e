import { Global, Module } from '@nestjs/common';
import { AppConfigService } from '../../config/app-config';
import { OutboundPolicy } from './outbound-url';

/**
 * Provides the one OutboundPolicy of a process (API and worker), built from OUTBOUND_ALLOWED_NETWORKS:
 * inject it wherever memgrade sends a request to a URL a user gave it (webhooks, LMS endpoints).
 */
@Global()
@Module({
  providers: [
    { provide: OutboundPolicy, inject: [AppConfigService], useFactory: (config: AppConfigService) => new OutboundPolicy({ allow: config.values.OUTBOUND_ALLOWED_NETWORKS }) },
  ],
  exports: [OutboundPolicy],
})
export class OutboundHttpModule {}
