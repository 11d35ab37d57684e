import { timingSafeEqual } from 'node:crypto';

/**
 * Whether a scrape may read /metrics: always when no METRICS_TOKEN is configured (what Prometheus
 * deployments expect of an exporter on a private network), otherwise only with
 * `Authorization: Bearer <token>` (Prometheus' `authorization: { credentials: … }`).
 */
export function metricsScrapeAllowed(token: string | undefined, authorization: string | undefined): boolean {
  if (!token) return true;
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
