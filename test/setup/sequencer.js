// Orders the e2e spec files longest first (test/setup/spec-seconds.json, seconds each file took in
// a whole run) so that parallel workers finish together instead of one long file starting last.
// Jest's own order needs a cache of earlier runs, which a fresh clone (CI) does not have.
const { relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const seconds = require('./spec-seconds.json');

const UNKNOWN_SECONDS = 10;

class LongestFirst extends Sequencer {
  sort(tests) {
    const of = (test) => seconds[relative(test.context.config.rootDir, test.path)] ?? UNKNOWN_SECONDS;
    return [...tests].sort((a, b) => of(b) - of(a) || a.path.localeCompare(b.path));
  }
}

module.exports = LongestFirst;
