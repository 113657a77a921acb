// A real browser for tests of pages: Debian's Chromium (installed by ops/install-chromium.sh when it is
// missing, or CHROMIUM_PATH) driven by playwright-core.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { projectRoot } from '../../ops/embedded';

/** Installs Debian's Chromium when it is missing (a no-op when it is there). */
export function ensureChromium(): void {
  execFileSync('bash', [path.join(projectRoot, 'ops', 'install-chromium.sh')], { stdio: 'inherit' });
}

export async function launchChromium(): Promise<Browser> {
  ensureChromium();
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    // The tests run as root in containers, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
}
