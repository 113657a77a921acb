// The web app's build (web/dist, made by ops/web-build.ts): which files it has, read once per change of
// its manifest so that a rebuild under a running server is picked up without a restart.
import fs from 'node:fs';
import path from 'node:path';
import { problems } from '../../domain/problem';

export const WEB_DIST = path.resolve(__dirname, '..', '..', 'web', 'dist');

/** What ops/web-build.ts writes to web/dist/manifest.json: the entry files' names (with content hashes). */
export interface WebManifest {
  script: string;
  style: string;
  embed: string;
  /** The organisation console's entry (web/src/console/main.tsx). */
  consoleScript: string;
  consoleStyle: string;
}

let cached: { mtimeMs: number; manifest: WebManifest } | undefined;

/** The build's manifest; 503 when the app has not been built (npm start and npm test build it). */
export function webManifest(dist = WEB_DIST): WebManifest {
  const file = path.join(dist, 'manifest.json');
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    throw problems.unavailable('The web app has not been built: `npm start` (or `npm run web:build`) builds it.', 60);
  }
  if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, manifest: JSON.parse(fs.readFileSync(file, 'utf8')) as WebManifest };
  return cached.manifest;
}

export const ASSET_TYPES: Record<string, string> = {
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  png: 'image/png',
  svg: 'image/svg+xml',
};
