import { describe, expect, it } from 'vitest';

import { committed, OPENAPI_FILE, servedOpenApiDocument, WEB_TYPES_FILE, webTypes } from './test/api-contract.js';
import { AUTH_DOC_FILE, withRoleMatrix } from './test/role-matrix.js';

/** A unified-style excerpt of the lines that differ (with 3 lines of context), for a readable failure. */
function lineDiff(expected: string, actual: string, max = 80): string {
  const a = expected.split('\n');
  const b = actual.split('\n');
  // Longest common subsequence on lines: the documents are a few thousand lines, small enough.
  const n = a.length;
  const m = b.length;
  const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const ops: { sign: ' ' | '-' | '+'; line: string; at: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ sign: ' ', line: a[i++]!, at: j++ });
    else if (i < n && (j === m || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) ops.push({ sign: '-', line: a[i++]!, at: j });
    else ops.push({ sign: '+', line: b[j]!, at: j++ });
  }
  const keep = new Set<number>();
  ops.forEach((op, k) => {
    if (op.sign !== ' ') for (let c = k - 3; c <= k + 3; c++) keep.add(c);
  });
  const out: string[] = [];
  let last = -2;
  for (const k of [...keep].filter((k) => k >= 0 && k < ops.length).sort((x, y) => x - y)) {
    if (k !== last + 1) out.push(`@@ line ${ops[k]!.at + 1} @@`);
    out.push(`${ops[k]!.sign} ${ops[k]!.line}`);
    last = k;
  }
  return out.length > max ? [...out.slice(0, max), `… ${out.length - max} more lines`].join('\n') : out.join('\n');
}

function expectSame(file: string, expected: string | null, actual: string) {
  if (expected === actual) return;
  const diff = expected === null ? `${file} does not exist` : lineDiff(expected, actual);
  expect.fail(
    `${file} differs from what the server serves (- committed, + served). If the API change is intended, ` +
      `run \`npm run api:generate\` and commit ${OPENAPI_FILE}, ${WEB_TYPES_FILE} and docs/auth.md with it.\n${diff}`,
  );
}

/**
 * The API contract is reviewed as a file: a route or schema change that is not regenerated and
 * committed (docs/api/openapi.json, web/src/api/schema.ts) fails here with the difference.
 */
describe('API contract', () => {
  it('the committed OpenAPI document and web types are what the server serves', async () => {
    const served = await servedOpenApiDocument();
    expectSame(OPENAPI_FILE, committed(OPENAPI_FILE), served);
    expectSame(WEB_TYPES_FILE, committed(WEB_TYPES_FILE), await webTypes(served));
    // The role matrix of docs/auth.md is generated from the operations' x-roles (issue 26).
    const authDoc = committed(AUTH_DOC_FILE) ?? '';
    expectSame(AUTH_DOC_FILE, authDoc, withRoleMatrix(authDoc, served));
  }, 120_000);
});
