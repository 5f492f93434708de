// The browser tests' helpers: paths, console recording, artifacts; the Chromium launcher itself is
// scripts/chromium.mjs (shared with evaluation/ and scripts/, which must not import tests/).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts', 'browser');
// browserSkipReason: why the browser tests cannot run here (Chromium or playwright-core missing), or false.
export { CHROMIUM, launchChromium, chromiumSkipReason as browserSkipReason } from '../../../scripts/chromium.mjs';

// Collects console errors and page errors so a failing test can print what the page said.
export function recordConsole(page) {
  const lines = [];
  page.on('console', (m) => lines.push(`[${m.type()}] ${m.text()}`));
  page.on('pageerror', (e) => lines.push(`[pageerror] ${e.message}`));
  return lines;
}

export function artifactPath(name) {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, name);
}
