/**
 * The sign-in page's initial JavaScript, gzip-compressed, from the real build output (dist/web):
 * what index.html loads (its scripts and modulepreloads) plus the chunk of the sign-in route
 * (/login) when it is loaded on demand, each with every chunk it imports statically, counted once.
 * Prints one JSON line.
 *
 *   npm run bench:web              (reads dist/web; builds first when it is missing)
 *   npm run bench:web -- --build   (builds first)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { BENCH_NEEDS, ensureDebianPackages } from '../scripts/debian-packages.mjs';

ensureDebianPackages(BENCH_NEEDS.web, 'bench:web');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist/web');
/** The module that renders /login (web/src/app/App.tsx); a lazy route's chunk is named after it. */
const SIGN_IN_MODULE = 'LoginPage';

if (process.argv.includes('--build') || !existsSync(join(dist, 'index.html'))) {
  execFileSync('npm', ['run', 'build'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
}

const html = readFileSync(join(dist, 'index.html'), 'utf8');
const fromHtml = [
  ...html.matchAll(/<script\b[^>]*\bsrc="\/([^"]+\.js)"/g),
  ...html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="\/([^"]+\.js)"/g),
].map((m) => m[1]!);
if (fromHtml.length === 0) throw new Error('dist/web/index.html loads no module script');
const signInChunks = readdirSync(join(dist, 'assets'))
  .filter((f) => f.startsWith(`${SIGN_IN_MODULE}-`) && f.endsWith('.js'))
  .map((f) => `assets/${f}`);

/** A chunk and every chunk it imports statically (`import … from "./x.js"`; `import("./x.js")` is on demand). */
function closure(start: string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const code = readFileSync(join(dist, file), 'utf8');
    for (const m of code.matchAll(
      /(?<![\w$.(]\s*)\b(?:import|export)\s*(?:[\w$*{},\s]*?\bfrom\s*)?["']([^"']+\.js)["']/g,
    )) {
      visit(join(dirname(file), m[1]!).replace(/^\/+/, ''));
    }
  };
  start.forEach(visit);
  return seen;
}

const files = [...closure([...fromHtml, ...signInChunks])].sort();
// kB of 1000 bytes at zlib's default level, as Vite's build report counts them.
const gzipKb = (file: string) => gzipSync(readFileSync(join(dist, file))).length / 1000;
const chunks = Object.fromEntries(files.map((f) => [f.replace(/^assets\//, ''), Number(gzipKb(f).toFixed(1))]));
console.log(
  JSON.stringify({
    bench: 'web',
    page: '/login',
    initial_js_gzip_kb: Number(files.reduce((sum, f) => sum + gzipKb(f), 0).toFixed(1)),
    initial_js_raw_kb: Number(files.reduce((sum, f) => sum + readFileSync(join(dist, f)).length / 1000, 0).toFixed(1)),
    chunks,
  }),
);
