import { Logger } from '@nestjs/common';
import { type DomainEvent, DomainEventType, type EventSubscriber, type NewDomainEvent } from './domain-events';
import { OutboxRelay } from './outbox-relay';
import type { ClaimedRow, OutboxRepository } from './outbox.repository';
import { OutboxService } from './outbox.service';

const EVENT_ID = '00000000-0000-4000-8000-0000000000e1';
const recorded: NewDomainEvent = { type: DomainEventType.submissionGraded, submissionId: '00000000-0000-4000-8000-0000000000a1', payload: { run: 1, score: 3 } };
const row: ClaimedRow = { id: EVENT_ID, type: recorded.type, submission_id: recorded.submissionId, payload: recorded.payload, handled: null, attempts: 1, created_at: new Date() };

/** A subscriber that notes each call (with what the relay had done by then) and fails as often as told. */
class NotingSubscriber implements EventSubscriber {
  readonly calls: { event: DomainEvent; claimedYet: boolean }[] = [];
  failuresLeft = 0;

  constructor(
    readonly name: string,
    readonly early: boolean,
    private readonly claimed: () => boolean,
  ) {}

  async handle(event: DomainEvent): Promise<void> {
    this.calls.push({ event, claimedYet: this.claimed() });
    if (this.failuresLeft-- > 0) throw new Error('down');
  }
}

/** The relay over a repository whose claim answers only when the test says so. */
function setUp(claimAnswer: ClaimedRow[]) {
  let claimed = false;
  let answerClaim!: () => void;
  const writes: string[] = [];
  const repository = {
    claimOne: jest.fn(
      () =>
        new Promise<ClaimedRow[]>((resolve) => {
          answerClaim = () => {
            claimed = true;
            resolve(claimAnswer);
          };
        }),
    ),
    markHandledBy: jest.fn(async (id: string, name: string) => void writes.push(`handled ${name}`)),
    markDispatched: jest.fn(async () => void writes.push('dispatched')),
    retryLater: jest.fn(async (_id: string, _backoff: number, error: string) => void writes.push(`retry ${error}`)),
  } as unknown as OutboxRepository;
  const outbox = new OutboxService();
  const early = new NotingSubscriber('early-one', true, () => claimed);
  const late = new NotingSubscriber('late-one', false, () => claimed);
  outbox.subscribe(early);
  outbox.subscribe(late);
  const relay = new OutboxRelay(repository, outbox);
  return { relay, early, late, writes, answerClaim: () => answerClaim() };
}

describe('OutboxRelay.dispatch with the event as recorded', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('calls an early subscriber before the claim answers, the others after it, and each once', async () => {
    const { relay, early, late, writes, answerClaim } = setUp([row]);
    const dispatching = relay.dispatch(EVENT_ID, recorded);
    await new Promise((r) => setImmediate(r));
    expect(early.calls).toEqual([{ event: expect.objectContaining({ id: EVENT_ID, ...recorded }), claimedYet: false }]);
    expect(late.calls).toEqual([]);
    answerClaim();
    await dispatching;
    expect(early.calls).toHaveLength(1);
    expect(late.calls).toEqual([{ event: expect.objectContaining({ id: EVENT_ID, ...recorded }), claimedYet: true }]);
    expect(writes).toEqual(expect.arrayContaining(['handled early-one', 'handled late-one']));
    expect(writes.at(-1)).toBe('dispatched');
  });

  it('calls an early subscriber that failed again once the event is claimed', async () => {
    const { relay, early, writes, answerClaim } = setUp([row]);
    early.failuresLeft = 1;
    const dispatching = relay.dispatch(EVENT_ID, recorded);
    await new Promise((r) => setImmediate(r));
    answerClaim();
    await dispatching;
    expect(early.calls.map((call) => call.claimedYet)).toEqual([false, true]);
    expect(writes).toContain('handled early-one');
    expect(writes.at(-1)).toBe('dispatched');
  });

  it('leaves an event another relay claimed to that relay, after the early call', async () => {
    const { relay, early, late, writes, answerClaim } = setUp([]);
    const dispatching = relay.dispatch(EVENT_ID, recorded);
    answerClaim();
    await dispatching;
    expect(early.calls).toHaveLength(1);
    expect(late.calls).toEqual([]);
    expect(writes).toEqual([]);
  });

  it('calls nobody before the claim without the recorded event (the poll, another process)', async () => {
    const { relay, early, late, answerClaim } = setUp([row]);
    const dispatching = relay.dispatch(EVENT_ID);
    await new Promise((r) => setImmediate(r));
    expect(early.calls).toEqual([]);
    answerClaim();
    await dispatching;
    expect(early.calls.map((call) => call.claimedYet)).toEqual([true]);
    expect(late.calls.map((call) => call.claimedYet)).toEqual([true]);
  });
});
