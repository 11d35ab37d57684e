import { Injectable, type MessageEvent } from '@nestjs/common';
import { Observable } from 'rxjs';
import type { Principal } from '../auth/principal';
import { SubmissionEventsService } from '../events/submission-events.service';
import { SubmissionsService } from './submissions.service';

/** Re-reads the submission this often even without events, in case one was missed. */
const SAFETY_POLL_MS = 5_000;
const FINAL = new Set(['graded', 'error']);

/**
 * Live status of a submission as Server-Sent Events: a `status` event with the caller's view of
 * the submission whenever its status changes (pushed by Redis pub/sub, checked against the
 * database), ending after the final one.
 */
@Injectable()
export class SubmissionStreamService {
  constructor(
    private readonly submissions: SubmissionsService,
    private readonly events: SubmissionEventsService,
  ) {}

  async watch(principal: Principal, id: string): Promise<Observable<MessageEvent>> {
    // 404 before any event is sent; each status then re-reads it knowing what never changes (its version, course, student).
    const { submission: opened } = await this.submissions.findReadable(principal, id);
    return new Observable<MessageEvent>((subscriber) => {
      let lastStatus = '';
      let chain = Promise.resolve();
      // Reads are chained so events go out in order and never twice for one status.
      const refresh = () => {
        chain = chain.then(async () => {
          if (subscriber.closed) return;
          try {
            const view = await this.submissions.get(principal, id, opened);
            if (view.status !== lastStatus) {
              lastStatus = view.status;
              subscriber.next({ type: 'status', id: `${id}:${view.status}`, data: view });
            }
            if (FINAL.has(view.status)) subscriber.complete();
          } catch (error) {
            subscriber.error(error);
          }
        });
      };
      const stopListening = this.events.listen(id, refresh);
      const poll = setInterval(refresh, SAFETY_POLL_MS);
      refresh();
      return () => {
        stopListening();
        clearInterval(poll);
      };
    });
  }
}
