import { Injectable } from '@nestjs/common';
import { SandboxService, type SandboxPoolCounts } from '../sandbox';

/**
 * What the worker's warm container pools did (hits, misses, ready now), for the metrics module,
 * which may not reach the sandbox itself (only the worker side talks to Docker).
 */
@Injectable()
export class SandboxPoolStats {
  constructor(private readonly sandbox: SandboxService) {}

  counts(): Record<'run' | 'grading', SandboxPoolCounts | null> {
    return this.sandbox.poolCounts();
  }
}
