// `npm run api:generate`: writes the served OpenAPI document to docs/api/openapi.json and the web
// client's types to web/src/api/schema.ts (decision 0007). Run it after changing a route or a schema,
// and commit both files with the change.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { OPENAPI_FILE, ROOT, servedOpenApiDocument, WEB_TYPES_FILE, webTypes } from '../server/test/api-contract.js';

const document = await servedOpenApiDocument();
const types = await webTypes(document);
for (const [file, text] of [
  [OPENAPI_FILE, document],
  [WEB_TYPES_FILE, types],
] as const) {
  mkdirSync(dirname(join(ROOT, file)), { recursive: true });
  writeFileSync(join(ROOT, file), text);
  console.log(`wrote ${file}`);
}
