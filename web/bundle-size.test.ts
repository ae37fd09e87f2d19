import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The initial-bundle budget: the JavaScript the sign-in page downloads before it can render must stay
 * ≤ 250 kB gzip (issue 4), so a subscriber on a slow mobile link gets the page quickly. The cabinet and
 * back office are lazy routes; the statistics chart (recharts) must never slip into the initial set.
 *
 * Reads the production build in dist/web (`npm test` builds it first; built here when missing).
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist', 'web');
const BUDGET = 250 * 1024;

/** Attribute value of an HTML tag's text (quoted with " or '), or null. */
function attr(tag: string, name: string): string | null {
  const m = new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)')`, 'i').exec(tag);
  return m ? (m[2] ?? m[3] ?? '') : null;
}

/** A URL from index.html (`/assets/x.js`) as a path inside dist/web. */
function fromUrl(url: string): string {
  return join(DIST, url.replace(/^\//, '').split(/[?#]/)[0]!);
}

/**
 * Static imports of a built chunk: `import{a as b}from"./x.js"`, `import"./x.js"`,
 * `export{…}from"./x.js"`. Dynamic `import("./x.js")` (lazy routes) does not match: the import clause
 * may not contain "(" and a bare `import` must be followed directly by the quote.
 */
function staticImports(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  const re = /(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w$*{},\s]+?from\s*)?["']([^"']+)["']/g;
  const out: string[] = [];
  for (const m of code.matchAll(re)) {
    const spec = m[1]!;
    if (!spec.startsWith('.') && !spec.startsWith('/')) continue;
    out.push(spec.startsWith('/') ? fromUrl(spec) : resolve(dirname(file), spec));
  }
  return out;
}

/** Every JS file the page loads before any lazy route: scripts, modulepreloads, and their static imports. */
function initialJs(html: string): string[] {
  const roots: string[] = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const src = attr(tag, 'src');
    if (src) roots.push(fromUrl(src));
  }
  for (const [tag] of html.matchAll(/<link\b[^>]*>/gi)) {
    const href = attr(tag, 'href');
    if (href && attr(tag, 'rel')?.toLowerCase() === 'modulepreload') roots.push(fromUrl(href));
  }
  const seen = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (!existsSync(file)) throw new Error(`index.html or a chunk refers to a missing file: ${relative(DIST, file)}`);
    queue.push(...staticImports(file));
  }
  return [...seen];
}

describe('initial web bundle of the sign-in page', () => {
  let files: string[] = [];
  let sizes: { file: string; gzip: number }[] = [];

  beforeAll(() => {
    if (!existsSync(join(DIST, 'index.html'))) {
      execFileSync('npx', ['vite', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], {
        cwd: ROOT,
        stdio: 'inherit',
      });
    }
    files = initialJs(readFileSync(join(DIST, 'index.html'), 'utf8'));
    sizes = files.map((file) => ({
      file: relative(DIST, file),
      gzip: gzipSync(readFileSync(file), { level: 9 }).length,
    }));
  }, 300_000);

  it('loads at most 250 kB of gzipped JavaScript', () => {
    const total = sizes.reduce((sum, s) => sum + s.gzip, 0);
    const detail = sizes.map((s) => `${s.file} ${(s.gzip / 1024).toFixed(1)} kB`).join(', ');
    expect(files.length, 'index.html loads no script').toBeGreaterThan(0);
    console.info(
      `initial JS of the sign-in page: ${(total / 1024).toFixed(1)} kB gzip (${total} bytes; budget ${BUDGET}): ${detail}`,
    );
    expect(total, `initial JS ${(total / 1024).toFixed(1)} kB gzip (budget 250 kB): ${detail}`).toBeLessThanOrEqual(
      BUDGET,
    );
  });

  it('leaves the statistics chart (recharts) out of the initial load', () => {
    const chartChunks = sizes.filter(
      (s) => s.file.endsWith('.js') && readFileSync(join(DIST, s.file), 'utf8').includes('recharts'),
    );
    expect(
      chartChunks.map((s) => s.file),
      'recharts code is in an initially loaded file',
    ).toEqual([]);
    // Guard against a vacuous pass: the chart must exist somewhere in the build, in a lazy chunk.
    const assets = join(DIST, 'assets');
    const all = readdirSync(assets).filter(
      (f) => f.endsWith('.js') && readFileSync(join(assets, f), 'utf8').includes('recharts'),
    );
    expect(all.length, 'no chunk with recharts code found in dist/web/assets').toBeGreaterThan(0);
  });

  it('leaves the date picker (@mantine/dates, dayjs) out of the initial load', () => {
    // Both libraries' code carries these strings: the picker's component name and dayjs's invalid-date text.
    const has = (file: string) => /DateInput|Invalid Date/.test(readFileSync(file, 'utf8'));
    expect(
      sizes.filter((s) => s.file.endsWith('.js') && has(join(DIST, s.file))).map((s) => s.file),
      'date picker code is in an initially loaded file',
    ).toEqual([]);
    const assets = join(DIST, 'assets');
    const lazy = readdirSync(assets).filter((f) => f.endsWith('.js') && has(join(assets, f)));
    expect(lazy.length, 'no chunk with the date picker found in dist/web/assets').toBeGreaterThan(0);
  });
});
