import { parseArgs } from './cli-args';

describe('parseArgs', () => {
  it('splits command, positionals and flags', () => {
    expect(parseArgs(['submit', 'a.py', '--exercise', 'c/e', '--wait', '--format=csv'])).toEqual({
      command: 'submit',
      positionals: ['a.py'],
      flags: { exercise: 'c/e', wait: true, format: 'csv' },
    });
  });

  it('handles no arguments', () => {
    expect(parseArgs([])).toEqual({ command: undefined, positionals: [], flags: {} });
  });
});
