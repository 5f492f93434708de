// Launches the machine's Chromium headless through playwright-core, with the exact flags TOOLCHAIN.md
// lists, a fresh profile per launch, and (optionally) a fake camera fed from a y4m file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const SHARED_DIR = path.resolve(REPO_ROOT, '..', 'shared');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'test-artifacts', 'browser');
export const CHROMIUM = '/usr/bin/chromium';

const BASE_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Returns a reason to skip the browser tests, or false when they can run (node:test treats any
// non-undefined `skip` value other than false, null included, as "skip": never pass null).
export async function browserSkipReason() {
  if (!fs.existsSync(CHROMIUM)) return `${CHROMIUM} is missing (apt-get install -y chromium)`;
  try {
    await import('playwright-core');
  } catch {
    return 'playwright-core is not installed (npm i -D playwright-core)';
  }
  return false;
}

// camera: undefined = no fake camera flags; { y4m: FILE } = fake camera fed by FILE;
// { refuse: true } = a fake device exists but the permission prompt is denied.
// jsFlags: V8 flags (--js-flags), e.g. '--no-enable-sse4-1' for an engine without wasm SIMD128.
export async function launchChromium({ camera, jsFlags } = {}) {
  const { chromium } = await import('playwright-core');
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hm-chromium-'));
  const args = [...BASE_ARGS];
  if (jsFlags) args.push(`--js-flags=${jsFlags}`);
  if (camera) {
    args.push('--use-fake-device-for-media-stream');
    if (!camera.refuse) args.push('--use-fake-ui-for-media-stream');
    if (camera.y4m) args.push(`--use-file-for-fake-video-capture=${camera.y4m}`);
  }
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args,
    viewport: { width: 1280, height: 900 },
  });
  if (camera && camera.refuse) {
    // With no fake UI, headless Chromium answers the prompt itself; clear grants so it is a denial.
    await context.clearPermissions();
  }
  const close = async () => {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, close };
}

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
