import { Body, Controller, Get, Header, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { CookieOptions, Request, Response } from 'express';
import { Public } from '../auth/public.decorator';
import { AppConfigService } from '../config/app-config';
import { JwksView, ToolConfigurationView } from './dto/lti-views.dto';
import { LtiDeepLinkingService } from './lti-deep-linking.service';
import { type LoginParameters, LtiLaunchService, stateCookieName } from './lti-launch.service';
import { LtiPageFilter } from './lti-page.filter';
import { bindPage, cookiesOf, deepLinkingPage, deepLinkingReturnPage, launchedPage, registeredPage } from './lti-pages';
import { LtiRegistrationService, toolRegistration } from './lti-registration.service';
import { SESSION_COOKIE } from './lti-sessions.service';
import { ToolKeysService } from './tool-keys.service';
import { ToolUrls } from './tool-urls';

/**
 * The URLs platforms and browsers use (no API key): JWKS, dynamic registration, OIDC login
 * initiation, launch, deep-linking return. Answers are pages; refusals name their reason.
 */
@ApiTags('lti (platforms and browsers)')
@Public()
@UseFilters(LtiPageFilter)
@Controller('lti')
export class LtiController {
  constructor(
    private readonly config: AppConfigService,
    private readonly keys: ToolKeysService,
    private readonly launches: LtiLaunchService,
    private readonly registration: LtiRegistrationService,
    private readonly deepLinking: LtiDeepLinkingService,
  ) {}

  @Get('jwks')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: "The tool's public signing keys (JWKS), for platforms to check its messages" })
  @ApiOkResponse({ type: JwksView })
  jwks(): Promise<JwksView> {
    return this.keys.jwks();
  }

  /** Dynamic Registration 1.0: the one URL an LMS admin pastes. */
  @Get('register')
  @ApiOperation({ summary: 'LTI Dynamic Registration: the platform opens it in a window; registers memgrade and answers a page that tells the platform it is done' })
  @ApiProduces('text/html')
  @ApiOkResponse({
    description: 'an HTML page: registered (refusals: an HTML page naming the reason, with its 4xx status)',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  async register(@Query() query: Record<string, unknown>, @Req() request: Request, @Res() response: Response): Promise<void> {
    registeredPage(response, await this.registration.register(query, this.urls(request)));
  }

  /** The tool's configuration, for platforms configured by hand (Canvas developer key JSON is derived from it in the README). */
  @Get('configuration')
  @ApiOperation({ summary: "The tool's configuration, for platforms configured by hand" })
  @ApiOkResponse({ type: ToolConfigurationView })
  configuration(@Req() request: Request): ToolConfigurationView {
    const urls = this.urls(request);
    return { ...toolRegistration(urls), registration_url: urls.registration, login_url: urls.login, launch_url: urls.launch, jwks_url: urls.jwks };
  }

  /** OIDC third-party initiated login (GET or POST, LTI 1.3 Core §5.1.1). */
  @Get('login')
  @ApiOperation({ summary: "OIDC third-party initiated login (LTI 1.3 Core §5.1.1): on to the platform's authorization endpoint" })
  @ApiFoundResponse({ description: "a redirect (Location: the platform's authorization endpoint), with a state cookie" })
  loginGet(@Query() query: LoginParameters, @Req() request: Request, @Res() response: Response) {
    return this.login(query, request, response);
  }

  @Post('login')
  @ApiOperation({ summary: 'OIDC third-party initiated login, as a form POST' })
  @ApiFoundResponse({ description: "a redirect (Location: the platform's authorization endpoint), with a state cookie" })
  loginPost(@Body() body: LoginParameters, @Req() request: Request, @Res() response: Response) {
    return this.login({ ...(request.query as LoginParameters), ...body }, request, response);
  }

  @Post('launch')
  @ApiOperation({ summary: 'LTI launch (the platform posts the id_token): signs the person in and opens the exercise; deep linking or an unbound link answer a page to pick one' })
  @ApiProduces('text/html')
  @ApiOkResponse({
    description: 'an HTML page: on to the exercise (the API key in the fragment), or the exercise picker (refusals: an HTML page naming the reason)',
    content: { 'text/html': { schema: { type: 'string' } } },
  })
  async launch(@Body() body: { id_token?: unknown; state?: unknown }, @Req() request: Request, @Res() response: Response): Promise<void> {
    const urls = this.urls(request);
    const outcome = await this.launches.launch(body, cookiesOf(request.headers.cookie));
    if (typeof body.state === 'string') response.clearCookie(stateCookieName(body.state), this.cookieOptions(urls));
    response.cookie(SESSION_COOKIE, outcome.session.token, { ...this.cookieOptions(urls), expires: outcome.session.session.expiresAt });
    if (outcome.kind === 'deep-linking') {
      const context = outcome.session.session.deepLinking as { acceptMultiple?: boolean };
      deepLinkingPage(response, outcome.exercises, outcome.csrf, context.acceptMultiple !== false);
      return;
    }
    if (outcome.kind === 'bind') {
      bindPage(response, outcome.exercises, outcome.csrf);
      return;
    }
    toExercise(response, outcome.session.apiKey, outcome.course, outcome.exercise);
  }

  /** The answer of the page an instructor gets for a link bound to no exercise. */
  @Post('bind')
  @ApiOperation({ summary: "The picker's answer for a link bound to no exercise: binds it and opens the exercise" })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'an HTML page: on to the exercise', content: { 'text/html': { schema: { type: 'string' } } } })
  async bind(@Body() body: { csrf?: unknown; exercise?: unknown }, @Req() request: Request, @Res() response: Response): Promise<void> {
    const urls = this.urls(request);
    const bound = await this.launches.bind(cookiesOf(request.headers.cookie)[SESSION_COOKIE], body);
    response.cookie(SESSION_COOKIE, bound.session.token, { ...this.cookieOptions(urls), expires: bound.session.session.expiresAt });
    toExercise(response, bound.session.apiKey, bound.course, bound.exercise);
  }

  @Post('deep-linking')
  @ApiOperation({ summary: "The deep-linking picker's answer: a page that posts the signed content items back to the platform" })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'an HTML page with a form that posts the deep-linking response JWT to the platform', content: { 'text/html': { schema: { type: 'string' } } } })
  async deepLinkingReturn(@Body() body: { csrf?: unknown; exercise?: unknown }, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { returnUrl, jwt } = await this.deepLinking.respond(cookiesOf(request.headers.cookie)[SESSION_COOKIE], body, this.urls(request));
    deepLinkingReturnPage(response, returnUrl, jwt);
  }

  private async login(params: LoginParameters, request: Request, response: Response): Promise<void> {
    const urls = this.urls(request);
    const { redirect, state } = await this.launches.login(params, urls);
    response.cookie(stateCookieName(state), state, { ...this.cookieOptions(urls), maxAge: 10 * 60_000 });
    response.setHeader('Cache-Control', 'no-store');
    response.redirect(302, redirect);
  }

  private urls(request: Request): ToolUrls {
    return ToolUrls.of(this.config.values.LTI_PUBLIC_URL, request);
  }

  /** http-only, path /lti; SameSite=None; Secure over TLS (the launch is a cross-site POST), Lax over plain http (None needs Secure). */
  private cookieOptions(urls: ToolUrls): CookieOptions {
    return { httpOnly: true, path: '/lti', ...(urls.secure ? { sameSite: 'none', secure: true } : { sameSite: 'lax' }) };
  }
}

/** On to the exercise page, with the session's API key in the fragment (never sent to a server). */
function toExercise(response: Response, apiKey: string, course: string, exercise: string): void {
  const route = `/c/${course}/e/${exercise}`;
  launchedPage(response, `/#key=${encodeURIComponent(apiKey)}&to=${encodeURIComponent(route)}`);
}
