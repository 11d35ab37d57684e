import { availableParallelism, totalmem } from 'node:os';

/** Memory one grading slot is planned with: the catalog's grading containers ask for 448–768 MiB. */
export const MEMORY_PER_SLOT_MIB = 768;
/** Left to the OS, the worker, Docker and the page cache. */
export const RESERVED_MEMORY_MIB = 1024;
export const MAX_CONCURRENCY = 64;

export interface HostSize {
  cores: number;
  memoryMiB: number;
}

/**
 * WORKER_CONCURRENCY=auto: one submission per core (grading is CPU-bound: each test child runs
 * Python flat out), fewer when memory cannot hold that many grading containers at their limits.
 */
export function autoWorkerConcurrency({ cores, memoryMiB }: HostSize): number {
  const byMemory = Math.floor((memoryMiB - RESERVED_MEMORY_MIB) / MEMORY_PER_SLOT_MIB);
  return Math.max(1, Math.min(Math.floor(cores), byMemory, MAX_CONCURRENCY));
}

/** This host's cores (as the process may use them) and memory. */
export function thisHost(): HostSize {
  return { cores: availableParallelism(), memoryMiB: Math.floor(totalmem() / (1024 * 1024)) };
}
