import Docker from 'dockerode';

/** Injection token of the dockerode client: `@Inject(DOCKER_CLIENT) docker: Docker`. */
export const DOCKER_CLIENT = Symbol('DOCKER_CLIENT');

/**
 * A dockerode client for DOCKER_HOST (unix:///path or tcp://host:port), or the local socket when
 * it is not set. The value is passed explicitly so nothing but the configuration reads the environment.
 */
export function createDockerClient(dockerHost?: string): Docker {
  if (!dockerHost) return new Docker({ socketPath: '/var/run/docker.sock' });
  if (dockerHost.startsWith('unix://')) return new Docker({ socketPath: dockerHost.slice('unix://'.length) });
  const url = new URL(dockerHost.replace(/^tcp:/, 'http:'));
  return new Docker({ protocol: 'http', host: url.hostname, port: Number(url.port || 2375) });
}
