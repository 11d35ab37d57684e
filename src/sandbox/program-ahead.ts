import type { ProgramToRun, StartedProgram } from './exec-session';

/** What a program started ahead was started as: it serves only a run of exactly this. */
export interface AheadProgram {
  argv: string[];
  user: string;
  env: string[];
}

/**
 * A program a pooled container started before its run, blocked on its stdin (the grading judge,
 * imports done, waiting for its run key). Nothing of a run reaches it before the run takes it.
 */
export class ProgramStartedAhead {
  constructor(
    readonly program: AheadProgram,
    readonly started: StartedProgram,
  ) {}

  /** Started as `program` (same argv, user and environment), which gets a stdin. */
  serves(program: Pick<ProgramToRun, 'argv' | 'user' | 'env' | 'stdin'>): boolean {
    return program.stdin !== undefined && sameProgram(this.program, program);
  }

  /**
   * Whether it is still there, waiting (the engine's word: its stream, unread while it waits, does
   * not tell). An exec that has an exit code has ended.
   */
  async waiting(): Promise<boolean> {
    try {
      const info = await this.started.exec.inspect();
      return info.Running || info.ExitCode === null || info.ExitCode === undefined;
    } catch {
      return false;
    }
  }

  /** Ends the waiting program (its stdin closes: it reads EOF) and lets go of its stream. */
  discard(): void {
    if (!this.started.stream.destroyed) this.started.stream.destroy();
  }
}

function sameProgram(a: AheadProgram, b: AheadProgram): boolean {
  const same = (x: string[], y: string[]) => x.length === y.length && x.every((value, i) => value === y[i]);
  return a.user === b.user && same(a.argv, b.argv) && same(a.env, b.env);
}
