import { OutboundPolicy } from '../common/http/outbound-url';
import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { AppConfigService } from '../config/app-config';
import { pickCounting } from '../deadlines/deadline-policy';
import { loadPolicy } from '../deadlines/deadline-store';
import { MediaType, Scope } from './lti-claims';
import { LtiPlatformError } from './lti-errors';
import { platformRequest } from './lti-http';
import { type Db, LtiLinkRepository } from './lti-link.repository';
import { LTI_QUEUE, LtiJob, type PostScorePayload, scoreJobId, scoreJobOptions } from './lti-queue';
import { LtiTokenService } from './lti-token.service';

/** How far back synced_at is set, so a grade committed while a sync ran is looked at again by the sweeper. */
const SYNC_MARGIN_MS = 30_000;

export type ScorePostResult = 'posted' | 'unchanged' | 'nothing-graded' | 'no-line-item';

/** The AGS Score (AGS 2.0 §3.4) memgrade posts. */
export interface AgsScore {
  userId: string;
  scoreGiven: number;
  scoreMaximum: number;
  activityProgress: 'Completed';
  gradingProgress: 'FullyGraded';
  timestamp: string;
  comment: string;
}

/**
 * Grade passback (AGS 2.0). Every graded submission of a launched person queues a job for each of
 * their resource links on its exercise; the job posts the grade that counts *when it runs* (best or
 * latest, the course's gradebook rule), under a per-link-and-person lock, with a timestamp later than
 * the previous post. So a retried or late job can never post an older grade over a newer one, and a
 * grading run already posted is not posted again.
 */
@Injectable()
export class LtiScoresService {
  private readonly logger = new Logger(LtiScoresService.name);

  constructor(
    private readonly outbound: OutboundPolicy,
    private readonly links: LtiLinkRepository,
    private readonly tokens: LtiTokenService,
    private readonly config: AppConfigService,
    @InjectQueue(LTI_QUEUE) private readonly queue: Queue,
  ) {}

  /** Queues a score post for every resource link where the submission's author launched its exercise. */
  async submissionGraded(submissionId: string): Promise<number> {
    const submission = await this.links.submissionToPost(submissionId);
    if (!submission || submission.status !== 'graded') return 0;
    const linkUserIds = await this.links.linkPersonIdsOf(submission.userId, submission.exerciseVersion.exerciseId);
    const marker = submission.results[0]?.id ?? submissionId;
    for (const id of linkUserIds) await this.enqueue(id, marker);
    return linkUserIds.length;
  }

  async enqueue(linkUserId: string, marker: string): Promise<void> {
    const jobId = scoreJobId(linkUserId, marker);
    const existing = await this.queue.getJob(jobId);
    if (existing && (await existing.isFailed())) {
      await existing.retry('failed');
      return;
    }
    if (existing && (await existing.isCompleted())) return;
    const { LTI_SCORE_RETRY_DELAY_MS, LTI_SCORE_ATTEMPTS } = this.config.values;
    await this.queue.add(LtiJob.postScore, { linkUserId } satisfies PostScorePayload, { ...scoreJobOptions(LTI_SCORE_RETRY_DELAY_MS, LTI_SCORE_ATTEMPTS), jobId });
  }

  /**
   * Link-people with a grading run, or a change of the deadline settings that apply to them (the
   * course default, the exercise's own, their extension), newer than their last sync (an event that
   * was missed, a job whose retries ran out, a due date moved or an extension given): queued again.
   * Returns how many.
   */
  async sweep(): Promise<number> {
    const rows = await this.links.linkPeopleBehind();
    for (const row of rows) await this.enqueue(row.id, `sweep-${row.latest.getTime()}`);
    return rows.length;
  }

  /** Posts the grade that counts for one link-person, unless it was already posted. Throws to be retried. */
  async post(linkUserId: string): Promise<ScorePostResult> {
    return this.links.withScoreLock(linkUserId, async (tx) => {
      const checkedAt = new Date(Date.now() - SYNC_MARGIN_MS);
      const linkUser = await this.links.linkPersonToPost(tx, linkUserId);
      if (!linkUser) return 'nothing-graded';
      const { resourceLink, ltiUser } = linkUser;
      const counted = await this.countedRun(tx, ltiUser.userId, resourceLink.exerciseId, resourceLink.exercise.course.gradebookPolicy);
      if (!counted) {
        await this.links.recordChecked(tx, linkUserId, checkedAt);
        return 'nothing-graded';
      }
      const run = `${counted.submissionId}:${counted.run}`;
      // The same run with another score: the late policy or an extension changed what it is worth.
      if (linkUser.postedRun === run && linkUser.postedScore === counted.score) {
        await this.links.recordChecked(tx, linkUserId, checkedAt);
        return 'unchanged';
      }
      const platform = resourceLink.platform;
      let lineItemUrl = resourceLink.lineItemUrl;
      if (!lineItemUrl && resourceLink.context?.lineItemsUrl) {
        lineItemUrl = await this.createLineItem(platform, resourceLink.context.lineItemsUrl, {
          scoreMaximum: counted.maxScore,
          label: resourceLink.title || resourceLink.exercise.title,
          resourceLinkId: resourceLink.resourceLinkId,
          resourceId: resourceLink.exercise.slug,
          tag: 'memgrade',
        });
        await this.links.recordLineItem(tx, resourceLink.id, lineItemUrl);
      }
      if (!lineItemUrl) {
        await this.links.recordChecked(tx, linkUserId, checkedAt, 'the platform gave no AGS line item for this link');
        return 'no-line-item';
      }
      const previous = linkUser.postedAt?.getTime() ?? 0;
      const timestamp = new Date(Math.max(Date.now(), previous + 1));
      const score: AgsScore = {
        userId: ltiUser.sub,
        scoreGiven: counted.score,
        scoreMaximum: counted.maxScore,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
        timestamp: timestamp.toISOString(),
        comment: counted.comment,
      };
      try {
        const token = await this.tokens.token(platform, [Scope.score]);
        await platformRequest(this.outbound, 'score', scoresUrl(lineItemUrl), {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': MediaType.score, Accept: 'application/json' },
          body: JSON.stringify(score),
          ignoreBody: true,
        });
      } catch (error) {
        if (/answered 401/.test((error as Error).message)) this.tokens.forget(platform.id);
        await this.links.recordPostError(linkUserId, (error as Error).message.slice(0, 1000));
        throw error;
      }
      await this.links.recordPosted(tx, linkUserId, { run, score: counted.score, at: timestamp, syncedAt: checkedAt });
      return 'posted';
    });
  }

  private async createLineItem(platform: Parameters<LtiTokenService['token']>[0], lineItemsUrl: string, item: Record<string, unknown>): Promise<string> {
    const token = await this.tokens.token(platform, [Scope.lineItem]);
    const { body } = await platformRequest<{ id?: unknown }>(this.outbound, 'line item', lineItemsUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': MediaType.lineItem, Accept: MediaType.lineItem },
      body: JSON.stringify(item),
    });
    if (typeof body.id !== 'string') throw new LtiPlatformError(`line item: ${lineItemsUrl} answered without an id`);
    return body.id;
  }

  /**
   * The graded submission that counts under the gradebook rule and the student's deadline policy
   * (deadlines/: a late penalty taken off, late work under a closed policy not counting), its latest
   * grading run and a per-test comment. A submission being regraded counts with its stored run, so
   * the LMS never sees a regrade as a zero.
   */
  private async countedRun(tx: Db, userId: string, exerciseId: string, rule: string) {
    const graded = await this.links.standingAttempts(tx, userId, exerciseId);
    const policy = await loadPolicy(tx, exerciseId, userId);
    const pick = pickCounting(
      graded.map((row) => ({ ...row, score: row.score as number })),
      rule === 'latest' ? 'latest' : 'best',
      policy,
    );
    if (!pick) return null;
    const submission = await this.links.withLatestRun(tx, pick.attempt.id);
    const result = submission.results[0];
    if (!result) return null;
    const late = pick.lateness.late ? { daysLate: pick.lateness.daysLate, penaltyPercent: pick.lateness.penaltyPercent } : null;
    return { submissionId: submission.id, run: result.run, score: pick.score, maxScore: submission.maxScore, comment: commentOf(result, late) };
  }
}

/** "<line item URL>/scores", keeping the line item URL's query (AGS 2.0 §3.4.1). */
export function scoresUrl(lineItemUrl: string): string {
  const url = new URL(lineItemUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/scores`;
  return url.toString();
}

/** The per-test summary students read in the LMS gradebook; hidden tests show only pass/fail. */
export function commentOf(
  result: { score: number; maxScore: number; verdict: string; tests: { name: string; score: number; maxScore: number; passed: boolean; hidden: boolean }[] },
  late: { daysLate: number; penaltyPercent: number } | null = null,
): string {
  const lines = result.tests.map((test, index) =>
    test.hidden
      ? `${test.passed ? '✓' : '✗'} hidden test ${index + 1}: ${test.passed ? 'passed' : 'failed'}`
      : `${test.passed ? '✓' : '✗'} ${test.name}: ${fmt(test.score)}/${fmt(test.maxScore)}`,
  );
  const head = `memgrade: ${fmt(result.score)}/${fmt(result.maxScore)}${result.verdict === 'ok' ? '' : ` (${result.verdict.replace('_', ' ')})`}`;
  const lateLine =
    late &&
    `late by ${late.daysLate} day${late.daysLate === 1 ? '' : 's'}${late.penaltyPercent ? `: ${fmt(late.penaltyPercent)}% off, ${fmt(result.score * (1 - late.penaltyPercent / 100))} counts` : ''}`;
  const text = [head, ...(lateLine ? [lateLine] : []), ...lines].join('\n');
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
