import type Docker from 'dockerode';
import { TimeoutError, within } from '../common/time/within';
import { IN_CONTAINER_CGROUP_READ, parseInContainerCgroupRead, readHostCgroupMemory, type CgroupMemoryReading } from './cgroup-memory';
import { KEEPER_USER } from './container-spec';
import { OutputCapture } from './output-capture';
import { captureStream } from './stream-capture';

/** How long the in-container reader may take; past it, whatever it printed is used. */
const IN_CONTAINER_READ_MS = 2000;

/**
 * Reads what a container's memory cgroup says (peak, OOM kills) while the container still exists:
 * from the host's /sys/fs/cgroup when this process can see it, otherwise (remote engine) by exec'ing
 * a reader as the keeper user inside.
 */
export class MemoryProbe {
  /** `cgroupRoot`: where the host's cgroup filesystem is (a path that does not exist forces the in-container reading). */
  constructor(private readonly cgroupRoot: string | undefined) {}

  /** Null when unreadable. `allowExec: false` after a kill, when nothing more may run in the container. */
  async read(container: Docker.Container, { allowExec }: { allowExec: boolean }): Promise<CgroupMemoryReading | null> {
    const fromHost = await readHostCgroupMemory(container.id, this.cgroupRoot);
    if (fromHost || !allowExec) return fromHost;
    try {
      const reader = await container.exec({ Cmd: IN_CONTAINER_CGROUP_READ, User: KEEPER_USER, AttachStdout: true, AttachStderr: true });
      const stream = await reader.start({ hijack: true, stdin: false });
      const capture = new OutputCapture(64 * 1024);
      await within(captureStream(stream, capture), IN_CONTAINER_READ_MS, 'the in-container cgroup reader').catch((error: unknown) => {
        if (!(error instanceof TimeoutError)) throw error;
      });
      stream.destroy();
      return parseInContainerCgroupRead(capture.result().stdout);
    } catch {
      return null;
    }
  }

  /** Docker's own OOM flag, for when the cgroup's counter could not be read. */
  async stateOomKilled(container: Docker.Container): Promise<boolean> {
    try {
      return (await container.inspect()).State.OOMKilled === true;
    } catch {
      return false;
    }
  }
}
