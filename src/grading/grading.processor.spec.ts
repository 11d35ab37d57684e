import { Logger } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { AppConfigService } from '../config/app-config';
import { GradingJob, type GradeSubmissionPayload } from '../queue/queues';
import type { ExerciseValidationService } from './exercise-validation.service';
import { InfrastructureError } from '../results/grade-outcome';
import { GradingProcessor, OUTAGE_RETRY_DELAY_MS } from './grading.processor';
import type { GradingService } from './grading.service';
import type { InfrastructureBreaker } from './infrastructure-breaker';

describe('GradingProcessor under infrastructure faults', () => {
  beforeAll(() => Logger.overrideLogger(false));

  function setUp(outage: string | null, graceSeconds = 3600) {
    const calls: string[] = [];
    const grading = {
      // As GradingService.grade throws after it recorded the start.
      grade: jest.fn(async () => {
        throw Object.assign(new InfrastructureError('Docker engine does not answer: connect ECONNREFUSED'), { gradingStarted: true });
      }),
      awaitRetry: jest.fn(async (id: string, reason: string, refund = false) => void calls.push(`awaitRetry ${id} refund=${refund} ${reason}`)),
      fail: jest.fn(async (id: string, reason: string) => void calls.push(`fail ${id} ${reason}`)),
    } as unknown as GradingService;
    const breaker = { outage: jest.fn(async () => outage), subscribe: jest.fn() } as unknown as InfrastructureBreaker;
    const config = { values: { WORKER_CONCURRENCY: 1, GRADING_OUTAGE_GRACE_SECONDS: graceSeconds } } as AppConfigService;
    const processor = new GradingProcessor(grading, {} as ExerciseValidationService, config, breaker);
    return { processor, grading, calls };
  }

  function job(data: Partial<GradeSubmissionPayload & { outageSince: number }> = {}, attemptsMade = 0) {
    const moved: number[] = [];
    const updates: unknown[] = [];
    const value = {
      name: GradingJob.grade,
      data: { submissionId: 's-1', reason: 'submitted', ...data },
      attemptsMade,
      opts: { attempts: 4 },
      updateData: jest.fn(async (next: unknown) => void updates.push(next)),
      moveToDelayed: jest.fn(async (at: number) => void moved.push(at)),
    };
    return { job: value as unknown as Job<GradeSubmissionPayload>, moved, updates };
  }

  it('postpones a job without spending an attempt when the probe confirms an outage, and says so on the submission', async () => {
    const { processor, calls } = setUp('docker is down: connect ECONNREFUSED /var/run/docker.sock');
    const { job: j, moved, updates } = job();
    const before = Date.now();
    await expect(processor.process(j, 'token')).rejects.toBeInstanceOf(DelayedError);
    expect(moved[0]).toBeGreaterThanOrEqual(before + OUTAGE_RETRY_DELAY_MS);
    expect(updates).toEqual([expect.objectContaining({ submissionId: 's-1', outageSince: expect.any(Number), postponements: 1, uncountedStarts: 0 })]);
    expect(calls).toEqual([expect.stringMatching(/^awaitRetry s-1 refund=true waiting for the platform to recover \(docker is down: .*\)/)]);
  });

  it('gives a start back at the next start when the database could not take it back during the outage', async () => {
    const { processor, grading } = setUp('postgres is down: Connection terminated unexpectedly');
    (grading.awaitRetry as jest.Mock).mockRejectedValueOnce(new Error("Can't reach database server"));
    const first = job();
    await expect(processor.process(first.job, 'token')).rejects.toBeInstanceOf(DelayedError);
    expect(first.updates).toEqual([expect.objectContaining({ uncountedStarts: 1 })]);
    const second = job({ ...(first.updates[0] as object) });
    await expect(processor.process(second.job, 'token')).rejects.toBeInstanceOf(DelayedError);
    expect((grading.grade as jest.Mock).mock.calls.at(-1)).toEqual(['s-1', 1]);
    expect(second.updates).toEqual([expect.objectContaining({ uncountedStarts: 0, postponements: 2 })]);
  });

  it('does not give back a start that was never recorded (the database was down before it)', async () => {
    const { processor, grading, calls } = setUp('postgres is down: x');
    (grading.grade as jest.Mock).mockRejectedValueOnce(Object.assign(new Error("Can't reach database server at 127.0.0.1:5432"), { code: 'P1001' }));
    const { job: j, updates } = job();
    await expect(processor.process(j, 'token')).rejects.toBeInstanceOf(DelayedError);
    expect(calls).toEqual([expect.stringMatching(/^awaitRetry s-1 refund=false /)]);
    expect(updates).toEqual([expect.objectContaining({ uncountedStarts: 0 })]);
  });

  it('counts the failure as an attempt when every dependency answers (not an outage)', async () => {
    const { processor } = setUp(null);
    const { job: j, moved } = job();
    await expect(processor.process(j, 'token')).rejects.toThrow(InfrastructureError);
    expect(moved).toEqual([]);
  });

  it('counts the failure as an attempt once the outage outlasted the grace', async () => {
    const { processor } = setUp('postgres is down: x', 60);
    const { job: j, moved } = job({ outageSince: Date.now() - 61_000 });
    await expect(processor.process(j, 'token')).rejects.toThrow(InfrastructureError);
    expect(moved).toEqual([]);
  });

  it('never postpones what is not infrastructure', async () => {
    const { processor, grading } = setUp('docker is down: x');
    (grading.grade as jest.Mock).mockRejectedValueOnce(new UnrecoverableError('bad job'));
    const { job: j, moved } = job();
    await expect(processor.process(j, 'token')).rejects.toThrow('bad job');
    expect(moved).toEqual([]);
  });

  it('marks a submission waiting for its next attempt as queued with the reason, not running', async () => {
    const { processor, calls } = setUp(null);
    const { job: j } = job({}, 1);
    await processor.onFailed(j, new Error('the sandbox failed'));
    expect(calls).toEqual(['awaitRetry s-1 refund=false attempt 1 of 4 failed (the sandbox failed); waiting to retry']);
    const { job: last } = job({}, 4);
    await processor.onFailed(last, new Error('the sandbox failed'));
    expect(calls.at(-1)).toBe('fail s-1 grading failed after 4 attempts: the sandbox failed');
  });
});
