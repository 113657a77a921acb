import assert from 'node:assert/strict';
import { openApiTypesAreCurrent } from '../../api/check-openapi-types';

describe('openapi/types.ts', () => {
  it('is what openapi-typescript generates from openapi/openapi.yaml (run `npm run openapi:types` if not)', async () => {
    const { current, actual } = await openApiTypesAreCurrent();
    assert.notEqual(actual, null, 'openapi/types.ts is missing');
    assert.ok(current, 'openapi/types.ts is stale: run `npm run openapi:types`');
  });
});
