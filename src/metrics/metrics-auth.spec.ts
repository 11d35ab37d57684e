import { metricsScrapeAllowed } from './metrics-auth';

describe('metricsScrapeAllowed', () => {
  it('lets every scrape in when no token is configured', () => {
    expect(metricsScrapeAllowed(undefined, undefined)).toBe(true);
    expect(metricsScrapeAllowed(undefined, 'Bearer anything')).toBe(true);
  });

  it('needs the configured token as a bearer token when one is set', () => {
    const token = 'scrape-token-0123456789';
    expect(metricsScrapeAllowed(token, `Bearer ${token}`)).toBe(true);
    expect(metricsScrapeAllowed(token, `bearer ${token}`)).toBe(true);
    expect(metricsScrapeAllowed(token, undefined)).toBe(false);
    expect(metricsScrapeAllowed(token, 'Bearer scrape-token-012345678')).toBe(false);
    expect(metricsScrapeAllowed(token, `Basic ${token}`)).toBe(false);
    expect(metricsScrapeAllowed(token, `Bearer ${token}x`)).toBe(false);
  });
});
