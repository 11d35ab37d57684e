import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** Where web/build.mjs writes the pages: <repo>/web/dist (same depth from src/web and dist/web). */
export const WEB_DIST_DIR = resolve(__dirname, '..', '..', 'web', 'dist');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

export interface WebFile {
  body: Buffer;
  /** The gzip copy written by the build, when there is one. */
  gzip: Buffer | null;
  contentType: string;
  etag: string;
  /** A content hash in the name: the file never changes, so it may be cached for a year. */
  immutable: boolean;
}

/** A file name of the bundle: letters, digits, ".", "_" and "-", no path. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$/;
const HASHED = /-[A-Za-z0-9]{8,}\.[a-z0-9]+(\.map)?$/;

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot);
}

/**
 * The built pages, read into memory (a few hundred KiB). Re-read when index.html changes (a new
 * build), so a running API picks up `node web/build.mjs` without a restart.
 */
export class WebAssets {
  private index: WebFile | null = null;
  private assets = new Map<string, WebFile>();
  private loadedFrom = -1;

  constructor(private readonly dir = WEB_DIST_DIR) {}

  /** index.html, or null when the pages were not built. */
  page(): WebFile | null {
    this.refresh();
    return this.index;
  }

  /** A file under assets/, or null. */
  asset(name: string): WebFile | null {
    if (!SAFE_NAME.test(name) || name.endsWith('.gz')) return null;
    this.refresh();
    return this.assets.get(name) ?? null;
  }

  private refresh(): void {
    const indexPath = join(this.dir, 'index.html');
    let mtime: number;
    try {
      mtime = statSync(indexPath).mtimeMs;
    } catch {
      this.index = null;
      this.assets.clear();
      this.loadedFrom = -1;
      return;
    }
    if (mtime === this.loadedFrom) return;
    const assets = new Map<string, WebFile>();
    const assetsDir = join(this.dir, 'assets');
    if (existsSync(assetsDir)) {
      for (const name of readdirSync(assetsDir)) {
        if (!SAFE_NAME.test(name) || name.endsWith('.gz')) continue;
        const type = CONTENT_TYPES[extensionOf(name)];
        if (type) assets.set(name, this.read(join(assetsDir, name), type, HASHED.test(name)));
      }
    }
    this.index = this.read(indexPath, CONTENT_TYPES['.html'], false);
    this.assets = assets;
    this.loadedFrom = mtime;
  }

  private read(path: string, contentType: string, immutable: boolean): WebFile {
    const body = readFileSync(path);
    const gzip = existsSync(`${path}.gz`) ? readFileSync(`${path}.gz`) : null;
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    return { body, gzip, contentType, etag, immutable };
  }
}
