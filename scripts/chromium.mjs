// Launches the machine's Chromium headless through playwright-core, with the exact flags TOOLCHAIN.md
// lists, a fresh profile per launch, and (optionally) a fake camera fed from a y4m file. Shared by the
// browser tests (tests/browser/helpers/browser.mjs), the evaluation page (evaluation/browser/runner.mjs)
// and the scripts here, so that none of them imports another's helpers.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const CHROMIUM = '/usr/bin/chromium';

const BASE_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Returns a reason Chromium cannot be launched here, or false when it can (node:test treats any
// non-undefined `skip` value other than false, null included, as "skip": never pass null).
export async function chromiumSkipReason() {
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
