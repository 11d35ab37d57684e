import { checkRunUser, DEFAULT_RUN_USER, sandboxLabels, SUPERVISOR_USER, type SandboxOwner } from './container-spec';
import { SandboxRequestError } from './sandbox-errors';
import { clampLimits, type SandboxLimitBounds } from './sandbox-limits';
import type { SandboxLimits, SandboxRunRequest } from './sandbox.types';
import { buildTaskArchive } from './task-archive';

/** A run request checked and turned into what Docker is given. */
export interface NormalisedRequest {
  argv: string[];
  /** Runs as root with the supervisor's capabilities (and from the grading pool). */
  supervisor: boolean;
  user: string;
  /** "NAME=value" entries. */
  env: string[];
  limits: SandboxLimits;
  /** The files as a tar for /task. */
  archive: Buffer;
  extraLabels: Record<string, string>;
  stdin: string | Buffer | undefined;
  /** The program may have been started ahead in a pooled container (SandboxRunRequest.startsAhead). */
  startsAhead: boolean;
}

/**
 * Checks a request before anything is created and normalises it; throws SandboxRequestError for a
 * malformed one (bad file path, empty argv, root user, reserved label, unknown privileges).
 */
export async function normaliseRequest(request: SandboxRunRequest, bounds: SandboxLimitBounds, owner: SandboxOwner): Promise<NormalisedRequest> {
  if (!Array.isArray(request.argv) || request.argv.length === 0 || request.argv.some((arg) => typeof arg !== 'string')) {
    throw new SandboxRequestError('argv must be a non-empty list of strings');
  }
  const supervisor = request.privileges === 'supervisor';
  if (request.privileges !== undefined && request.privileges !== 'none' && !supervisor) {
    throw new SandboxRequestError(`privileges must be 'none' or 'supervisor'`);
  }
  if (supervisor && request.user !== undefined) throw new SandboxRequestError("a 'supervisor' run always runs as root; leave user unset");
  const user = supervisor ? SUPERVISOR_USER : checkRunUser(request.user ?? DEFAULT_RUN_USER);
  const env = Object.entries(request.env ?? {}).map(([key, value]) => {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new SandboxRequestError(`env name ${JSON.stringify(key)} is not valid`);
    return `${key}=${value}`;
  });
  const limits = clampLimits(request.limits, bounds);
  const archive = await buildTaskArchive(request.files, request.privateDirs);
  const extraLabels = request.labels ?? {};
  sandboxLabels(owner, 0, extraLabels); // validates the labels before anything is created
  if (request.startsAhead && request.stdin === undefined) throw new SandboxRequestError('startsAhead needs stdin: the program waits on it');
  return { argv: request.argv, supervisor, user, env, limits, archive, extraLabels, stdin: request.stdin, startsAhead: request.startsAhead === true };
}
