import type { INestApplicationContext } from '@nestjs/common';
import { closeOnSignals } from './shutdown';

/** closeOnSignals' exits, seen through a process.exit that records instead of exiting. */
describe('closeOnSignals', () => {
  let exits: number[];
  beforeEach(() => {
    exits = [];
    jest.spyOn(process, 'exit').mockImplementation(((code: number) => void exits.push(code)) as never);
  });
  afterEach(() => {
    jest.restoreAllMocks();
    process.removeAllListeners('SIGTERM');
    process.removeAllListeners('SIGINT');
  });

  const appClosingIn = (ms: number | 'never') => ({ close: () => new Promise<void>((resolve) => ms !== 'never' && setTimeout(resolve, ms)) }) as unknown as INestApplicationContext;
  const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('exits 0 once the application closed', async () => {
    closeOnSignals(appClosingIn(10), 1_000, () => undefined);
    process.emit('SIGTERM', 'SIGTERM');
    await settle(50);
    expect(exits).toEqual([0]);
  });

  it('exits 1 naming the bound when the close is not over within it', async () => {
    const errors: string[] = [];
    closeOnSignals(appClosingIn('never'), 50, (error) => errors.push(error.message));
    process.emit('SIGTERM', 'SIGTERM');
    await settle(20);
    expect(exits).toEqual([]);
    await settle(80);
    expect({ exits, errors }).toEqual({ exits: [1], errors: ['closing (SHUTDOWN_TIMEOUT_SECONDS) gave no answer within 50 ms'] });
  });

  it('exits at once on a second signal', async () => {
    closeOnSignals(appClosingIn(20), 1_000, () => undefined);
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    expect(exits).toEqual([130]);
    await settle(50); // (a real exit would have ended the process; the recorded one lets the close finish)
  });
});
