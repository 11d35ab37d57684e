// The sandbox's public surface; other modules import from here.
export { SandboxModule } from './sandbox.module';
export { SandboxService, SANDBOX_OPTIONS, type SandboxOptions, type SandboxPoolCounts } from './sandbox.service';
export { DOCKER_CLIENT, createDockerClient } from './docker-client';
export { SandboxInfrastructureError, SandboxRequestError } from './sandbox-errors';
export { isRetriableVerdict } from './sandbox-verdict';
export { resolveSandboxImage } from './sandbox-image';
export type { SandboxLimits, SandboxRunRequest, SandboxRunResult, SandboxVerdict } from './sandbox.types';
