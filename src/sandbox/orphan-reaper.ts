import { readFileSync, readlinkSync } from 'node:fs';
import type { LoggerService } from '@nestjs/common';
import type Docker from 'dockerode';
import { LABEL, type SandboxOwner } from './container-spec';

/** Seconds past its own lifetime label after which any sandbox container is an orphan. */
export const ORPHAN_GRACE_SECONDS = 60;
/** Lifetime assumed for a container without the label (made by an older version). */
const UNLABELLED_LIFETIME_SECONDS = 3600;

export interface ContainerSummary {
  Id: string;
  /** Unix seconds. */
  Created: number;
  Labels: Record<string, string>;
}

export interface OrphanContext {
  owner: SandboxOwner;
  nowSeconds: number;
  /** Containers of this service's runs in progress, or idle in its pool. */
  isInUse: (id: string) => boolean;
  isProcessAlive: (pid: number) => boolean;
}

/**
 * Whether nobody will remove this sandbox container. It is an orphan when it is
 * - this service's own, not in use and older than the grace (a removal that failed), or
 * - older than its lifetime plus a grace: its holder has ended, so no run can be going on in it
 *   (this is the only rule for containers of workers on other hosts, whose processes we cannot see), or
 * - made by a worker in this process space (same machine boot, same pid namespace) whose process is
 *   gone (killed, crashed). Elsewhere a pid cannot be checked, so only the age rule applies there.
 * A live worker's containers are never touched before their lifetime ends.
 */
export function isOrphan(container: ContainerSummary, context: OrphanContext): boolean {
  if (context.isInUse(container.Id)) return false;
  const labels = container.Labels ?? {};
  const age = context.nowSeconds - container.Created;
  // Own containers get the grace too: one may be created but not yet registered as in use.
  if (labels[LABEL.worker] === context.owner.workerId) return age > ORPHAN_GRACE_SECONDS;
  const lifetime = Number(labels[LABEL.lifetime]) || UNLABELLED_LIFETIME_SECONDS;
  if (age > lifetime + ORPHAN_GRACE_SECONDS) return true;
  if (labels[LABEL.host] === context.owner.hostname && labels[LABEL.processSpace] === context.owner.processSpace) {
    const pid = Number(labels[LABEL.pid]);
    return !Number.isSafeInteger(pid) || pid <= 0 || !context.isProcessAlive(pid);
  }
  return false;
}

/** "<boot id>/<pid namespace>" of this process, e.g. "49f8…7/pid:[4026531836]"; parts that cannot be read are empty. */
export function currentProcessSpace(): string {
  const read = (action: () => string) => {
    try {
      return action().trim();
    } catch {
      return '';
    }
  };
  return `${read(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8'))}/${read(() => readlinkSync('/proc/self/ns/pid'))}`;
}

/** Signal 0 probes a process without touching it: ESRCH means gone, EPERM means alive but not ours. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function reapOrphanContainers(
  docker: Docker,
  options: {
    owner: SandboxOwner;
    isInUse: (id: string) => boolean;
    remove: (container: Docker.Container) => Promise<void>;
    logger?: LoggerService;
  },
): Promise<number> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL.sandbox}=1`] } });
  const context: OrphanContext = { owner: options.owner, nowSeconds: Date.now() / 1000, isInUse: options.isInUse, isProcessAlive };
  const orphans = containers.filter((container) => isOrphan(container, context));
  await Promise.all(orphans.map((container) => options.remove(docker.getContainer(container.Id))));
  if (orphans.length > 0) options.logger?.log(`removed ${orphans.length} orphaned sandbox container(s)`);
  return orphans.length;
}
