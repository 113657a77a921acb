// The web app's HTML page and its Content-Security-Policy. The page is a shell: the app (web/src) renders
// everything from its script; what it needs to know about where it runs is in data attributes, since the
// policy allows no inline script.
import { mapFromEnv } from './settings';
import type { WebManifest } from './build';

/**
 * Only this server's scripts, styles, images and API; map tiles from the configured source; no framing
 * unless the caller passes the frame's own frame-ancestors (the embeddable form).
 */
export function webAppPolicy(frameAncestors = "frame-ancestors 'none'"): string {
  const map = mapFromEnv();
  return [
    "default-src 'none'", "script-src 'self'", "style-src 'self'", `img-src 'self' data: blob:${map ? ` ${map.imageSource}` : ''}`,
    "connect-src 'self'", "base-uri 'none'", "form-action 'self'", frameAncestors,
  ].join('; ');
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page: the app's style sheet and script, and where it runs (`page`, or `embed` for an organisation). */
export function webAppPage(manifest: WebManifest, mount: { mode: 'page' | 'embed'; organisationId?: string }): string {
  const org = mount.organisationId ? ` data-organisation="${escapeHtml(mount.organisationId)}"` : '';
  return `<!doctype html>
<html lang="ru">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Отклик</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app/assets/${manifest.style}">
</head>
<body>
<div id="app" data-mode="${mount.mode}"${org}></div>
<script src="/app/assets/${manifest.script}"></script>
</body>
</html>
`;
}

export function htmlReply(text: string, policy: string) {
  return {
    status: 200, text,
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)), 'Content-Security-Policy': policy },
  };
}
