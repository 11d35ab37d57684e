import type { ContainerCreateOptions } from 'dockerode';
import { SandboxRequestError } from './sandbox-errors';
import type { SandboxLimits } from './sandbox.types';

/** Where the run's files are delivered (an anonymous volume, root-owned and read-only to the program). */
export const TASK_DIR = '/task';
/** Owner of PID 1 (docker-init) and of the idle holder: a user the program runs apart from, so it cannot signal them. */
export const KEEPER_USER = '10000:10000';
/** Who runs the program unless the request says otherwise (the image's "runner"). */
export const DEFAULT_RUN_USER = '10001:10001';
/** Size of the /tmp tmpfs, the only writable place; its pages also count against the memory limit. */
export const SCRATCH_MIB = 64;
/** The only capabilities a 'supervisor' run gets (the harness switches to the student uid and kills its processes). */
export const SUPERVISOR_CAPABILITIES = ['SETUID', 'SETGID', 'KILL'];
/** Who runs a 'supervisor' program: root, but with only SUPERVISOR_CAPABILITIES. */
export const SUPERVISOR_USER = '0:0';

/** Open files per process. */
export const NOFILE_LIMIT = 256;

/** Labels every sandbox container carries; the reaper lists by the first and judges by the others. */
export const LABEL = {
  sandbox: 'memgrade.sandbox',
  worker: 'memgrade.sandbox.worker',
  host: 'memgrade.sandbox.host',
  /** The process space the pid belongs to (boot id and pid namespace): only there can the pid be checked. */
  processSpace: 'memgrade.sandbox.process-space',
  pid: 'memgrade.sandbox.pid',
  /** Seconds the idle holder sleeps: past this (plus a grace) the container is an orphan whoever owns it. */
  lifetime: 'memgrade.sandbox.lifetime',
  pooled: 'memgrade.sandbox.pooled',
} as const;

export interface SandboxOwner {
  workerId: string;
  hostname: string;
  /**
   * Boot id and pid namespace of the worker process. Processes on one machine may live in different
   * pid namespaces (containers, sandboxes) with the same hostname: a pid means nothing outside its own.
   */
  processSpace: string;
  pid: number;
}

/** "uid[:gid]" or "name[:group]" of the image, never root. */
export function checkRunUser(user: string): string {
  const part = /^(?:[a-z_][a-z0-9_-]{0,31}|\d{1,10})$/;
  const [uid, gid, ...rest] = user.split(':');
  const bad =
    rest.length > 0 ||
    !part.test(uid) ||
    (gid !== undefined && !part.test(gid)) ||
    [uid, gid].some((value) => value === 'root' || (value !== undefined && /^\d+$/.test(value) && Number(value) === 0));
  if (bad) throw new SandboxRequestError(`user ${JSON.stringify(user)} must be a non-root "uid:gid" or user name of the image`);
  return user;
}

export function sandboxLabels(owner: SandboxOwner, lifetimeSeconds: number, extra: Record<string, string> = {}, pooled = false) {
  for (const key of Object.keys(extra)) {
    if (key === LABEL.sandbox || key.startsWith(`${LABEL.sandbox}.`)) {
      throw new SandboxRequestError(`label ${JSON.stringify(key)} is reserved for the sandbox`);
    }
  }
  return {
    ...extra,
    [LABEL.sandbox]: '1',
    [LABEL.worker]: owner.workerId,
    [LABEL.host]: owner.hostname,
    [LABEL.processSpace]: owner.processSpace,
    [LABEL.pid]: String(owner.pid),
    [LABEL.lifetime]: String(Math.ceil(lifetimeSeconds)),
    ...(pooled ? { [LABEL.pooled]: '1' } : {}),
  };
}

/**
 * The container a run happens in. It does not run the program itself: its command is an idle
 * holder (`sleep <lifetime>` as the keeper user under docker-init), and the program is started with
 * `docker exec`. That keeps the container — and so its memory cgroup with the peak and the OOM
 * counter — alive until we have read them, and makes the container self-destruct (the holder
 * ends, init exits, the kernel kills everything) if the worker dies and nobody reaps it.
 */
export function buildContainerSpec(params: {
  image: string;
  limits: SandboxLimits;
  lifetimeSeconds: number;
  labels: Record<string, string>;
  /** Adds SUPERVISOR_CAPABILITIES to the container's (otherwise empty) capability set. */
  supervisor?: boolean;
}): ContainerCreateOptions {
  const memoryBytes = params.limits.memoryMiB * 1024 * 1024;
  const scratchBytes = SCRATCH_MIB * 1024 * 1024;
  return {
    Image: params.image,
    Cmd: ['sleep', String(Math.ceil(params.lifetimeSeconds))],
    // Docker gives an exec the capabilities of the container's own process, and a container whose
    // user is not root has none in effect: a supervisor container's holder must be root for its
    // exec (as root) to hold the added capabilities. Its holder is still only `sleep`.
    User: params.supervisor ? SUPERVISOR_USER : KEEPER_USER,
    WorkingDir: TASK_DIR,
    // Only the image's own environment; a run's env is given to its exec, the worker's never.
    Env: [],
    Hostname: 'sandbox',
    Labels: params.labels,
    NetworkDisabled: true,
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    Tty: false,
    OpenStdin: false,
    // An anonymous volume: the only place putArchive may write in a container with a read-only root.
    Volumes: { [TASK_DIR]: {} },
    HostConfig: {
      Init: true,
      NetworkMode: 'none',
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': `rw,noexec,nosuid,nodev,size=${scratchBytes},mode=1777` },
      IpcMode: 'private',
      ShmSize: 16 * 1024 * 1024,
      CapDrop: ['ALL'],
      ...(params.supervisor ? { CapAdd: SUPERVISOR_CAPABILITIES } : {}),
      SecurityOpt: ['no-new-privileges'],
      PidsLimit: params.limits.pids,
      Memory: memoryBytes,
      MemorySwap: memoryBytes,
      NanoCpus: Math.round(params.limits.cpus * 1e9),
      Ulimits: [
        { Name: 'nofile', Soft: NOFILE_LIMIT, Hard: NOFILE_LIMIT },
        { Name: 'fsize', Soft: scratchBytes, Hard: scratchBytes },
        { Name: 'core', Soft: 0, Hard: 0 },
        // No nproc: RLIMIT_NPROC counts every process of the uid on the host, so concurrent sandboxes
        // would share it; the pids cgroup limit (PidsLimit) is the per-container bound.
      ],
      // The program's output goes through the exec stream, never to a log file on the host.
      LogConfig: { Type: 'none', Config: {} },
      AutoRemove: false,
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    },
  };
}
