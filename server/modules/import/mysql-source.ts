import type mysql from 'mysql2/promise';

import { AppError } from '../../../common/errors.js';
import { decodeBytes, repairMojibake } from './text-repair.js';

/**
 * A read-only connection to the source billing's MySQL/MariaDB (docs/import.md, "Databases"): the
 * session is READ ONLY, so nothing the import asks can change the old billing, even with a user that
 * could. Text comes as UTF-8 (the server converts from each column's charset, so cp1251 tables read
 * right) and is then checked for cp1251 bytes that went in through a latin1 connection (text-repair.ts).
 * Money is read as DECIMAL text, never as a float.
 */
export interface MysqlSource {
  rows<T>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Whether the source has this table (optional modules: ABillS Abon). */
  hasTable(name: string): Promise<boolean>;
  /** The underlying connection (tests check that it refuses writes). */
  connection: mysql.Connection;
  close(): Promise<void>;
}

export async function openMysqlSource(url: string): Promise<MysqlSource> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AppError('import_source_unreachable', {
      details: 'the URL is not mysql://user:password@host:port/database',
    });
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:')
    throw new AppError('import_source_unreachable', { details: 'the URL must start with mysql://' });
  // Loaded here, not at start: only an import from a MySQL billing needs the driver.
  const { createConnection } = await import('mysql2/promise');
  let connection: mysql.Connection;
  try {
    connection = await createConnection({
      host: u.hostname,
      port: u.port ? Number(u.port) : 3306,
      user: decodeURIComponent(u.username),
      password: decodeURIComponent(u.password),
      database: decodeURIComponent(u.pathname.replace(/^\//, '')),
      charset: 'UTF8MB4_GENERAL_CI',
      dateStrings: true,
      supportBigNumbers: true,
      bigNumberStrings: true,
      decimalNumbers: false,
      connectTimeout: 10_000,
    });
    await connection.query('SET SESSION TRANSACTION READ ONLY');
  } catch (e) {
    throw new AppError('import_source_unreachable', { details: (e as Error).message });
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  return {
    connection,
    async rows<T>(sql: string, params: unknown[] = []) {
      const [rows] = await connection.query(sql, params);
      return rows as T[];
    },
    async hasTable(name: string) {
      const [rows] = await connection.query(
        'SELECT 1 FROM information_schema.tables WHERE table_schema = ? AND table_name = ?',
        [database, name],
      );
      return (rows as unknown[]).length > 0;
    },
    close: () => connection.end().catch(() => {}),
  };
}

/** A text column (mojibake turned back), or bytes (DECODE()d passwords): UTF-8, else Windows-1251. */
export function text(v: Buffer | string | null | undefined): string {
  return textNoting(v).text;
}

/** Like `text`, saying whether the value had to be turned back from cp1251. */
export function textNoting(v: Buffer | string | null | undefined): { text: string; repaired: boolean } {
  if (v == null) return { text: '', repaired: false };
  const d = typeof v === 'string' ? repairMojibake(v) : decodeBytes(v);
  return { text: d.text, repaired: d.repaired !== null };
}

/** MySQL's zero date and empty values as null. */
export function day(v: string | null | undefined): string | null {
  return v && !v.startsWith('0000') ? v.slice(0, 10) : null;
}
