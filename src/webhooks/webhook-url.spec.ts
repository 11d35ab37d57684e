import { webhookUrlProblem } from './webhook-url';

describe('webhookUrlProblem', () => {
  it.each(['https://lms.example.edu/hooks/memgrade', 'http://127.0.0.1:8080/x?y=1', 'https://[::1]/hook'])('accepts %s', (url) => {
    expect(webhookUrlProblem(url)).toBeNull();
  });

  it.each([
    [42, 'absolute http'],
    ['', 'absolute http'],
    ['not a url', 'white space'],
    ['/relative/path', 'absolute http'],
    ['ftp://example.com/x', 'must use http or https (got "ftp")'],
    ['javascript:alert(1)', 'must use http or https'],
    ['file:///etc/passwd', 'must use http or https'],
    ['https://user:pw@example.com/x', 'credentials'],
    ['https://example.com/x#frag', 'fragment'],
    [` https://example.com/x`, 'white space'],
    [`https://example.com/${'a'.repeat(2100)}`, 'at most 2048'],
  ])('names the problem with %p', (url, reason) => {
    expect(webhookUrlProblem(url)).toEqual({ field: 'url', reason: expect.stringContaining(reason) });
  });
});
