// Writes the client package's API types (packages/client/src/api-types.ts) from the OpenAPI document
// the API serves, which is built from the zod schemas that validate its requests: one source for
// the server's checks, the document and the client's types. `npm run generate:client-types`;
// a unit test (test/unit/client-package.test.ts) fails when the file is behind the schemas.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { clientTypesSource } from './lib/client-types.js';

const target = fileURLToPath(new URL('../packages/client/src/api-types.ts', import.meta.url));
writeFileSync(target, await clientTypesSource());
console.log(`wrote ${target}`);
