// A stand-in worker for the "killed mid-run" test: starts one long sandbox run and waits to be
// SIGKILLed. Plain JavaScript that compiles the TypeScript sources it needs with swc on the fly
// (the project has no ts-node), the same way Jest does.
const { readFileSync } = require('node:fs');
const { transformSync } = require('@swc/core');

require.extensions['.ts'] = (module, filename) => {
  const { code } = transformSync(readFileSync(filename, 'utf8'), {
    filename,
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};

const { makeSandboxService, fixture } = require('./sandbox-kit.ts');

const sandbox = makeSandboxService();
process.stdout.write(`${JSON.stringify({ workerId: sandbox.owner.workerId })}\n`);
sandbox
  .run({ files: { 'solution.py': fixture('hostile/sleep_forever.py') }, argv: ['python3', 'solution.py'], limits: { timeSeconds: 120 } })
  .then((result) => process.stdout.write(`${JSON.stringify({ finished: result.verdict })}\n`));
