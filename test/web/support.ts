// Helpers of the web app's browser tests: an embedding site on another origin, a small photo, the
// accessibility check with axe-core, and screenshots for the README.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'playwright-core';
import { projectRoot } from '../../ops/embedded';

export interface Site {
  origin: string;
  close(): Promise<void>;
}

/** An organisation's site on another origin (http://localhost:<port>, while the API is 127.0.0.1): the snippet, as the README gives it. */
export async function startEmbeddingSite(apiUrl: string, organisationId: string): Promise<Site> {
  const page = `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Сайт организации</title></head>
<body style="margin:0;font-family:sans-serif;background:#eef1f4">
<header style="background:#24445c;color:#fff;padding:12px 16px"><strong>Официальный сайт организации</strong></header>
<main style="max-width:960px;margin:0 auto;padding:8px;background:#fff">
<h1 style="font-size:20px;margin:8px">Обратная связь</h1>
<div id="otklik-form"></div>
<script src="${apiUrl}/embed.js" data-organisation="${organisationId}" async></script>
</main></body></html>`;
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end(page);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://localhost:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

/** A real PNG (a 96×64 picture of a road with a pothole, roughly), made here: no fixture file. */
export function photoPng(): Buffer {
  const w = 96;
  const h = 64;
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    raw[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const sky = y < 24;
      const hole = (x - 48) ** 2 / 400 + (y - 46) ** 2 / 64 < 1;
      const [r, g, b] = sky ? [135, 190, 235] : hole ? [60, 45, 35] : [110, 110, 115];
      raw.set([r, g, b], y * (w * 3 + 1) + 1 + x * 3);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core'), 'utf8');

/** axe-core on the frame's document: no serious or critical violation. */
export async function assertAccessible(frame: Frame, screen: string): Promise<void> {
  // The app's policy allows no inline script (addScriptTag inlines it): axe goes in through the
  // browser's own evaluation, which page policies do not govern.
  await frame.evaluate(`${AXE_SOURCE};0`);
  type Violation = { id: string; impact: string; help: string; nodes: { target: string[] }[] };
  const result = (await frame.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as { violations: Violation[] };
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), [], `axe on ${screen}`);
}

export const SCREENSHOTS = path.join(projectRoot, 'docs', 'screenshots');

/**
 * The whole page, the form's frame included: Chromium paints a cross-site frame only within the viewport,
 * so the viewport is made as tall as the page for the picture.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  // Made on request (OTKLIK_SCREENSHOTS=1), so that an ordinary test run leaves the work tree as it was.
  if (!process.env.OTKLIK_SCREENSHOTS) return;
  const viewport = page.viewportSize()!;
  const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height) });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
  await page.setViewportSize(viewport);
}
