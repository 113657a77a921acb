// The worker's workflow bundle, built once per version of the workflow code and kept in a file, as
// Temporal recommends for production workers (samples-typescript's production sample): webpack then
// runs in a short-lived child process instead of the worker, whose memory would otherwise keep what
// bundling allocated, and a restarted worker starts without bundling again.
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { projectRoot } from './embedded';

/** Where bundles are kept (gitignored); one file per version of the inputs. */
export const BUNDLE_DIR = path.join(projectRoot, '.build');

/**
 * What the bundle is made of: the workflows' sources (they import nothing at run time outside
 * workflows/ but npm packages, ops/check-layers.ts) and the locked versions of those packages.
 */
function bundleInputs(): string[] {
  const workflows = path.join(projectRoot, 'workflows');
  const files = (fs.readdirSync(workflows, { recursive: true }) as string[])
    .map((rel) => path.join(workflows, rel))
    .filter((file) => fs.statSync(file).isFile())
    .sort();
  // This file too: it holds the bundler's options.
  return [...files, path.join(projectRoot, 'package-lock.json'), __filename];
}

/** A digest of the inputs' paths and contents: the bundle file's name. */
export function bundleKey(files = bundleInputs()): string {
  const hash = crypto.createHash('sha256');
  for (const file of files) {
    hash.update(path.relative(projectRoot, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * What the worker's bundle (and the tests' one, test/support/temporal.ts) is built from. The whole of
 * workflows/ is preloaded: evaluated once per worker thread and shared by every workflow, instead of once
 * per workflow the worker loads or replays (the SDK's default). That is safe because no workflow module
 * keeps a workflow's state at module scope (ops/check-layers.ts refuses one that does); what they hold
 * there are constants, message definitions and activity proxies, which look up the current workflow when
 * called. Profiles of the workflow thread showed modules' set-up (luxon's first) in every new
 * workflow, and each cached workflow kept its own copy of them.
 */
export const WORKFLOW_BUNDLE_OPTIONS = {
  workflowsPath: require.resolve('../workflows'),
  preloadModules: [require.resolve('../workflows')],
};

/** Bundles workflows/ into `out` (written whole or not at all). */
async function buildBundle(out: string): Promise<void> {
  const { bundleWorkflowCode } = await import('@temporalio/worker');
  const { code } = await bundleWorkflowCode(WORKFLOW_BUNDLE_OPTIONS);
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, code);
  fs.renameSync(tmp, out);
}

/**
 * The path of the bundle of the current workflow code, built first (in a child process) when this
 * version has none yet. Concurrent builders each write their own temporary file and rename it: the
 * last rename wins with the same content.
 */
export async function workflowBundlePath(): Promise<{ codePath: string }> {
  const codePath = path.join(BUNDLE_DIR, `workflow-bundle-${bundleKey()}.js`);
  if (!fs.existsSync(codePath)) await buildInChild(codePath);
  const now = new Date();
  fs.utimesSync(codePath, now, now); // its time is its last use (pruneBundles)
  pruneBundles(BUNDLE_DIR, codePath);
  return { codePath };
}

/** Builds the bundle in a short-lived child process (see the header). */
async function buildInChild(codePath: string): Promise<void> {
  fs.mkdirSync(BUNDLE_DIR, { recursive: true });
  const child = spawn(process.execPath, ['--import', 'tsx', __filename, codePath], { cwd: projectRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  const exit = await new Promise<string>((resolve) => {
    child.once('error', (e) => resolve(e.message));
    child.once('exit', (code, signal) => resolve(`exit ${code ?? signal}`));
  });
  if (!fs.existsSync(codePath)) throw new Error(`bundling the workflows failed (${exit})`);
}

/** How long a bundle of another version is kept after its last use: a worker of it may start again. */
export const BUNDLE_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Deletes the bundles (and the leftovers of interrupted builds) in `dir` other than `current` that were
 * last used longer than `keepMs` ago: each is a few megabytes, and every change of workflows/ makes a new
 * one. A worker already running keeps the code it loaded; best effort, a file that cannot go stays.
 * Returns the names deleted.
 */
export function pruneBundles(dir: string, current: string, keepMs = BUNDLE_KEEP_MS, now = Date.now()): string[] {
  const deleted: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (file === current || !/^workflow-bundle-[0-9a-f]+\.js(\.\d+\.tmp)?$/.test(name)) continue;
    try {
      if (now - fs.statSync(file).mtimeMs <= keepMs) continue;
      fs.rmSync(file);
      deleted.push(name);
    } catch {
      // Gone already (another process pruned it) or not ours to delete: leave it.
    }
  }
  return deleted;
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) {
    console.error('Usage: tsx ops/workflow-bundle.ts OUT.js');
    process.exit(2);
  }
  buildBundle(out).catch((e) => {
    console.error(e instanceof Error ? e.stack : e);
    process.exit(1);
  });
}
