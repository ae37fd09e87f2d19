import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';

import { SUPPORT_LIMITS } from '../common/support.js';
import { buildCli } from './cli.js';
import { envSchema, loadConfig } from './config.js';

/**
 * What an operator installs from deploy/ (docs/deploy.md) agrees with the code and the docs: every
 * variable server/config.ts reads is in the README's configuration tables and in the environment
 * template, whose values the app accepts and which are safe in production; every CLI command (and its
 * options) is in the README's CLI table; nginx, systemd, PostgreSQL, FreeRADIUS and nftables files name
 * the same addresses, ports and directories as the template and the app; the WAL archive command fails
 * safely and its copies read back with the documented restore_command; the shell scripts pass
 * shellcheck. Files and small processes only, no database.
 */
const root = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string) => readFileSync(join(root, p), 'utf8');
const ENV_VARS = Object.keys(envSchema.shape).sort();

function section(md: string, heading: string): string {
  const start = md.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no "## ${heading}" section`);
  const rest = md.slice(start + heading.length + 5);
  const end = rest.search(/\n## /);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Cells of a markdown table's body rows (header and separator rows left out). */
function tableRows(text: string): string[][] {
  const rows = text
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|[\s|:-]+\|$/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  return rows.filter((r) => !/^(variable|command|bench)$/.test(r[0]!));
}

const readme = read('README.md');

/** KEY=value lines as systemd's EnvironmentFile= reads them (one pair of surrounding quotes removed). */
function parseEnvFile(text: string) {
  const active = new Map<string, string>();
  const commented = new Map<string, string>();
  for (const line of text.split('\n')) {
    const on = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (on) active.set(on[1]!, unquote(on[2]!));
    const off = /^#\s?([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (off) commented.set(off[1]!, unquote(off[2]!));
  }
  return { active, commented };
}
const unquote = (v: string) => (/^'.*'$|^".*"$/.test(v) ? v.slice(1, -1) : v);
const PLACEHOLDER = 'Placeholder0123456789abcdef';
/** `<what to put here>` in the template; `<lk@your-isp.ru>` in SMTP_FROM is a value, not a placeholder. */
const PLACEHOLDERS = /<[^>@]*>/g;
const fill = (v: string) => v.replace(PLACEHOLDERS, PLACEHOLDER);

const template = parseEnvFile(read('deploy/abonent.env.example'));
const filled = Object.fromEntries([...template.active].map(([k, v]) => [k, fill(v)]));

describe('environment variables', () => {
  it('every variable server/config.ts reads is in the README configuration tables, and nothing else is', () => {
    const documented = new Set(
      tableRows(section(readme, 'Configuration')).flatMap((r) =>
        [...r[0]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!),
      ),
    );
    expect(ENV_VARS.filter((v) => !documented.has(v))).toEqual([]);
    expect([...documented].filter((v) => !ENV_VARS.includes(v))).toEqual([]);
  });

  it('every variable is in deploy/abonent.env.example, set or shown commented, and nothing else is', () => {
    const inTemplate = new Set([...template.active.keys(), ...template.commented.keys()]);
    expect(ENV_VARS.filter((v) => !inTemplate.has(v))).toEqual([]);
    expect([...inTemplate].filter((v) => !ENV_VARS.includes(v))).toEqual([]);
  });

  it('the template, filled in, is a production configuration the app accepts, with safe choices', () => {
    const c = loadConfig(filled);
    expect(c.NODE_ENV).toBe('production');
    expect(c.HOST).toBe('127.0.0.1'); // only nginx reaches the app
    expect(c.trustProxy).toEqual(['127.0.0.1']);
    expect(c.DEMO_SEED).toBe(false);
    expect(c.PUBLIC_URL).toMatch(/^https:\/\//);
    expect(c.PAYMENT_PROVIDERS ?? '').not.toContain('test_acquirer');
    expect(c.TEST_ACQUIRER_SECRET).toBeUndefined();
    expect(c.RADIUS_API_KEY).toBeDefined();
    expect(c.RADIUS_API_HOST).toBe('127.0.0.1');
    expect(c.METRICS_PORT === undefined || c.METRICS_HOST === '127.0.0.1').toBe(true);
    expect(isAbsolute(c.DATA_DIR) && isAbsolute(c.supportFilesDir)).toBe(true);
    expect(c.dbKind).toBe('postgres');
  });

  it('every example left commented in the template is a value the app accepts', () => {
    const examples = Object.fromEntries(
      [...template.commented].filter(([, v]) => v !== '').map(([k, v]) => [k, fill(v)]),
    );
    expect(Object.keys(examples).length).toBeGreaterThan(10);
    expect(() => loadConfig({ ...filled, ...examples })).not.toThrow();
  });

  it('the shell reads the template as systemd does (docs/deploy.md sources it with set -a)', () => {
    const keys = [...template.active.keys()];
    const text = read('deploy/abonent.env.example').replace(PLACEHOLDERS, PLACEHOLDER);
    const script = `set -a; eval "$1"; ${keys.map((k) => `printf '%s=%s\\0' ${k} "$${k}"`).join('; ')}`;
    const r = spawnSync('/bin/sh', ['-c', script, 'sh', text], { encoding: 'utf8', env: {} });
    expect(r.stderr).toBe('');
    const shell = Object.fromEntries(
      r.stdout
        .split('\0')
        .filter(Boolean)
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    expect(shell).toEqual(filled);
  });
});

interface Leaf {
  path: string;
  options: string[];
}
function leaves(cmd: Command, prefix: string[] = []): Leaf[] {
  return cmd.commands.flatMap((c) =>
    c.commands.length > 0
      ? leaves(c, [...prefix, c.name()])
      : [{ path: [...prefix, c.name()].join(' '), options: c.options.map((o) => o.long!).filter(Boolean) }],
  );
}

describe('CLI', () => {
  const commands = leaves(buildCli());
  const rows = tableRows(section(readme, 'CLI')).map((r) => {
    const usage = /^`([^`]+)`$/.exec(r[0]!)?.[1] ?? '';
    return {
      usage,
      path: usage
        .split(' ')
        .filter((w, i, all) => all.slice(0, i + 1).every((x) => /^[a-z][a-z-]*$/.test(x)))
        .join(' '),
    };
  });

  it('every command of buildCli() has a row in the README CLI table naming each of its options', () => {
    expect(commands.length).toBeGreaterThan(8);
    for (const c of commands) {
      const row = rows.find((r) => r.path === c.path);
      expect(row, `README CLI table: no row for "${c.path}"`).toBeDefined();
      for (const o of c.options) expect(row!.usage, `README CLI table, "${c.path}": option ${o}`).toContain(o);
    }
  });

  it('every command in the README CLI table exists', () => {
    expect(rows.filter((r) => !commands.some((c) => c.path === r.path)).map((r) => r.usage)).toEqual([]);
  });
});

// ---- nginx ----

interface Directive {
  name: string;
  args: string[];
  block?: Directive[];
}
/** nginx's configuration syntax: directives ending in `;` or a `{ … }` block; `#` comments; quotes. */
function parseNginx(text: string): Directive[] {
  const tokens = [...text.replace(/#[^\n]*/g, '').matchAll(/"[^"]*"|'[^']*'|[{};]|[^\s{};]+/g)].map((m) => m[0]);
  let i = 0;
  const block = (): Directive[] => {
    const out: Directive[] = [];
    while (i < tokens.length && tokens[i] !== '}') {
      const words: string[] = [];
      while (!['{', ';'].includes(tokens[i]!)) words.push(unquote(tokens[i++]!));
      const d: Directive = { name: words[0]!, args: words.slice(1) };
      if (tokens[i++] === '{') {
        d.block = block();
        i++;
      }
      out.push(d);
    }
    return out;
  };
  return block();
}
const all = (ds: Directive[] | undefined, name: string) => (ds ?? []).filter((d) => d.name === name);
const one = (ds: Directive[] | undefined, name: string) => all(ds, name)[0];
const bytes = (v: string) =>
  Number(/^(\d+)/.exec(v)![1]) * ({ k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[v.slice(-1).toLowerCase()] ?? 1);

describe('deploy/nginx/abonent.conf', () => {
  const conf = parseNginx(read('deploy/nginx/abonent.conf'));
  const servers = all(conf, 'server').map((s) => s.block!);
  const portalHost = new URL(filled.PUBLIC_URL!).hostname;
  const listens = (s: Directive[]) => all(s, 'listen').map((d) => d.args.join(' '));
  const named = (s: Directive[]) => one(s, 'server_name')?.args ?? [];
  const portal = servers.find((s) => named(s).includes(portalHost) && listens(s).some((l) => l.includes('443 ssl')))!;

  it('proxies the portal over TLS to the address the template gives the app', () => {
    expect(portal).toBeDefined();
    expect(one(one(conf, 'upstream')?.block, 'server')?.args[0]).toBe(`${filled.HOST}:${filled.PORT}`);
    const loc = one(portal, 'location')!;
    expect(loc.args).toEqual(['/']);
    expect(one(loc.block, 'proxy_pass')?.args).toEqual([`http://${one(conf, 'upstream')!.args[0]}`]);
    const headers = Object.fromEntries(all(loc.block, 'proxy_set_header').map((d) => [d.args[0], d.args[1]]));
    // Replaced by the client's address; the app believes it from the proxy TRUST_PROXY names.
    expect(headers['X-Forwarded-For']).toBe('$remote_addr');
    expect(headers['X-Forwarded-Proto']).toBe('https');
    expect(filled.TRUST_PROXY!.split(',')).toContain(filled.HOST);
  });

  it('admits the largest support attachment in its multipart body', () => {
    const limit = bytes(one(portal, 'client_max_body_size')!.args[0]!);
    expect(limit).toBeGreaterThanOrEqual(SUPPORT_LIMITS.attachmentBytes + 64 * 1024);
    expect(limit).toBeLessThanOrEqual(SUPPORT_LIMITS.attachmentBytes * 2);
  });

  it('sends every other name on port 80 to the captive portal page (302, not cached), the portal itself to https', () => {
    const catchAll = servers.find((s) => listens(s).includes('80 default_server'))!;
    const loc = one(catchAll, 'location')!;
    expect(one(loc.block, 'return')?.args).toEqual(['302', `https://${portalHost}/portal`]);
    expect(all(loc.block, 'add_header').map((d) => d.args.slice(0, 2))).toContainEqual(['Cache-Control', 'no-store']);
    expect(read('web/src/app/App.tsx')).toContain('<Route path="/portal"');
    const plain = servers.find((s) => named(s).includes(portalHost) && listens(s).includes('80'))!;
    expect(one(one(plain, 'location')?.block, 'return')?.args[0]).toBe('301');
    const tlsCatchAll = servers.find((s) => listens(s).includes('443 ssl default_server'))!;
    expect(one(tlsCatchAll, 'ssl_reject_handshake')?.args).toEqual(['on']);
  });
});

// ---- systemd, PostgreSQL, backups ----

function parseUnit(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let sect = '';
  for (const line of text.split('\n')) {
    const h = /^\[(\w+)\]$/.exec(line);
    if (h) sect = h[1]!;
    const kv = /^(\w+)=(.*)$/.exec(line);
    if (kv) out.set(`${sect}.${kv[1]}`, [...(out.get(`${sect}.${kv[1]}`) ?? []), kv[2]!]);
  }
  return out;
}
const unitEnv = (u: Map<string, string[]>) =>
  Object.fromEntries(
    (u.get('Service.Environment') ?? []).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]),
  );
const under = (dirs: string[], p: string) => dirs.some((d) => p === d || p.startsWith(`${d}/`));

describe('deploy/systemd', () => {
  const app = parseUnit(read('deploy/systemd/abonent.service'));
  const backup = parseUnit(read('deploy/systemd/abonent-backup.service'));
  const timer = parseUnit(read('deploy/systemd/abonent-backup.timer'));

  it('abonent.service runs the app as abonent with the environment file, and may write where the template puts data', () => {
    expect(app.get('Service.User')).toEqual(['abonent']);
    expect(app.get('Service.EnvironmentFile')).toEqual(['/etc/abonent/abonent.env']);
    expect(app.get('Service.ExecStart')![0]).toMatch(/--min-semi-space-size=16 --import tsx server\/main\.ts$/);
    const writable = app.get('Service.ReadWritePaths')!.flatMap((v) => v.split(' '));
    expect(under(writable, filled.DATA_DIR!)).toBe(true);
    expect(under(writable, filled.SUPPORT_FILES_DIR!)).toBe(true);
  });

  it('the backup runs nightly as postgres, writes only its directory, and PostgreSQL archives WAL into it', () => {
    expect(timer.get('Timer.OnCalendar')).toHaveLength(1);
    expect(timer.get('Timer.Persistent')).toEqual(['true']);
    expect(backup.get('Service.User')).toEqual(['postgres']);
    expect(backup.get('Service.ExecStart')).toEqual(['/usr/local/sbin/abonent-backup']);
    expect(backup.get('Service.EnvironmentFile')).toEqual(app.get('Service.EnvironmentFile'));
    const dir = unitEnv(backup).BACKUP_DIR!;
    expect(backup.get('Service.ReadWritePaths')).toEqual([dir]);
    const pg = read('deploy/postgresql/abonent.conf');
    expect(pg).toMatch(/^archive_mode = on$/m);
    expect(pg).toContain(`archive_command = '/usr/local/bin/abonent-archive-wal %p %f ${dir}/wal'`);
  });

  it('FreeRADIUS starts after the app whose RADIUS API its rlm_rest connects to at start', () => {
    const dropIn = parseUnit(read('deploy/systemd/freeradius.service.d/abonent.conf'));
    expect(dropIn.get('Unit.After')).toEqual(['abonent.service']);
  });
});

describe('deploy/backup/abonent-archive-wal (archive_command) and the restore_command of docs/deploy.md', () => {
  const script = join(root, 'deploy/backup/abonent-archive-wal');
  const work = mkdtempSync(join(tmpdir(), 'abonent-archive-'));
  const archive = join(work, 'wal');
  const segment = join(work, '000000010000000000000007');
  writeFileSync(segment, randomBytes(64 * 1024));
  const archiveWal = (dir = archive) =>
    spawnSync(script, [segment, '000000010000000000000007', dir], { encoding: 'utf8' });
  const stored = join(archive, '000000010000000000000007.gz');

  it('fails, storing nothing, while the archive directory is missing (PostgreSQL keeps the segment and retries)', () => {
    const r = archiveWal();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('does not exist');
    expect(existsSync(archive)).toBe(false);
  });

  it('stores the segment compressed under its name, and nothing else', () => {
    mkdirSync(archive);
    expect(archiveWal().status).toBe(0);
    expect(gunzipSync(readFileSync(stored)).equals(readFileSync(segment))).toBe(true);
    expect(readdirSync(archive)).toEqual(['000000010000000000000007.gz']);
  });

  it('answers success for the same segment again, and refuses to overwrite it with other content', () => {
    expect(archiveWal().status).toBe(0);
    const before = readFileSync(stored);
    writeFileSync(segment, randomBytes(64 * 1024));
    const r = archiveWal();
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('not overwritten');
    expect(readFileSync(stored).equals(before)).toBe(true);
    expect(readdirSync(archive)).toEqual(['000000010000000000000007.gz']);
  });

  it('is read back by the restore_command, which fails for a segment not in the archive', () => {
    const command = /restore_command = '([^']+)'/.exec(read('docs/deploy.md'))![1]!;
    const restore = (name: string, to: string) =>
      spawnSync('/bin/sh', [
        '-c',
        command.replaceAll('/var/backups/abonent/wal', archive).replaceAll('%f', name).replace('%p', to),
      ]);
    expect(restore('000000010000000000000007', join(work, 'RECOVERYXLOG')).status).toBe(0);
    expect(gunzipSync(readFileSync(stored)).equals(readFileSync(join(work, 'RECOVERYXLOG')))).toBe(true);
    expect(restore('000000010000000000000008', join(work, 'MISSING')).status).not.toBe(0);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));
});

// ---- FreeRADIUS and the firewall ----

function filesUnder(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((f) =>
    statSync(join(root, dir, f)).isDirectory() ? filesUnder(join(dir, f)) : [join(dir, f)],
  );
}

describe('FreeRADIUS on Debian (deploy/default/freeradius) and deploy/nftables.conf', () => {
  const defaults = parseEnvFile(read('deploy/default/freeradius')).active;

  it('sets every $ENV{…} the shipped FreeRADIUS configuration reads', () => {
    const used = new Set(
      filesUnder('deploy/freeradius').flatMap((f) => [...read(f).matchAll(/\$ENV\{(\w+)\}/g)].map((m) => m[1]!)),
    );
    expect(used.size).toBeGreaterThan(3);
    expect([...used].filter((v) => !defaults.has(v))).toEqual([]);
    expect(defaults.get('FREERADIUS_OPTIONS')).toBe('-d /etc/freeradius/abonent');
  });

  it("points rlm_rest at Abonent's RADIUS API listener, with the template's key", () => {
    expect(defaults.get('ABONENT_RADIUS_URL')).toBe(`http://${filled.RADIUS_API_HOST}:${filled.RADIUS_API_PORT}`);
    expect(defaults.get('ABONENT_RADIUS_KEY')).toBe('<RADIUS_API_KEY>');
  });

  it('opens the RADIUS ports to the NAS only and lets CoA out to them', () => {
    const nft = read('deploy/nftables.conf').replace(/#[^\n]*/g, '');
    const ports = `{ ${defaults.get('RADIUS_AUTH_PORT')}, ${defaults.get('RADIUS_ACCT_PORT')} }`;
    expect(nft).toContain(`ip saddr @nas_v4 udp dport ${ports} accept`);
    expect(nft).toContain(`ip6 saddr @nas_v6 udp dport ${ports} accept`);
    expect(nft).toContain('ip daddr @nas_v4 udp dport 3799 accept');
    expect(nft).toMatch(/hook input priority filter; policy drop;/);
    expect(nft).not.toMatch(/dport[^\n]*\b(3000|3812|5432)\b/);
  });
});

// ---- docs and scripts ----

describe('docs and scripts', () => {
  it('every file in deploy/ is named in the docs', () => {
    const docs = readdirSync(join(root, 'docs'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => read(`docs/${f}`))
      .join('\n');
    const unnamed = filesUnder('deploy').filter((f) => {
      const parts = f.split('/');
      return !parts.some((_, i) => i > 0 && docs.includes(parts.slice(0, i + 1).join('/')));
    });
    expect(unnamed).toEqual([]);
  });

  const hasShellcheck = existsSync('/usr/bin/shellcheck');
  it.skipIf(!hasShellcheck)('the shell scripts pass shellcheck', () => {
    const scripts = [...filesUnder('deploy/backup'), ...filesUnder('deploy/bin'), 'scripts/deploy-rehearsal.sh'];
    const r = spawnSync('shellcheck', ['--severity=warning', ...scripts], { cwd: root, encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});
