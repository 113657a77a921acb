// The citizen's web app, served from its build (web/dist, made by ops/web-build.ts): the page at /app, the
// page sign-in returns to, and the build's files. The JSON API's policy (default-src 'none') would block the
// app's own script: these responses carry the app's policy (api/web/page.ts).
import fs from 'node:fs';
import path from 'node:path';
import { problems } from '../../domain/problem';
import type { Handlers } from '../routes';
import { ASSET_TYPES, WEB_DIST, webManifest } from '../web/build';
import { htmlReply, webAppPage, webAppPolicy } from '../web/page';

export const webHandlers = {
  async getWebApp() {
    return htmlReply(webAppPage(webManifest(), { mode: 'page' }), webAppPolicy());
  },

  // Sign-in may start inside an organisation's frame and comes back here in that frame: this page shows
  // only "signing in…" and goes on to the form, whose own page enforces the organisation's list.
  async getWebAppSignedIn(ctx) {
    ctx.res.removeHeader('X-Frame-Options');
    return htmlReply(webAppPage(webManifest(), { mode: 'page' }), webAppPolicy('frame-ancestors *'));
  },

  async getWebAsset({ input }) {
    webManifest();
    // The name matches the spec's pattern (validated before the handler runs): a file name, never a path.
    const file = path.join(WEB_DIST, input.params.file);
    const type = ASSET_TYPES[path.extname(file).slice(1)];
    const stat = type ? await fs.promises.stat(file).catch(() => undefined) : undefined;
    if (!stat?.isFile()) throw problems.notFound(`The web app has no file ${input.params.file}.`);
    return {
      status: 200, stream: fs.createReadStream(file),
      // Names carry their content's hash: a new build has new names.
      headers: { 'Content-Type': type, 'Content-Length': String(stat.size), 'Cache-Control': 'public, max-age=31536000, immutable' },
    };
  },
} satisfies Partial<Handlers>;
