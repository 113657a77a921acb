// The browsable API reference: Swagger UI from the locally installed swagger-ui-dist package (never a
// CDN), pointed at /openapi.json. The JSON API's policy (default-src 'none') would block the page's own
// scripts and styles, so these responses carry a policy of their own, still allowing nothing from
// elsewhere and no framing.
import fs from 'node:fs';
import path from 'node:path';
import type { Handlers } from '../routes';

const DIST = path.dirname(require.resolve('swagger-ui-dist/package.json'));

/** Swagger UI injects style attributes, hence 'unsafe-inline' for styles; scripts are only files of this server. */
export const DOCS_CSP = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "connect-src 'self'",
  "font-src 'self' data:", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

/** The page's start script: a file, since the policy allows no inline script. */
const INITIALIZER = `// Otklik API reference: Swagger UI on this server's own OpenAPI document.
window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
  });
});
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Otklik API reference</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
<link rel="stylesheet" href="/docs/index.css">
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="/docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/swagger-ui-standalone-preset.js"></script>
<script src="/docs/otklik-initializer.js"></script>
</body>
</html>
`;

/** The assets the page loads (the asset parameter's enum in the spec): files of swagger-ui-dist, and the initializer. */
export const DOCS_ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'index.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
  'otklik-initializer.js': 'text/javascript; charset=utf-8',
};

const headers = (type: string, length: number) => ({
  'Content-Type': type, 'Content-Length': String(length), 'Content-Security-Policy': DOCS_CSP,
  // Versioned with the installed package; an hour of caching spares reloading 1.5 MB of script.
  'Cache-Control': 'public, max-age=3600',
});

export const docsHandlers = {
  async getDocs() {
    return { status: 200, text: PAGE, headers: { ...headers('text/html; charset=utf-8', Buffer.byteLength(PAGE)), 'Cache-Control': 'no-store' } };
  },

  async getDocsAsset({ input }) {
    const asset = input.params.asset;
    const type = DOCS_ASSETS[asset];
    if (asset === 'otklik-initializer.js') return { status: 200, text: INITIALIZER, headers: headers(type, Buffer.byteLength(INITIALIZER)) };
    // The name is one of the enum's (validated before the handler runs): never a path from the request.
    const file = path.join(DIST, asset);
    const { size } = await fs.promises.stat(file);
    return { status: 200, stream: fs.createReadStream(file), headers: headers(type, size) };
  },
} satisfies Partial<Handlers>;
