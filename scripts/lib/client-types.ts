import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../../src/api/openapi.js';

/** The text of packages/client/src/api-types.ts as the current OpenAPI document makes it. */
export async function clientTypesSource(): Promise<string> {
  // defaultNonNullable off: a field with a default may be left out of a request.
  const ast = await openapiTS(openApiDocument() as Parameters<typeof openapiTS>[0], { defaultNonNullable: false });
  return [
    '// Generated from the OpenAPI document (src/api/openapi.ts) by scripts/generate-client-types.ts',
    '// with openapi-typescript. Do not edit: run `npm run generate:client-types`.',
    '',
    astToString(ast),
  ].join('\n');
}
