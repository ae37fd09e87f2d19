// Debian packages the tests and benchmarks run against (real FreeRADIUS, Chromium, poppler…): installed
// when missing (as root), or the exact command is named and the run stops. Shared by scripts/test.mjs
// (`npm test`) and every bench under bench/ (`npm run bench:<name>`, BENCH_NEEDS).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const FREERADIUS = [
  { pkg: 'freeradius', path: '/usr/sbin/freeradius', why: 'network tests through real FreeRADIUS (rlm_rest)' },
  { pkg: 'freeradius-utils', path: '/usr/bin/radclient', why: 'radclient playing the NAS in network tests' },
  {
    pkg: 'freeradius-rest',
    path: '/usr/lib/freeradius/rlm_rest.so',
    why: 'the rlm_rest module FreeRADIUS calls Abonent with',
  },
];

/** What `npm test` needs. */
export const TEST_NEEDS = [
  { pkg: 'chromium', path: '/usr/bin/chromium', why: 'end-to-end tests' },
  { pkg: 'poppler-utils', path: '/usr/bin/pdftotext', why: 'reading generated PDFs in tests' },
  { pkg: 'libxml2-utils', path: '/usr/bin/xmllint', why: 'validating the 1C export against its schema' },
  { pkg: 'fonts-dejavu-core', path: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf', why: 'Cyrillic fonts in PDFs' },
  ...FREERADIUS,
  { pkg: 'openssl', path: '/usr/bin/openssl', why: 'certificates for the TLS test of the rlm_rest link' },
  {
    pkg: 'ca-certificates',
    path: '/etc/ssl/certs/ca-certificates.crt',
    why: 'ABONENT_RADIUS_CA of the shipped FreeRADIUS configuration',
  },
  {
    pkg: 'mariadb-server-core',
    path: '/usr/sbin/mariadbd',
    why: 'the Ubilling and ABillS import tests, on a MariaDB they start (no service is installed)',
  },
  {
    // mariadb-install-db calls my_print_defaults, which mariadb-server-core does not bring along.
    pkg: 'mariadb-client-core',
    path: '/usr/bin/my_print_defaults',
    why: 'mariadb-install-db, which makes the import tests their MariaDB data directory',
  },
  {
    pkg: 'shellcheck',
    path: '/usr/bin/shellcheck',
    why: 'checking the shipped shell scripts (deploy/, the rehearsal)',
  },
];

/**
 * What each `npm run bench:<name>` needs from Debian, called at its start (bench/*.ts). The database is
 * not here: PGlite is in node_modules, and PostgreSQL is the server DATABASE_URL names (as for
 * `npm test`; bench:radius defaults to the local one) — its client is the `pg` package.
 */
export const BENCH_NEEDS = {
  /** PGlite or DATABASE_URL's server, and nothing from Debian. */
  billing: [],
  api: [],
  payments: [],
  ledger: [],
  /** Reads (or builds) dist/web with the project's own Vite. */
  web: [],
  /** The documented CSV files (no MariaDB: the CSV path of `abonent import`). */
  import: [],
  /** FreeRADIUS for both sides, rlm_sql on PostgreSQL for the peer, a C compiler for the load generator. */
  radius: [
    ...FREERADIUS,
    {
      pkg: 'freeradius-postgresql',
      path: '/usr/lib/freeradius/rlm_sql_postgresql.so',
      why: 'the rlm_sql peer FreeRADIUS the benchmark compares with',
    },
    {
      pkg: 'ca-certificates',
      path: '/etc/ssl/certs/ca-certificates.crt',
      why: 'ABONENT_RADIUS_CA of the shipped FreeRADIUS configuration',
    },
    { pkg: 'gcc', path: '/usr/bin/cc', why: 'building bench/radload.c, the load generator' },
    { pkg: 'libc6-dev', path: '/usr/include/stdio.h', why: 'the C library headers radload.c is built with' },
    { pkg: 'procps', path: '/usr/bin/pgrep', why: "finding PostgreSQL's processes for its CPU per request" },
  ],
};

/** Installs what is missing (as root), else prints the command and exits 1. */
export function ensureDebianPackages(needs, what = 'the tests') {
  const missing = needs.filter((n) => !existsSync(n.path));
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((m) => m.pkg))].join(' ');
  const cmd = `apt-get update && apt-get install -y --no-install-recommends ${pkgs}`;
  if (process.getuid?.() !== 0) {
    console.error(`Missing Debian packages for ${what} (${missing.map((m) => `${m.pkg}: ${m.why}`).join('; ')}).`);
    console.error(`Install them with:\n  sudo sh -c '${cmd}'`);
    process.exit(1);
  }
  console.log(`Installing ${pkgs} …`);
  const r = spawnSync('sh', ['-c', `DEBIAN_FRONTEND=noninteractive ${cmd}`], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`Could not install: ${cmd}`);
    process.exit(1);
  }
}
