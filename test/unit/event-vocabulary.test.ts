// The public case event vocabulary is written in the spec (the source), typed from it in the code
// (tsc ties workflows/appeal/events.ts and the feed to the generated union), and listed in the docs for
// people: this test ties the docs' lists to the spec, and the code's runtime list too.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { CASE_EVENT_TYPES } from '../../workflows/appeal/events';

const root = path.resolve(__dirname, '../..');

let specTypes: string[] | undefined;
function specEventTypes(): string[] {
  specTypes ??= YAML.parse(fs.readFileSync(path.join(root, 'openapi/openapi.yaml'), 'utf8'), { maxAliasCount: -1 }).components.schemas.CaseEventType.enum;
  return specTypes!;
}

/** The `case.*` types named in the Markdown list item that starts with `start` (and its indented lines). */
function listedEventTypes(doc: string, start: string): string[] {
  const lines = fs.readFileSync(path.join(root, doc), 'utf8').split('\n');
  const first = lines.findIndex((l) => l.startsWith(start));
  assert.ok(first >= 0, `${doc} has a list item starting with ${start}`);
  let end = first + 1;
  while (end < lines.length && lines[end].startsWith('  ')) end += 1;
  return [...lines.slice(first, end).join(' ').matchAll(/`(case\.[a-z_]+)`/g)].map((m) => m[1]);
}

const sorted = (types: readonly string[]) => [...types].sort();

describe('the public case event vocabulary', () => {
  it('the spec enumerates each event type once', () => {
    const types = specEventTypes();
    assert.ok(types.length > 0);
    assert.equal(new Set(types).size, types.length);
  });

  it('the code publishes exactly the spec\'s event types', () => {
    assert.deepEqual(sorted(CASE_EVENT_TYPES), sorted(specEventTypes()));
  });

  it('the integration guide lists exactly the spec\'s event types', () => {
    assert.deepEqual(sorted(listedEventTypes('docs/integration.md', '- Types:')), sorted(specEventTypes()));
  });

  it('the webhook guide lists exactly the spec\'s event types', () => {
    assert.deepEqual(sorted(listedEventTypes('docs/webhooks.md', '- `events`:')), sorted(specEventTypes()));
  });
});
