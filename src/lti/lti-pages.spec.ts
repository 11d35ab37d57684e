import { cookiesOf, escapeHtml } from './lti-pages';
import { nextLink } from './lti-roster.service';
import { toolRegistration } from './lti-registration.service';
import { ToolUrls } from './tool-urls';

describe('LTI page and protocol helpers', () => {
  it('escapes what it puts into pages', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('reads cookies from the Cookie header, ignoring malformed ones', () => {
    expect(cookiesOf('a=1; lti_state_x=abc%3D; bad; c=%E0%A4%A')).toEqual({ a: '1', lti_state_x: 'abc=' });
    expect(cookiesOf(undefined)).toEqual({});
  });

  it('follows only a rel="next" link of an NRPS page, resolved against the page', () => {
    expect(nextLink('<https://lms/m?page=2>; rel="next", <https://lms/m?page=9>; rel="last"', 'https://lms/m')).toBe('https://lms/m?page=2');
    expect(nextLink('</m?p=3>; rel=next', 'https://lms/m?p=2')).toBe('https://lms/m?p=3');
    expect(nextLink('<https://lms/m?page=1>; rel="prev"', 'https://lms/m')).toBeNull();
    expect(nextLink(null, 'https://lms/m')).toBeNull();
  });

  it('registers the login, launch and JWKS URLs of LTI_PUBLIC_URL, and only the scopes the platform supports', () => {
    const urls = new ToolUrls('https://grade.example.edu');
    const registration = toolRegistration(urls, ['openid', 'https://purl.imsglobal.org/spec/lti-ags/scope/score']);
    expect(registration).toMatchObject({
      initiate_login_uri: 'https://grade.example.edu/lti/login',
      redirect_uris: ['https://grade.example.edu/lti/launch'],
      jwks_uri: 'https://grade.example.edu/lti/jwks',
      scope: 'https://purl.imsglobal.org/spec/lti-ags/scope/score',
      'https://purl.imsglobal.org/spec/lti-tool-configuration': { domain: 'grade.example.edu', target_link_uri: 'https://grade.example.edu/lti/launch' },
    });
    expect(urls.secure).toBe(true);
    expect(new ToolUrls('http://127.0.0.1:3000').secure).toBe(false);
  });
});
