import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { declaredTests } from './declared-tests';

const fixture = (name: string) => readFileSync(resolve(__dirname, '../../../test/fixtures/exercise-format', name), 'utf8');

describe('declaredTests', () => {
  it('reads every @test name of a module, in order, whatever the quoting, without running it', () => {
    expect(declaredTests(fixture('declared/test_many.py'))).toEqual({
      names: ['plain "double"', "single 'quoted'", 'keyword name', 'qualified decorator', 'triple quoted', 'escaped\ttab é', 'raw \\n stays'],
      dynamic: false,
    });
  });

  it('marks a module whose names it cannot read statically as dynamic (its names are not checked)', () => {
    expect(declaredTests(fixture('declared/test_dynamic.py'))).toEqual({ names: ['a literal one'], dynamic: true });
  });

  it('ignores commented-out declarations and other decorators', () => {
    expect(declaredTests('# @test("gone")\n@other("x")\ndef _():\n    pass\n')).toEqual({ names: [], dynamic: false });
  });
});
