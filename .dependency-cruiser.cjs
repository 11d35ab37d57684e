/**
 * `npm run check:deps` (part of `npm run check`): the allowed direction between the folders of src/,
 * as docs/architecture.md draws it. There is no folder cycle, and none is tolerated.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const domains =
  '(access|admin-queues|analytics|backpressure|courses|deadlines|exercises|submissions|grading|sandbox|webhooks|gradebook|users|health|rate-limit|web|cli|lti|metrics|try-runs|results)';

module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'Folders of src/ depend on each other in one direction only: no chain of imports leads from a folder back to itself.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'infrastructure-below-domains',
      comment: 'config, database, redis, queue, events, logging, common and auth serve every domain folder and import none of them.',
      severity: 'error',
      from: { path: '^src/(config|database|redis|queue|events|logging|common|auth)/' },
      to: { path: `^src/${domains}/` },
    },
    {
      name: 'grading-tells-through-events',
      comment: 'Grading stores a result and its domain event (the outbox); webhooks, LMS scores and metrics subscribe. Grading never calls them.',
      severity: 'error',
      from: { path: '^src/grading/' },
      to: { path: '^src/(webhooks|lti|metrics|analytics|gradebook|try-runs)/' },
    },
    {
      name: 'results-below-their-readers',
      comment:
        'results/ reads what a grading run stored (flags, student output, the outcome types); submissions, gradebook, webhooks and grading read it, so it imports none of them nor anything above them.',
      severity: 'error',
      from: { path: '^src/results/' },
      to: { path: '^src/(grading|submissions|gradebook|webhooks|lti|metrics|analytics|try-runs|admin-queues|backpressure)/' },
    },
    {
      name: 'sandbox-only-from-the-worker-side',
      comment: 'Only the worker talks to Docker: the sandbox is used by grading, the CLI and the worker entry point, never by the API side.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(sandbox|grading|cli)/|^src/worker(\\.module)?\\.ts$' },
      to: { path: '^src/sandbox/' },
    },
    {
      name: 'sandbox-knows-no-domain',
      comment: 'The sandbox runs containers; it knows nothing of courses, submissions or grading.',
      severity: 'error',
      from: { path: '^src/sandbox/' },
      to: { path: `^src/${domains}/`, pathNot: '^src/sandbox/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^src/generated/'] },
    tsConfig: { fileName: 'tsconfig.json' },
    // Type-only imports couple folders too.
    tsPreCompilationDeps: true,
  },
};
