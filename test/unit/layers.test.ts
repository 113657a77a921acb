import assert from 'node:assert/strict';
import path from 'node:path';
import ts from 'typescript';
import { checkLayers, circlesOf, importsOf, longFunctionsOf, MAX_FUNCTION_LINES, moduleStateOf } from '../../ops/check-layers';

const root = path.join(__dirname, '..', '..');

function source(text: string): ts.SourceFile {
  return ts.createSourceFile('x.ts', text, ts.ScriptTarget.ES2022, true);
}

describe('the house rules, checked by ops/check-layers.ts', () => {
  const report = checkLayers(root);

  it('has no import from a lower layer to a higher one, and no run-time import out of workflows/', () => {
    assert.deepEqual(report.violations, []);
  });

  it('has no import circles', () => {
    assert.deepEqual(report.circles, []);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines in product code (the generated openapi/types.ts excepted)`, () => {
    assert.deepEqual(report.longFunctions, []);
  });

  it('keeps no state at module scope in workflows/ (the worker shares their modules between workflows)', () => {
    assert.deepEqual(report.moduleState, []);
  });

  describe('the checker', () => {
    it('tells type-only imports from run-time ones', () => {
      const found = importsOf(source(`
        import type { A } from './a';
        import { type B, type C } from './b';
        import { D, type E } from './d';
        import './side-effect';
        export type { F } from './f';
        export { G } from './g';
        type H = import('./h').H;
        const i = import('./i');
        import fs from 'node:fs';`));
      assert.deepEqual(found, [
        { spec: './a', typeOnly: true }, { spec: './b', typeOnly: true }, { spec: './d', typeOnly: false },
        { spec: './side-effect', typeOnly: false }, { spec: './f', typeOnly: true }, { spec: './g', typeOnly: false },
        { spec: './h', typeOnly: true }, { spec: './i', typeOnly: false },
      ]);
    });

    it('finds circles, however long, and only circles', () => {
      const edge = (from: string, to: string) => ({ from, to, typeOnly: false });
      assert.deepEqual(circlesOf([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd'), edge('e', 'e')]), [['a', 'b', 'c'], ['e']]);
      assert.deepEqual(circlesOf([edge('a', 'b'), edge('b', 'c'), edge('a', 'c')]), []);
    });

    it(`reports functions of more than ${MAX_FUNCTION_LINES} lines, with their names`, () => {
      const body = (n: number) => Array.from({ length: n - 2 }, () => '  x++;').join('\n');
      const text = `let x = 0;\nfunction short() {\n${body(MAX_FUNCTION_LINES)}\n}\nconst long = () => {\n${body(MAX_FUNCTION_LINES + 1)}\n};\n`;
      assert.deepEqual(longFunctionsOf('x.ts', source(text)), [`x.ts:${MAX_FUNCTION_LINES + 2} long (${MAX_FUNCTION_LINES + 1} lines)`]);
    });

    it('finds module-level state in a workflow module, and lets constants, definitions and the pure memos be', () => {
      const text = [
        "import { defineUpdate, proxyActivities } from '@temporalio/workflow';",
        "export const doneUpdate = defineUpdate<void>('done');",
        "const activities = proxyActivities({ startToCloseTimeout: '1 minute' });",
        "const LIMITS = { max: 3 } as const;",
        'let calls = 0;',
        'var legacy = 1;',
        'const seen = new Map<string, number>();',
        'const validZones = new Set<string>();',
        "activities.toString();",
        'export function f() { let local = 0; return local + calls + legacy + LIMITS.max + seen.size; }',
      ].join('\n');
      assert.deepEqual(moduleStateOf('x.ts', source(text)), [
        'x.ts:5 a module-level let', 'x.ts:6 a module-level var', 'x.ts:7 seen: a collection created at module scope',
        'x.ts:8 validZones: a collection created at module scope', 'x.ts:9 a statement run at module scope',
      ]);
      // The one memo allowed, in the file it is allowed in.
      assert.deepEqual(moduleStateOf('workflows/rules/answer-term.ts', source('const validZones = new Set<string>();')), []);
    });
  });
});
