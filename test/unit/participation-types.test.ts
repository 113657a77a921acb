// A participation type is one plug-in: its manifest (domain/participation/registry.ts), its workflow
// hooks (workflows/participation/hooks.ts), its workflow in the bundle (workflows/index.ts). tsc checks
// that every record covers the ParticipationType union; this checks the same at run time, against the
// spec's enum, so a record filled by a cast or an `any` cannot leave a type out unnoticed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { isParticipationType, participationType, PARTICIPATION_TYPES } from '../../domain/participation/registry';
import * as bundle from '../../workflows';
import { EVENT_HOOKS } from '../../workflows/participation/hooks';

const root = path.resolve(__dirname, '../..');
const specTypes: string[] = YAML.parse(fs.readFileSync(path.join(root, 'openapi/openapi.yaml'), 'utf8'), { maxAliasCount: -1 })
  .components.schemas.ParticipationType.enum;
const LIFECYCLE_KINDS = ['created', 'published', 'opened', 'extended', 'closed', 'results_published', 'cancelled'];

describe('participation types: one manifest and one set of workflow hooks per type of the spec', () => {
  it('has a manifest for every type of the spec, and no other', () => {
    assert.deepEqual(Object.keys(PARTICIPATION_TYPES).sort(), [...specTypes].sort());
    for (const t of specTypes) assert.ok(isParticipationType(t), t);
    assert.equal(isParticipationType('quiz'), false);
    assert.equal(isParticipationType('toString'), false);
  });

  it('gives each manifest its own type and every part, null where the type has none', () => {
    for (const [key, manifest] of Object.entries(PARTICIPATION_TYPES)) {
      assert.equal(manifest.type, key);
      assert.equal(typeof manifest.settings, 'function', `${key}: settings`);
      for (const part of ['response', 'offline', 'results'] as const) {
        assert.ok(manifest[part] === null || typeof manifest[part] === 'function', `${key}: ${part}`);
      }
    }
    assert.equal(participationType('poll'), PARTICIPATION_TYPES.poll);
  });

  it("exports each manifest's workflow from the workflow bundle under its workflow type", () => {
    for (const manifest of Object.values(PARTICIPATION_TYPES)) {
      assert.equal(manifest.workflowType, `${manifest.type}Workflow`);
      assert.equal(typeof (bundle as Record<string, unknown>)[manifest.workflowType], 'function', manifest.workflowType);
    }
  });

  it('has workflow hooks for every type, each declaring the steps it records besides the lifecycle', () => {
    assert.deepEqual(Object.keys(EVENT_HOOKS).sort(), [...specTypes].sort());
    for (const [type, plugin] of Object.entries(EVENT_HOOKS)) {
      assert.equal(typeof plugin.hooks, 'function', type);
      assert.ok(Array.isArray(plugin.eventKinds), type);
      for (const kind of plugin.eventKinds) assert.ok(!LIFECYCLE_KINDS.includes(kind), `${type}: ${kind} is the lifecycle's`);
    }
  });
});
