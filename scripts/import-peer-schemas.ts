// Regenerates the MariaDB schemas the import tests load (server/test/fixtures/import/*.sql): the tables
// Abonent reads, copied verbatim from the peers' published dumps at a commit (docs/import.md, "Sources").
//
//   npx tsx scripts/import-peer-schemas.ts <Ubilling checkout> <abills checkout>
//
// (git clones of github.com/nightflyza/Ubilling and github.com/anphsw/abills; HEAD of each is used.)
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const [ubilling, abills] = process.argv.slice(2);
if (!ubilling || !abills) {
  console.error('usage: npx tsx scripts/import-peer-schemas.ts <Ubilling checkout> <abills checkout>');
  process.exit(1);
}
const git = (repo: string, ...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
const show = (repo: string, commit: string, path: string) => git(repo, 'show', `${commit}:${path}`);

function statement(text: string, start: RegExp): string {
  const m = start.exec(text);
  if (!m) throw new Error(`not found: ${start}`);
  const end = /;[ \t]*$/m;
  end.lastIndex = 0;
  const rest = text.slice(m.index);
  const e = end.exec(rest);
  if (!e) throw new Error(`no end: ${start}`);
  return rest.slice(0, e.index + e[0].length);
}
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const tables = (text: string, names: string[]) =>
  names.map((n) => statement(text, new RegExp(`^CREATE TABLE (IF NOT EXISTS )?\`${escape(n)}\`[\\s(]`, 'm')));
const insert = (text: string, prefix: string) => statement(text, new RegExp(`^${escape(prefix)}`, 'm'));

const uc = git(ubilling, 'rev-parse', 'HEAD').trim();
const ac = git(abills, 'rev-parse', 'HEAD').trim();
const stg = show(ubilling, uc, 'docs/dumps/stargazer.sql');
const ub = show(ubilling, uc, 'docs/dumps/ubilling.sql');
const UBILLING_TABLES = [
  'address',
  'apt',
  'build',
  'street',
  'city',
  'contracts',
  'contractdates',
  'emails',
  'phones',
  'realname',
  'passportdata',
  'payments',
  'paymentscorr',
  'cashtype',
  'nethosts',
  'networks',
  'nas',
  'speeds',
  'tags',
  'tagtypes',
  'vservices',
  'userreg',
  'cemetery',
];
writeFileSync(
  'server/test/fixtures/import/ubilling-schema.sql',
  `-- The tables Abonent's Ubilling import reads (server/modules/import/read-ubilling.ts), copied verbatim
-- from nightflyza/Ubilling at commit ${uc}:
--   docs/dumps/stargazer.sql (users, tariffs) and docs/dumps/ubilling.sql (the rest, with its cashtype row).
-- Regenerate: npx tsx scripts/import-peer-schemas.ts <Ubilling checkout> <abills checkout>. Cited in docs/import.md.

${[...tables(stg, ['tariffs', 'users']), ...tables(ub, UBILLING_TABLES), insert(ub, 'INSERT INTO `cashtype`')].join('\n\n')}
`,
);
const ab = show(abills, ac, 'db/abills.sql');
const abon = show(abills, ac, 'db/Abon.sql');
const ABILLS_TABLES = [
  'users',
  'users_pi',
  'bills',
  'groups',
  'companies',
  'users_contact_types',
  'users_contacts',
  'districts',
  'streets',
  'builds',
  'tarif_plans',
  'intervals',
  'trafic_tarifs',
  'internet_main',
  'nas',
  'ippools',
  'payments',
  'payments_type',
];
writeFileSync(
  'server/test/fixtures/import/abills-schema.sql',
  `-- The tables Abonent's ABillS import reads (server/modules/import/read-abills.ts), copied verbatim
-- from anphsw/abills at commit ${ac}:
--   db/abills.sql (with its payments_type and users_contact_types rows; since ABillS 0.77.77 it also holds
--   internet_main, which db/Internet.sql held up to 0.76.45, commit 1ee0862b3f451e3e01d400cb840d0d12899d3215)
--   and db/Abon.sql (abon_tariffs, abon_user_list).
-- Regenerate: npx tsx scripts/import-peer-schemas.ts <Ubilling checkout> <abills checkout>. Cited in docs/import.md.

SET SESSION sql_mode = 'NO_AUTO_VALUE_ON_ZERO';

${[
  ...tables(ab, ABILLS_TABLES),
  insert(ab, 'REPLACE INTO `payments_type`'),
  insert(ab, 'REPLACE INTO `users_contact_types`'),
  ...tables(abon, ['abon_tariffs', 'abon_user_list']),
].join('\n\n')}
`,
);
console.log(`Ubilling ${uc}, abills ${ac}`);
