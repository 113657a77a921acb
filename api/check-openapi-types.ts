// openapi/types.ts is generated from openapi/openapi.yaml (`npm run openapi:types`). This check
// regenerates it in memory, exactly as the CLI does, and reports when the committed file is stale.
// Run: npx tsx api/check-openapi-types.ts  (exit code 1 when stale)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { specPath } from '../openapi/spec';

export const typesPath = path.join(__dirname, '..', 'openapi', 'types.ts');

/** The text `openapi-typescript openapi/openapi.yaml -o openapi/types.ts` would write. */
export async function generateOpenApiTypes(): Promise<string> {
  const ast = await openapiTS(pathToFileURL(specPath), { silent: true });
  return `${COMMENT_HEADER}${astToString(ast)}`;
}

export async function openApiTypesAreCurrent(): Promise<{ current: boolean; expected: string; actual: string | null }> {
  const expected = await generateOpenApiTypes();
  const actual = fs.existsSync(typesPath) ? fs.readFileSync(typesPath, 'utf8') : null;
  return { current: actual === expected, expected, actual };
}

if (require.main === module) {
  openApiTypesAreCurrent().then(
    ({ current }) => {
      if (current) {
        console.log('openapi/types.ts is up to date');
      } else {
        console.error('openapi/types.ts is stale: run `npm run openapi:types` and commit the result');
        process.exit(1);
      }
    },
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}
