import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { WebAssets } from './web-assets';

describe('WebAssets', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'memgrade-web-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script src="/assets/app-ABCDEFGH.js"></script>');
    writeFileSync(join(dir, 'assets', 'app-ABCDEFGH.js'), 'console.log(1)');
    writeFileSync(join(dir, 'assets', 'app-ABCDEFGH.js.gz'), gzipSync('console.log(1)'));
    writeFileSync(join(dir, 'assets', 'styles-ZYXWVUTS.css'), 'body{}');
    writeFileSync(join(dir, 'assets', 'notes.txt'), 'not served');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves index.html and hashed assets with their content types, gzip copies and etags', () => {
    const assets = new WebAssets(dir);
    expect(assets.page()).toMatchObject({ contentType: 'text/html; charset=utf-8', immutable: false });
    const script = assets.asset('app-ABCDEFGH.js')!;
    expect(script).toMatchObject({ contentType: 'text/javascript; charset=utf-8', immutable: true });
    expect(script.gzip).not.toBeNull();
    expect(script.etag).toMatch(/^"[\w-]{22}"$/);
    expect(assets.asset('styles-ZYXWVUTS.css')).toMatchObject({ contentType: 'text/css; charset=utf-8', gzip: null });
  });

  it('refuses names outside the bundle: paths, gzip copies, unknown types', () => {
    const assets = new WebAssets(dir);
    for (const name of ['../index.html', '..', '.hidden', 'app-ABCDEFGH.js.gz', 'notes.txt', 'missing.js', 'a/b.js', '']) {
      expect(assets.asset(name)).toBeNull();
    }
  });

  it('has nothing when the pages are not built, and picks up a new build', () => {
    const empty = mkdtempSync(join(tmpdir(), 'memgrade-web-'));
    const assets = new WebAssets(empty);
    expect(assets.page()).toBeNull();
    mkdirSync(join(empty, 'assets'));
    writeFileSync(join(empty, 'assets', 'app-11112222.js'), 'x');
    writeFileSync(join(empty, 'index.html'), 'v1');
    expect(assets.page()!.body.toString()).toBe('v1');
    expect(assets.asset('app-11112222.js')).not.toBeNull();
    writeFileSync(join(empty, 'index.html'), 'v2');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(empty, 'index.html'), later, later);
    expect(assets.page()!.body.toString()).toBe('v2');
    rmSync(empty, { recursive: true, force: true });
  });
});
