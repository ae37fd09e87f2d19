// `npm run api:generate`: writes the served OpenAPI document to docs/api/openapi.json, the web
// client's types to web/src/api/schema.ts (decision 0007) and docs/auth.md's role matrix from the
// operations' x-roles (issue 26). Run it after changing a route, a schema or a guard, and commit the
// files with the change.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { OPENAPI_FILE, ROOT, servedOpenApiDocument, WEB_TYPES_FILE, webTypes } from '../server/test/api-contract.js';
import { AUTH_DOC_FILE, withRoleMatrix } from '../server/test/role-matrix.js';

const document = await servedOpenApiDocument();
const types = await webTypes(document);
const authDoc = withRoleMatrix(readFileSync(join(ROOT, AUTH_DOC_FILE), 'utf8'), document);
for (const [file, text] of [
  [OPENAPI_FILE, document],
  [WEB_TYPES_FILE, types],
  [AUTH_DOC_FILE, authDoc],
] as const) {
  mkdirSync(dirname(join(ROOT, file)), { recursive: true });
  writeFileSync(join(ROOT, file), text);
  console.log(`wrote ${file}`);
}
