// Schemathesis (property-based API testing, from PyPI) against a running API with the API's own spec
// (GET /openapi.json): no 5xx, every status, content type, header and body as the spec says, schema-
// violating input rejected, missing auth refused. Installed on first use into .tools/schemathesis by
// ops/install-schemathesis.sh (pinned version).
//
//   npx tsx ops/schemathesis.ts --url http://127.0.0.1:8080 --admin-token otk_… --citizen-token otk_… \
//     [--case-id 22-2026-000001 …] [--region altai] [--max-examples 10] [--seed 1|random]
//
// test/badinput/schemathesis.test.ts runs it in a bounded form on a fresh platform.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { specOperations } from '../openapi/spec';

const root = path.resolve(__dirname, '..');
export const schemathesisBin = path.join(root, '.tools', 'schemathesis', 'bin', 'st');

/** Installs the pinned schemathesis when it is absent (a no-op otherwise). */
export function ensureSchemathesis(): void {
  execFileSync('bash', [path.join(root, 'ops', 'install-schemathesis.sh')], { stdio: 'inherit' });
}

export interface SchemathesisOptions {
  /** Base URL of the API, e.g. http://127.0.0.1:8080 (the spec is read from <url>/openapi.json). */
  url: string;
  /** Token of an administrator: every operation but the citizen's own is called with it. */
  adminToken: string;
  /** Token of a citizen: the operations only citizens may call (submissions, replies, ratings…) use it. */
  citizenToken: string;
  /** Values offered for path and body parameters, so that requests reach existing rows. */
  known?: { caseIds?: string[]; regionIds?: string[]; subcategoryIds?: string[]; territoryIds?: string[]; organisationIds?: string[] };
  /** Test cases per operation and phase (default 10). */
  maxExamples?: number;
  /** A seed for a reproducible run, or 'random' (default 1). */
  seed?: number | 'random';
  /** Schemathesis workers (default 1: hypothesis' lambda descriptions are not thread-safe on some Pythons). */
  workers?: number;
  /** The run is killed after this long (default 150 s). */
  timeoutMs?: number;
  /** Where the config and the reports go (default: a temporary directory). */
  workDir?: string;
  /** Receives schemathesis' output as it comes. */
  onOutput?: (chunk: string) => void;
}

export interface SchemathesisResult {
  /** schemathesis' exit code; 0 when every check passed. null when it was killed on timeout. */
  code: number | null;
  timedOut: boolean;
  output: string;
  seed: number;
  workDir: string;
  /** The checks that ran. */
  checks: string[];
}

/** Operations only citizens may call (the administrator would be refused them with 403): from the spec. */
export function citizenOperations(): string[] {
  return specOperations().filter((o) => o.roles.includes('citizen') && !o.roles.includes('administrator')).map((o) => o.operationId);
}

/**
 * Every check except positive_data_acceptance: schema-valid input that names a region, organisation or
 * case that does not exist is rightly refused (400/404/422), which that check would report.
 */
export const CHECKS = [
  'not_a_server_error', 'status_code_conformance', 'content_type_conformance', 'response_headers_conformance',
  'response_schema_conformance', 'negative_data_rejection', 'missing_required_header', 'unsupported_method',
  'allow_header_conformance', 'use_after_free', 'ensure_resource_availability', 'ignored_auth',
];

const toml = (v: string) => JSON.stringify(v); // a TOML basic string is a JSON string for these values

function dictionary(name: string, values: string[] | undefined): string {
  return values && values.length > 0 ? `${name} = { values = [${values.map(toml).join(', ')}] }\n` : '';
}

/** The schemathesis.toml of a run. Tokens are read from the environment, not written to disk. */
export function schemathesisConfig(o: SchemathesisOptions): string {
  const k = o.known ?? {};
  const bindings: [string, string, number, string[] | undefined][] = [
    ['path.caseId', 'cases', 0.9, k.caseIds],
    ['path.regionId', 'regions', 0.8, k.regionIds],
    ['body.regionId', 'regions', 0.9, k.regionIds],
    ['body.subcategoryId', 'subcategories', 0.9, k.subcategoryIds],
    ['body.territoryId', 'territories', 0.7, k.territoryIds],
    ['body.organisationId', 'organisations', 0.9, k.organisationIds],
  ];
  const used = bindings.filter((b) => b[3] && b[3].length > 0);
  return [
    '# Written by ops/schemathesis.ts for one run.',
    'headers = { Authorization = "Bearer ${OTKLIK_ST_ADMIN_TOKEN}" }',
    '',
    '[checks.negative_data_rejection]',
    '# A body over 1 MB is refused with 413 before it is read (documented on every operation with a body);',
    '# a request line and headers over 16 KiB with 431 before the app runs (api/server.ts).',
    'expected-statuses = [400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 428, 429, 431, "5xx"]',
    '',
    '[generation]',
    `max-examples = ${o.maxExamples ?? 10}`,
    '',
    '[dictionaries]',
    dictionary('cases', k.caseIds) + dictionary('regions', k.regionIds) + dictionary('subcategories', k.subcategoryIds)
      + dictionary('territories', k.territoryIds) + dictionary('organisations', k.organisationIds),
    '[parameters]',
    ...used.map(([key, dict, p]) => `${toml(key)} = { dictionary = ${toml(dict)}, probability = ${p} }`),
    '',
    '[[operations]]',
    `include-operation-id = [${citizenOperations().map(toml).join(', ')}]`,
    'headers = { Authorization = "Bearer ${OTKLIK_ST_CITIZEN_TOKEN}" }',
    '',
  ].join('\n');
}

export async function runSchemathesis(o: SchemathesisOptions): Promise<SchemathesisResult> {
  ensureSchemathesis();
  const workDir = o.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-schemathesis-'));
  fs.mkdirSync(workDir, { recursive: true });
  const configFile = path.join(workDir, 'schemathesis.toml');
  fs.writeFileSync(configFile, schemathesisConfig(o));
  const seed = o.seed === 'random' ? Math.floor(Math.random() * 2 ** 31) : (o.seed ?? 1);
  const args = [
    '--config-file', configFile, 'run', `${o.url.replace(/\/$/, '')}/openapi.json`,
    '--checks', CHECKS.join(','),
    '--seed', String(seed),
    '--workers', String(o.workers ?? 1),
    '--request-timeout', '30',
    '--generation-database', 'none',
    '--no-color',
    '--report', 'junit', '--report-dir', path.join(workDir, 'reports'),
  ];
  return new Promise<SchemathesisResult>((resolve, reject) => {
    const child = spawn(schemathesisBin, args, {
      cwd: workDir,
      env: {
        ...process.env,
        OTKLIK_ST_ADMIN_TOKEN: o.adminToken,
        OTKLIK_ST_CITIZEN_TOKEN: o.citizenToken,
        PYTHONUNBUFFERED: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const take = (b: Buffer) => {
      const s = b.toString('utf8');
      output += s;
      o.onOutput?.(s);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 5000).unref();
    }, o.timeoutMs ?? 150_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      fs.writeFileSync(path.join(workDir, 'output.txt'), output);
      resolve({ code: timedOut ? null : code, timedOut, output, seed, workDir, checks: CHECKS });
    });
  });
}

function argValue(argv: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) if (argv[i] === name && argv[i + 1] !== undefined) out.push(argv[++i]);
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const one = (n: string) => argValue(argv, n)[0];
  const url = one('--url');
  const adminToken = one('--admin-token') ?? process.env.OTKLIK_ST_ADMIN_TOKEN;
  const citizenToken = one('--citizen-token') ?? process.env.OTKLIK_ST_CITIZEN_TOKEN;
  if (!url || !adminToken || !citizenToken) {
    console.error('usage: npx tsx ops/schemathesis.ts --url <api base url> --admin-token <token> --citizen-token <token> '
      + '[--case-id <id>]… [--region <id>]… [--subcategory <id>]… [--territory <id>]… [--organisation <id>]… '
      + '[--max-examples <n>] [--seed <n>|random] [--report-dir <dir>]');
    process.exit(2);
  }
  const seedArg = one('--seed');
  const result = await runSchemathesis({
    url, adminToken, citizenToken,
    known: {
      caseIds: argValue(argv, '--case-id'), regionIds: argValue(argv, '--region'), subcategoryIds: argValue(argv, '--subcategory'),
      territoryIds: argValue(argv, '--territory'), organisationIds: argValue(argv, '--organisation'),
    },
    maxExamples: one('--max-examples') ? Number(one('--max-examples')) : undefined,
    seed: seedArg === 'random' ? 'random' : seedArg ? Number(seedArg) : undefined,
    workDir: one('--report-dir'),
    timeoutMs: 3_600_000,
    onOutput: (s) => process.stdout.write(s),
  });
  console.log(`\nschemathesis: exit ${result.code}, seed ${result.seed}, reports in ${result.workDir}`);
  process.exit(result.code ?? 1);
}

if (require.main === module) {
  main().catch((e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
