import { z } from 'zod';
import { parseAllowList } from '../common/net/allow-list';
import { autoWorkerConcurrency, thisHost } from './worker-concurrency';

const integer = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}` },
  );

/** Every environment variable memgrade reads, with its default. The README's table mirrors this. */
export const configSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: integer(1, 65535).default(3000),
  /** API processes sharing PORT (node:cluster); 0 = one per core of this host. */
  API_PROCESSES: integer(0, 64).default(1),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: url(['postgres:', 'postgresql:']),
  REDIS_URL: url(['redis:', 'rediss:']),
  /** unix:///path/to/docker.sock or tcp://host:port; empty means the local socket. */
  DOCKER_HOST: z
    .string()
    .regex(/^(unix:\/\/\/.+|tcp:\/\/[^/]+(:\d+)?\/?)$/, 'must be unix:///path/to/docker.sock or tcp://host:port')
    .optional(),
  MEMGRADE_ADMIN_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_\-.]{24,200}$/, 'must be 24 to 200 characters of letters, digits, "_", "-" or "."')
    .optional(),
  /** Submissions graded at once per worker; "auto" = from this host's cores and memory (worker-concurrency.ts). */
  WORKER_CONCURRENCY: z
    .union([z.literal('auto'), integer(1, 64)], { message: 'must be "auto" or a whole number from 1 to 64' })
    .default(2)
    .transform((value) => (value === 'auto' ? autoWorkerConcurrency(thisHost()) : value)),
  /** Publish the shipped catalog (exercises/) as course python-memory when the API starts. */
  PUBLISH_CATALOG: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('true')
    .transform((value) => value === 'true'),
  /** Submissions one API key may create per minute (429 with Retry-After beyond). */
  SUBMISSION_RATE_LIMIT_PER_MINUTE: integer(1, 100_000).default(30),
  /**
   * Submissions one lms key may create per minute for all its students together. Each student it
   * submits for is limited on their own as well (SUBMISSION_RATE_LIMIT_PER_MINUTE per student).
   */
  LMS_SUBMISSION_RATE_LIMIT_PER_MINUTE: integer(1, 1_000_000).default(6_000),
  /** How long a sign-in key an LMS issues for a student (POST /courses/{c}/students/{id}/keys) works. */
  LMS_SIGN_IN_LINK_SECONDS: integer(1, 366 * 24 * 3600).default(8 * 3600),
  /** "Run" without grading (POST /api/v1/runs): runs one student may start per minute (429 with Retry-After beyond). */
  TRY_RUN_RATE_LIMIT_PER_MINUTE: integer(1, 10_000).default(10),
  /** Seconds POST /runs waits for the outcome before answering 202 (the page then polls GET /runs/{id}). */
  TRY_RUN_WAIT_SECONDS: integer(0, 60).default(15),
  /** Wall-clock limit of a try-run (the exercise's own limit when lower). */
  TRY_RUN_TIME_SECONDS: integer(1, 60).default(10),
  /** Cap on each of stdout and stderr of a try-run; past it the run is stopped. */
  TRY_RUN_OUTPUT_BYTES: integer(1024, 1 << 20).default(64 * 1024),
  /** Try-runs waiting at once (all students); beyond it POST /runs answers 503 with Retry-After. */
  TRY_RUN_MAX_QUEUED: integer(1, 100_000).default(100),
  /** Try-runs a worker runs at once, beside its grading slots. */
  TRY_RUN_CONCURRENCY: integer(1, 32).default(2),
  /** How long a webhook receiver has to answer before the delivery counts as failed and is retried. */
  WEBHOOK_TIMEOUT_MS: integer(100, 60_000).default(5_000),
  /**
   * Addresses or CIDR ranges (comma-separated) that outbound requests (webhooks, LMS endpoints) may
   * reach although they are loopback or private: on-premises receivers. Empty: only public addresses.
   */
  OUTBOUND_ALLOWED_NETWORKS: z
    .string()
    .optional()
    .transform((value, context) => {
      try {
        return parseAllowList(value);
      } catch (error) {
        context.addIssue({ code: 'custom', message: `must be comma-separated IP addresses or CIDR ranges: ${(error as Error).message}` });
        return z.NEVER;
      }
    }),
  /**
   * How long, from a job's first postponement, failures during a confirmed outage of Postgres,
   * Redis or Docker do not count against a submission's attempts (after that they do, and it may end
   * as error with the reason).
   */
  GRADING_OUTAGE_GRACE_SECONDS: integer(60, 7 * 24 * 3600).default(3600),
  /**
   * How long a stopping process (SIGTERM) may take to finish its requests and running jobs and close
   * its connections before it exits anyway (code 1): a grading cut off then is graded again by another
   * worker once its job's lock expires (a stalled job), and an API request cut off is the client's to repeat.
   */
  SHUTDOWN_TIMEOUT_SECONDS: integer(1, 3600).default(60),
  /** How often a worker removes orphaned sandbox containers (besides at start and when Docker comes back). */
  SANDBOX_REAP_INTERVAL_SECONDS: integer(1, 3600).default(30),
  /** Image that runs submissions; empty means the tag scripts/sandbox-image.sh builds from sandbox/. */
  SANDBOX_IMAGE: z.string().min(1).optional(),
  SANDBOX_DEFAULT_MEMORY_MIB: integer(16, 65536).default(256),
  SANDBOX_MAX_MEMORY_MIB: integer(16, 65536).default(2048),
  SANDBOX_DEFAULT_TIME_SECONDS: integer(1, 3600).default(20),
  SANDBOX_MAX_TIME_SECONDS: integer(1, 3600).default(300),
  SANDBOX_DEFAULT_CPUS: z.coerce.number().min(0.1).max(64).default(1),
  SANDBOX_MAX_CPUS: z.coerce.number().min(0.1).max(64).default(2),
  SANDBOX_DEFAULT_PIDS: integer(8, 4096).default(64),
  SANDBOX_MAX_PIDS: integer(8, 4096).default(256),
  SANDBOX_DEFAULT_OUTPUT_BYTES: integer(1024, 1 << 30).default(1 << 20),
  SANDBOX_MAX_OUTPUT_BYTES: integer(1024, 1 << 30).default(8 << 20),
  /** Started, idle, single-use containers kept ready per worker (0 disables the pool). */
  SANDBOX_POOL_SIZE: integer(0, 32).default(0),
  /**
   * The same for grading runs (supervisor mode). Unset: one per grading slot (WORKER_CONCURRENCY, at
   * most 32), so no grading makes its container on the hot path; 0 turns it off.
   */
  SANDBOX_GRADING_POOL_SIZE: integer(0, 32).optional(),
  /** LTI 1.3: the public base URL of memgrade as platforms reach it (e.g. https://memgrade.example.edu); empty means "from the request". */
  LTI_PUBLIC_URL: url(['http:', 'https:']).optional(),
  /** LTI 1.3: the course platforms registered dynamically belong to. */
  LTI_REGISTRATION_COURSE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be a course slug')
    .default('python-memory'),
  /** LTI 1.3: when set, dynamic registration needs ?secret=<this> in its URL. */
  LTI_REGISTRATION_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** LTI 1.3: how long a launch's browser session (and the API key it hands to the pages) lasts. */
  LTI_SESSION_MINUTES: integer(1, 24 * 60).default(120),
  /** LTI 1.3: first retry delay of a score post (doubling, LTI_SCORE_ATTEMPTS attempts: about 23 h with the defaults). */
  LTI_SCORE_RETRY_DELAY_MS: integer(10, 600_000).default(5_000),
  LTI_SCORE_ATTEMPTS: integer(1, 30).default(15),
  /** LTI 1.3: how often the worker looks for grades that were not posted yet (missed events, exhausted retries). */
  LTI_SCORE_SWEEP_SECONDS: integer(1, 3600).default(60),

  // --- Operating numbers and back-pressure (src/metrics, src/admin-queues, src/backpressure) ---
  /** When set, GET /metrics (API and worker) needs `Authorization: Bearer <METRICS_TOKEN>`; otherwise it is open, as Prometheus expects. */
  METRICS_TOKEN: z
    .string()
    .regex(/^[A-Za-z0-9_\-.]{16,200}$/, 'must be 16 to 200 characters of letters, digits, "_", "-" or "."')
    .optional(),
  /** Port of the worker's own /metrics server (the worker has no other HTTP); 0 turns it off. */
  WORKER_METRICS_PORT: integer(0, 65535).default(9464),
  /** Address the worker's /metrics server binds to. */
  WORKER_METRICS_HOST: z.string().min(1).default('0.0.0.0'),
  /** A student's submissions of one exercise that may wait in the queue at once; a newer one ends the oldest waiting one (0: no limit). */
  SUBMISSION_MAX_QUEUED_PER_EXERCISE: integer(0, 1000).default(5),
  /** The window in which a student's earlier submissions of an exercise lower the priority of the next one. */
  SUBMISSION_PRIORITY_WINDOW_MINUTES: integer(1, 7 * 24 * 60).default(60),
});

export type AppConfig = Omit<z.infer<typeof configSchema>, 'SANDBOX_GRADING_POOL_SIZE'> & { SANDBOX_GRADING_POOL_SIZE: number };
