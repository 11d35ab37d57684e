#!/usr/bin/env node
// Builds the web pages into web/dist: index.html, and under assets/ the bundled script and style
// sheet with content hashes in their names (served with a one-year immutable cache), the favicon,
// and a gzip copy of each text file. Everything the pages use is in the bundle: nothing is fetched
// from another origin.
//
//   node web/build.mjs               build
//   node web/build.mjs --if-changed  build only when a source is newer than the last build
//   node web/build.mjs --dev         unminified
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const web = dirname(fileURLToPath(import.meta.url));
const root = dirname(web);
const out = join(web, 'dist');
const stamp = join(out, '.build-stamp');
const args = new Set(process.argv.slice(2));

/** Newest modification time of the sources (web/ except its output, and the lockfile). */
function newestSource() {
  let newest = statSync(join(root, 'package-lock.json')).mtimeMs;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (path === out || entry.name === 'node_modules' || entry.name.startsWith('.dist-')) continue;
      if (entry.isDirectory()) walk(path);
      else newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  walk(web);
  return newest;
}

if (args.has('--if-changed') && existsSync(stamp) && statSync(stamp).mtimeMs >= newestSource()) {
  process.exit(0);
}

const started = Date.now();
const { build } = await import('esbuild');
const tmp = join(web, `.dist-${process.pid}`);
rmSync(tmp, { recursive: true, force: true });
mkdirSync(join(tmp, 'assets'), { recursive: true });

const dev = args.has('--dev');
process.on('exit', () => rmSync(tmp, { recursive: true, force: true })); // a failed build leaves nothing behind
const result = await build({
  absWorkingDir: root,
  entryPoints: { app: 'web/src/main.ts', styles: 'web/styles.css' },
  outdir: join(tmp, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  format: 'esm',
  target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
  minify: !dev,
  sourcemap: 'linked',
  metafile: true,
  legalComments: 'eof',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': dev ? '"development"' : '"production"' },
});

const outputs = Object.keys(result.metafile.outputs).map((path) => basename(path));
const script = outputs.find((name) => /^app-.*\.js$/.test(name));
const styles = outputs.find((name) => /^styles-.*\.css$/.test(name));
if (!script || !styles) throw new Error(`web build: unexpected outputs ${outputs.join(', ')}`);

const favicon = readFileSync(join(web, 'favicon.svg'));
const faviconName = `favicon-${createHash('sha256').update(favicon).digest('hex').slice(0, 8)}.svg`;
writeFileSync(join(tmp, 'assets', faviconName), favicon);

const html = readFileSync(join(web, 'index.html'), 'utf8')
  .replaceAll('%APP_JS%', `/assets/${script}`)
  .replaceAll('%APP_CSS%', `/assets/${styles}`)
  .replaceAll('%FAVICON%', `/assets/${faviconName}`);
writeFileSync(join(tmp, 'index.html'), html);

// Pre-compressed copies, served when the browser accepts gzip.
for (const path of [join(tmp, 'index.html'), ...readdirSync(join(tmp, 'assets')).map((name) => join(tmp, 'assets', name))]) {
  if (/\.(html|js|css|svg|map)$/.test(path)) writeFileSync(`${path}.gz`, gzipSync(readFileSync(path), { level: 9 }));
}

rmSync(out, { recursive: true, force: true });
renameSync(tmp, out);
writeFileSync(stamp, new Date().toISOString() + '\n');

const size = (name) => `${(statSync(join(out, 'assets', name)).size / 1024).toFixed(0)} KiB (gzip ${(statSync(join(out, 'assets', `${name}.gz`)).size / 1024).toFixed(0)} KiB)`;
process.stderr.write(`web: built ${relative(root, out)} in ${Date.now() - started} ms: ${script} ${size(script)}, ${styles} ${size(styles)}\n`);
