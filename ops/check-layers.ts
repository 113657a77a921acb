// The house rules that a reader can check by machine, over every product .ts file (not test/):
//
//   - layers: ops → api → domain → db, and ops → activities → domain → db; nothing imports a layer
//     above its own, api and activities do not import each other, and every layer may import the
//     workflows' message definitions and pure rules (workflows/) and the generated API types (openapi/);
//   - workflows import nothing at run time from outside workflows/ (`import type` is fine);
//   - no import circles;
//   - no function longer than MAX_FUNCTION_LINES lines (the generated openapi/types.ts excepted);
//   - workflows keep no state at module scope: the worker evaluates workflows/ once per thread and every
//     workflow shares its modules (ops/workflow-bundle.ts preloads them), so a module-level `let`, a
//     collection created there or a statement run there would leak from one case's workflow into another's.
//
// `npx tsx ops/check-layers.ts` prints what it finds and exits 1 on a broken rule; test/unit/layers.test.ts
// runs the same checks in the test suite.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

export const MAX_FUNCTION_LINES = 80;

const PRODUCT_FOLDERS = ['ops', 'api', 'activities', 'domain', 'db', 'workflows', 'openapi'] as const;
type Layer = (typeof PRODUCT_FOLDERS)[number];

/** Which layers each layer may import (besides itself). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  ops: ['api', 'activities', 'domain', 'db', 'workflows', 'openapi'],
  api: ['domain', 'db', 'workflows', 'openapi'],
  activities: ['domain', 'db', 'workflows', 'openapi'],
  domain: ['db', 'workflows', 'openapi'],
  db: ['workflows', 'openapi'],
  // Workflows run in Temporal's sandbox: only type-only imports may leave the folder (checked apart).
  workflows: ['ops', 'api', 'activities', 'domain', 'db', 'openapi'],
  openapi: [],
};

/** Generated, not written: exempt from the function-length rule. */
const GENERATED = new Set(['openapi/types.ts']);

export interface ImportEdge {
  from: string;
  to: string;
  typeOnly: boolean;
}

export interface LayerReport {
  /** Imports against the direction of the layers, and run-time imports out of workflows/. */
  violations: string[];
  /** Import circles, each as the files around it. */
  circles: string[][];
  /** Functions longer than MAX_FUNCTION_LINES: "file:line name (N lines)". */
  longFunctions: string[];
  /** Module-level state in workflows/: "file:line what". */
  moduleState: string[];
}

function layerOf(file: string): Layer {
  return file.split('/')[0] as Layer;
}

/** Every product .ts file under root, as a root-relative path with '/' separators. */
export function productFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) out.push(rel);
    }
  };
  for (const folder of PRODUCT_FOLDERS) if (fs.existsSync(path.join(root, folder))) walk(folder);
  return out.sort();
}

function resolveImport(root: string, from: string, spec: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [`${base}.ts`, `${base}/index.ts`]) {
    if (fs.existsSync(path.join(root, candidate))) return candidate;
  }
  return undefined;
}

/** Whether an import or export declaration brings in types only (elided at run time). */
function declarationIsTypeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    return node.isTypeOnly || (!!node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly));
  }
  const clause = node.importClause;
  if (!clause) return false; // import './x' runs x
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

/** The relative imports of one source file (declarations, `import()` calls and `import('…')` types). */
export function importsOf(source: ts.SourceFile): { spec: string; typeOnly: boolean }[] {
  const found: { spec: string; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push({ spec: node.moduleSpecifier.text, typeOnly: declarationIsTypeOnly(node) });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ spec: node.argument.literal.text, typeOnly: true });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      found.push({ spec: node.arguments[0].text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found.filter((i) => i.spec.startsWith('.'));
}

function functionName(node: ts.Node): string {
  const named = node as { name?: ts.Node };
  if (named.name && ts.isIdentifier(named.name)) return named.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const parent = node.parent;
  if (parent && (ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent)) && ts.isIdentifier(parent.name)) {
    return parent.name.text;
  }
  return '(anonymous)';
}

/** Functions of the file longer than MAX_FUNCTION_LINES lines. */
export function longFunctionsOf(file: string, source: ts.SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && (node as ts.FunctionLikeDeclaration).body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      const lines = last - first + 1;
      if (lines > MAX_FUNCTION_LINES) found.push(`${file}:${first + 1} ${functionName(node)} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Memos at module scope of workflows/ that may be shared by every workflow of a thread: each remembers
 * the answer of a pure check, so sharing it changes no workflow's result. file → the memo's name.
 */
const SHARED_MEMOS: Record<string, readonly string[]> = {
  'workflows/rules/answer-term.ts': ['validZones'],
};

const COLLECTIONS = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array']);

/**
 * State a workflow module keeps at module scope (see the header): `let`/`var` declarations, collections
 * created there (but the pure memos above) and statements run there.
 */
export function moduleStateOf(file: string, source: ts.SourceFile): string[] {
  const found: string[] = [];
  const at = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  for (const statement of source.statements) {
    if (ts.isExpressionStatement(statement)) found.push(`${at(statement)} a statement run at module scope`);
    if (!ts.isVariableStatement(statement)) continue;
    const list = statement.declarationList;
    if (!(list.flags & ts.NodeFlags.Const)) {
      found.push(`${at(statement)} a module-level ${list.flags & ts.NodeFlags.Let ? 'let' : 'var'}`);
      continue;
    }
    for (const d of list.declarations) {
      const init = d.initializer;
      const created = init && ts.isNewExpression(init) && ts.isIdentifier(init.expression) && COLLECTIONS.has(init.expression.text);
      const name = ts.isIdentifier(d.name) ? d.name.text : d.name.getText(source);
      if (created && !(SHARED_MEMOS[file] ?? []).includes(name)) found.push(`${at(d)} ${name}: a collection created at module scope`);
    }
  }
  return found;
}

/** The circles of a directed graph (one per strongly connected component of more than one file, or a self-import). */
export function circlesOf(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  // Tarjan's algorithm, iterative enough for a code base of a few hundred files.
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[][] = [];
  const connect = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || (next.get(v) ?? []).includes(v)) circles.push(component.sort());
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) connect(v);
  return circles;
}

/** The checks over the product files under root. */
export function checkLayers(root: string): LayerReport {
  const violations: string[] = [];
  const longFunctions: string[] = [];
  const moduleState: string[] = [];
  const edges: ImportEdge[] = [];
  for (const file of productFiles(root)) {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(root, file), 'utf8'), ts.ScriptTarget.ES2022, true);
    if (!GENERATED.has(file)) longFunctions.push(...longFunctionsOf(file, source));
    if (layerOf(file) === 'workflows') moduleState.push(...moduleStateOf(file, source));
    for (const { spec, typeOnly } of importsOf(source)) {
      const to = resolveImport(root, file, spec);
      // Not a product .ts file (JSON, YAML, the test runner's hooks in test/): no layer.
      if (!to || !(PRODUCT_FOLDERS as readonly string[]).includes(layerOf(to))) continue;
      edges.push({ from: file, to, typeOnly });
      const [fromLayer, toLayer] = [layerOf(file), layerOf(to)];
      if (fromLayer === 'workflows' && toLayer !== 'workflows' && !typeOnly) {
        violations.push(`${file} imports ${to} at run time: workflows import only type-only from outside workflows/`);
      } else if (fromLayer !== toLayer && !MAY_IMPORT[fromLayer].includes(toLayer)) {
        violations.push(`${file} (${fromLayer}) imports ${to} (${toLayer}): ${fromLayer} may import only ${MAY_IMPORT[fromLayer].join(', ') || 'itself'}`);
      }
    }
  }
  return { violations, circles: circlesOf(edges), longFunctions, moduleState };
}

if (require.main === module) {
  const report = checkLayers(path.join(__dirname, '..'));
  for (const v of report.violations) console.log(`layer: ${v}`);
  for (const c of report.circles) console.log(`circle: ${c.join(' ↔ ')}`);
  for (const f of report.longFunctions) console.log(`long function: ${f}`);
  for (const m of report.moduleState) console.log(`workflow module state: ${m}`);
  const broken = report.violations.length + report.circles.length + report.longFunctions.length + report.moduleState.length;
  console.log(broken === 0 ? 'layers, circles, function lengths and workflow module state: all rules hold' : `${broken} broken rule(s)`);
  process.exitCode = broken === 0 ? 0 : 1;
}
