import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiNotModifiedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../auth/public.decorator';
import { NotFoundError } from '../common/errors/domain-errors';
import { WebAssets, type WebFile } from './web-assets';

/**
 * The pages' own rules: scripts and data only from this origin (the key travels to the API only),
 * no framing. CodeMirror sets inline styles, hence 'unsafe-inline' for styles (not for scripts).
 */
export const PAGE_SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
};

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>memgrade</title></head><body>
<h1>memgrade</h1><p>The web pages are not built on this server. Run <code>node web/build.mjs</code> (npm start and npm test do it).</p>
<p>The API is at <code>/api/v1</code>, documented at <a href="/docs">/docs</a>.</p></body></html>\n`;

/** Serves the web pages (web/dist, built by web/build.mjs): "/" and "/assets/<file>". No key needed. */
@ApiTags('web pages')
@Public()
@Controller()
export class WebController {
  constructor(private readonly assets: WebAssets) {}

  @Get(['', 'index.html'])
  @ApiOperation({ summary: 'The web pages (one HTML page; the routes are in its fragment, e.g. /#/c/python-memory)' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'the page', content: { 'text/html': { schema: { type: 'string' } } } })
  @ApiNotModifiedResponse({ description: 'If-None-Match named its ETag' })
  @ApiServiceUnavailableResponse({ description: 'the pages are not built on this server (an HTML page saying how)', content: { 'text/html': { schema: { type: 'string' } } } })
  page(@Req() request: Request, @Res() response: Response): void {
    for (const [name, value] of Object.entries(PAGE_SECURITY_HEADERS)) response.setHeader(name, value);
    const file = this.assets.page();
    if (!file) {
      response.status(503).setHeader('Cache-Control', 'no-store');
      response.type('text/html; charset=utf-8').send(NOT_BUILT);
      return;
    }
    // Always revalidated: it names the current bundle.
    send(request, response, file, 'no-cache');
  }

  @Get('assets/:name')
  @ApiOperation({ summary: 'A file of the web pages: the script and style bundles (their names carry a hash of their content: cached for a year), the icon' })
  @ApiOkResponse({
    description: 'the file, gzip-encoded when the client accepts it',
    content: {
      'text/javascript': { schema: { type: 'string' } },
      'text/css': { schema: { type: 'string' } },
      'image/svg+xml': { schema: { type: 'string' } },
      'application/json': { schema: { type: 'object', additionalProperties: true, description: 'a source map' } },
      'image/png': { schema: { type: 'string', format: 'binary' } },
      'font/woff2': { schema: { type: 'string', format: 'binary' } },
    },
  })
  @ApiNotModifiedResponse({ description: 'If-None-Match named its ETag' })
  asset(@Param('name') name: string, @Req() request: Request, @Res() response: Response): void {
    const file = this.assets.asset(name);
    if (!file) throw new NotFoundError(`no such file: /assets/${name}`, [{ field: 'name', reason: 'is not a file of the web pages' }]);
    send(request, response, file, file.immutable ? 'public, max-age=31536000, immutable' : 'public, max-age=3600');
  }
}

function send(request: Request, response: Response, file: WebFile, cacheControl: string): void {
  response.setHeader('Cache-Control', cacheControl);
  response.setHeader('X-Content-Type-Options', 'nosniff');
  response.setHeader('ETag', file.etag);
  response.setHeader('Vary', 'Accept-Encoding');
  response.setHeader('Content-Type', file.contentType);
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch && ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === file.etag)) {
    response.status(304).end();
    return;
  }
  const gzip = file.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  if (gzip) response.setHeader('Content-Encoding', 'gzip');
  const body = gzip ? file.gzip! : file.body;
  response.setHeader('Content-Length', String(body.length));
  response.status(200).end(request.method === 'HEAD' ? undefined : body);
}
