#!/usr/bin/env node
// The instructor CLI over memgrade's API: `npm run cli -- <command>` or `npx memgrade <command>`.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiClient } from './api-client';
import { parseArgs, type ParsedArgs } from './cli-args';
import { publishCommand, validateCommand } from './exercise-commands';
import { submitCommand } from './submit-command';

const USAGE = `memgrade — the command line of memgrade's API

usage: memgrade <command> [arguments] [--url URL] [--token KEY]

  whoami                                   who the key belongs to
  courses                                  courses you can see
  exercises <course>                       published exercises of a course
  submit <file>… --exercise <course>/<exercise> [--wait] [--student <lms external id>]
                                           submit files; --wait follows the grading live
  result <submission id>                   a submission and its per-test results
  gradebook <course> [--format csv|json] [--policy best|latest] [--out FILE]
                                           export a course's gradebook
  validate <exercise dir> [--run]          check an exercise folder with the server's rules; --run
                                           also grades its reference, starter and wrong answer in
                                           the local Docker sandbox, as publishing does
  publish <exercise dir> --course <course> [--wait]
                                           publish (a new version of) an exercise; --wait follows
                                           its validation

The server is --url or MEMGRADE_URL (default http://localhost:3000); the key is --token or
MEMGRADE_TOKEN, else the admin key that \`npm start\` saved in .memgrade/admin-token.
`;

function flag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}

function token(args: ParsedArgs): string {
  const given = flag(args, 'token') ?? process.env.MEMGRADE_TOKEN;
  if (given) return given;
  const saved = resolve(__dirname, '../../.memgrade/admin-token');
  if (existsSync(saved)) return readFileSync(saved, 'utf8').trim();
  throw new UsageError('no API key: pass --token or set MEMGRADE_TOKEN');
}

class UsageError extends Error {}

function need(value: string | undefined, what: string): string {
  if (!value) throw new UsageError(`missing ${what}`);
  return value;
}

const print = (value: unknown) => process.stdout.write(`${typeof value === 'string' ? value : JSON.stringify(value, null, 2)}\n`);

async function run(args: ParsedArgs): Promise<number> {
  if (!args.command || args.flags.help) {
    process.stdout.write(USAGE);
    return args.command ? 0 : 2;
  }
  // Local commands: no server, no key.
  if (args.command === 'validate') return validateCommand(need(args.positionals[0], 'the exercise folder'), args.flags.run === true);
  const api = new ApiClient(flag(args, 'url') ?? process.env.MEMGRADE_URL ?? 'http://localhost:3000', token(args));
  const [first] = args.positionals;
  switch (args.command) {
    case 'whoami':
      print(await api.request('GET', '/api/v1/users/me'));
      return 0;
    case 'courses':
      print(await api.request('GET', '/api/v1/courses'));
      return 0;
    case 'exercises':
      print(await api.request('GET', `/api/v1/courses/${encodeURIComponent(need(first, 'course'))}/exercises`));
      return 0;
    case 'result':
      print(await api.request('GET', `/api/v1/submissions/${encodeURIComponent(need(first, 'submission id'))}`));
      return 0;
    case 'submit':
      if (!args.positionals.length) throw new UsageError('missing the file(s) to submit');
      return submitCommand(api, args.positionals, {
        exercise: need(flag(args, 'exercise'), '--exercise <course>/<exercise>'),
        wait: args.flags.wait === true,
        student: flag(args, 'student'),
      });
    case 'gradebook': {
      const format = flag(args, 'format') ?? 'csv';
      const query = new URLSearchParams({ format, ...(flag(args, 'policy') ? { policy: flag(args, 'policy')! } : {}) });
      const body = await api.request<unknown>('GET', `/api/v1/courses/${encodeURIComponent(need(first, 'course'))}/gradebook?${query}`);
      const text = typeof body === 'string' ? body : JSON.stringify(body, null, 2);
      const out = flag(args, 'out');
      if (out) writeFileSync(out, text);
      else process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
      return 0;
    }
    case 'publish':
      return publishCommand(api, need(first, 'the exercise folder'), need(flag(args, 'course'), '--course <course>'), args.flags.wait === true);
    default:
      throw new UsageError(`unknown command "${args.command}"`);
  }
}

run(parseArgs(process.argv.slice(2))).then(
  (code) => process.exit(code),
  (error: Error) => {
    if (error instanceof UsageError) process.stderr.write(`memgrade: ${error.message}\n\n${USAGE}`);
    else process.stderr.write(`memgrade: ${error.message}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
