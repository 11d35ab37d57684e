import type { INestApplication } from '@nestjs/common';
import { PrismaService } from '../../src/database/prisma.service';
import { TestData } from '../support/fixtures';
import { startListeningApi } from './lti-kit';
import { PlatformEmulator } from './platform-emulator';

/** memgrade behind TLS (LTI_PUBLIC_URL https://…): the launch is a cross-site POST, so its cookies are SameSite=None; Secure. */
describe('LTI cookies when memgrade is served over TLS', () => {
  let app: INestApplication;
  let local: string;
  let platform: PlatformEmulator;
  const PUBLIC = 'https://memgrade.example.edu';

  beforeAll(async () => {
    ({ app, url: local } = await startListeningApi({ LTI_PUBLIC_URL: PUBLIC }));
    const data = new TestData(app.get(PrismaService));
    const course = await data.newCourse();
    platform = await new PlatformEmulator().start();
    await app.get(PrismaService).ltiPlatform.create({
      data: {
        name: 'TLS',
        issuer: platform.issuer,
        clientId: 'tls-client',
        authLoginUrl: `${platform.url}/auth`,
        tokenUrl: `${platform.url}/token`,
        jwksUrl: `${platform.url}/jwks`,
        deploymentIds: ['d'],
        courseId: course.id,
      },
    });
  });

  afterAll(async () => {
    await platform?.close();
    await app?.close();
  });

  it('sets the login state cookie http-only, Secure and SameSite=None, and names the https redirect URI', async () => {
    const response = await fetch(
      `${local}/lti/login?iss=${encodeURIComponent(platform.issuer)}&login_hint=u1&client_id=tls-client&target_link_uri=${encodeURIComponent(`${PUBLIC}/lti/launch`)}`,
      { redirect: 'manual' },
    );
    expect(response.status).toBe(302);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('lti_state_')) ?? '';
    expect(cookie).toMatch(/; Path=\/lti/);
    expect(cookie).toMatch(/; HttpOnly/i);
    expect(cookie).toMatch(/; Secure/i);
    expect(cookie).toMatch(/; SameSite=None/i);
    const location = new URL(response.headers.get('location') as string);
    expect(location.origin + location.pathname).toBe(`${platform.url}/auth`);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      scope: 'openid',
      response_type: 'id_token',
      response_mode: 'form_post',
      prompt: 'none',
      client_id: 'tls-client',
      redirect_uri: `${PUBLIC}/lti/launch`,
      login_hint: 'u1',
      state: expect.any(String),
      nonce: expect.any(String),
    });
  });

  it('publishes its registration with https URLs', async () => {
    const configuration = (await (await fetch(`${local}/lti/configuration`)).json()) as Record<string, unknown>;
    expect(configuration).toMatchObject({ initiate_login_uri: `${PUBLIC}/lti/login`, jwks_uri: `${PUBLIC}/lti/jwks`, redirect_uris: [`${PUBLIC}/lti/launch`] });
  });
});
