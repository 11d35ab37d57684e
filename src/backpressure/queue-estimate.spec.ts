import { estimateWaitSeconds } from './queue-estimate';

describe('estimateWaitSeconds', () => {
  it('is 0 when a slot is free for it', () => {
    expect(estimateWaitSeconds({ ahead: 0, slots: 2, active: 1, meanGradingMs: 1500 })).toBe(0);
    expect(estimateWaitSeconds({ ahead: 1, slots: 4, active: 0, meanGradingMs: 1500 })).toBe(0);
  });

  it('waits one mean grading time per slot for each job that must finish first', () => {
    expect(estimateWaitSeconds({ ahead: 0, slots: 1, active: 1, meanGradingMs: 2000 })).toBe(2);
    expect(estimateWaitSeconds({ ahead: 3, slots: 1, active: 1, meanGradingMs: 2000 })).toBe(8);
    expect(estimateWaitSeconds({ ahead: 9, slots: 2, active: 2, meanGradingMs: 1500 })).toBe(7.5);
  });

  it('counts free slots against the jobs ahead', () => {
    expect(estimateWaitSeconds({ ahead: 5, slots: 4, active: 2, meanGradingMs: 1000 })).toBe(1);
  });

  it('has no estimate without a worker', () => {
    expect(estimateWaitSeconds({ ahead: 0, slots: 0, active: 0, meanGradingMs: 1000 })).toBeNull();
  });
});
