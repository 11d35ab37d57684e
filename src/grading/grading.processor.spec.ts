import { Logger } from '@nestjs/common';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { AppConfigService } from '../config/app-config';
import { GradingJob, type GradeSubmissionPayload } from '../queue/queues';
import type { ExerciseValidationService } from './exercise-validation.service';
import { InfrastructureError } from './grade-outcome';
import { GradingProcessor, OUTAGE_RETRY_DELAY_MS } from './grading.processor';
import type { GradingService } from './grading.service';
import type { InfrastructureBreaker } from './infrastructure-breaker';

describe('GradingProcessor under infrastructure faults', () => {
  beforeAll(() => Logger.overrideLogger(false));

  function setUp(outage: string | null, graceSeconds = 3600) {
    const calls: string[] = [];
    const grading = {
      grade: jest.fn(async () => {
        throw new InfrastructureError('Docker engine does not answer: connect ECONNREFUSED');
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
    expect(updates).toEqual([expect.objectContaining({ submissionId: 's-1', outageSince: expect.any(Number), postponements: 1 })]);
    expect(calls).toEqual([expect.stringMatching(/^awaitRetry s-1 refund=true waiting for the platform to recover \(docker is down: .*\)/)]);
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
