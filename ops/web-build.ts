// Builds the citizen's web app (web/) into web/dist with esbuild: the app's and the organisation console's
// scripts and style sheets (names with content hashes) and the embed snippet's script, plus manifest.json
// naming them for the API (api/web/build.ts). `npm start` and `npm test` call ensureWebBuild(), which builds only when web/dist is
// missing or older than a source; `npm run web:build` builds unconditionally.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const WEB = path.resolve(__dirname, '..', 'web');
const DIST = path.join(WEB, 'dist');
const MANIFEST = path.join(DIST, 'manifest.json');
/** Sources outside web/ that go into the bundle: the API's types. */
const SHARED_SOURCES = [path.resolve(__dirname, '..', 'openapi', 'types.ts')];

function newestSource(): number {
  let newest = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) { if (full !== DIST) walk(full); } else newest = Math.max(newest, fs.statSync(full).mtimeMs);
    }
  };
  walk(WEB);
  for (const f of SHARED_SOURCES) newest = Math.max(newest, fs.statSync(f).mtimeMs);
  return newest;
}

/** Type-checks web/ (strict, DOM) with its own tsconfig; throws with tsc's output on an error. */
export function typecheckWeb(): void {
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', WEB], { stdio: 'inherit' });
}

export async function buildWeb(): Promise<void> {
  fs.rmSync(DIST, { recursive: true, force: true });
  const common = {
    bundle: true, minify: true, sourcemap: false, target: ['es2020'],
    logLevel: 'warning' as const, legalComments: 'none' as const,
  };
  const app = await build({
    ...common, entryPoints: { app: path.join(WEB, 'src', 'main.tsx'), console: path.join(WEB, 'src', 'console', 'main.tsx') }, outdir: DIST, entryNames: '[name]-[hash]', assetNames: '[name]-[hash]',
    jsx: 'automatic', jsxImportSource: 'preact', metafile: true, loader: { '.png': 'file', '.svg': 'file' },
  });
  await build({ ...common, entryPoints: { embed: path.join(WEB, 'embed', 'embed.ts') }, outdir: DIST, entryNames: '[name]' });
  const outputs = Object.keys(app.metafile.outputs).map((f) => path.basename(f));
  const manifest = {
    script: outputs.find((f) => /^app-.*\.js$/.test(f)), style: outputs.find((f) => /^app-.*\.css$/.test(f)), embed: 'embed.js',
    consoleScript: outputs.find((f) => /^console-.*\.js$/.test(f)), consoleStyle: outputs.find((f) => /^console-.*\.css$/.test(f)),
  };
  fs.writeFileSync(MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Builds web/ when web/dist is missing or older than any source. */
export async function ensureWebBuild(): Promise<void> {
  const built = fs.existsSync(MANIFEST) ? fs.statSync(MANIFEST).mtimeMs : 0;
  if (built >= newestSource()) return;
  console.log('web: building web/ into web/dist');
  await buildWeb();
}

if (require.main === module) {
  buildWeb().then(
    () => console.log(`web: built into ${DIST}`),
    (e) => {
      console.error(e instanceof Error ? e.message : e);
      process.exit(1);
    },
  );
}
