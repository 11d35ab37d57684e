/** What waiting for a connection needs of an ioredis client (a Redis or a Cluster). */
export interface ReadyEmitter {
  readonly status: string;
  once(event: 'ready', listener: () => void): unknown;
  off(event: 'ready', listener: () => void): unknown;
}

/** Resolves once `client` is ready (at once when it is); rejects, naming its status, when `ms` pass first. */
export function readyWithin(client: ReadyEmitter, ms: number): Promise<void> {
  if (client.status === 'ready') return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('ready', onReady);
      reject(new Error(`redis not connected (${client.status})`));
    }, ms);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    client.once('ready', onReady);
  });
}
