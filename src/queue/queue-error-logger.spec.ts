import type { Logger } from '@nestjs/common';
import { throttledWarning } from './queue-error-logger';

describe('throttledWarning', () => {
  afterEach(() => jest.useRealTimers());

  it('logs the first warning, drops repeats for 30 s, then logs again', () => {
    jest.useFakeTimers({ now: new Date('2026-12-02T12:00:00Z') });
    const warned: string[] = [];
    const warn = throttledWarning({ warn: (message: string) => warned.push(message) } as unknown as Logger);
    warn('connect ECONNREFUSED 1');
    jest.advanceTimersByTime(29_999);
    warn('connect ECONNREFUSED 2');
    jest.advanceTimersByTime(1);
    warn('connect ECONNREFUSED 3');
    expect(warned).toEqual(['connect ECONNREFUSED 1', 'connect ECONNREFUSED 3']);
  });
});
