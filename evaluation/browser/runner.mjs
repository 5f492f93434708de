// Opens the evaluation page (page.mjs) in headless Chromium (the flags of TOOLCHAIN.md, through the shared
// launcher scripts/chromium.mjs) and wraps its window.hmEval calls: Node keeps the pixels, the page segments.
import { launchChromium, chromiumSkipReason } from '../../scripts/chromium.mjs';
import { startEvalServer, mediapipeDir, PEER_MODEL } from './server.mjs';
import fs from 'node:fs';

// A reason the browser side cannot run here, or false.
export async function browserSkipReason({ mediapipe = true } = {}) {
  const chromium = await chromiumSkipReason();
  if (chromium) return chromium;
  if (mediapipe && !mediapipeDir()) return '@mediapipe/tasks-vision is not installed (npm install)';
  if (mediapipe && !fs.existsSync(PEER_MODEL)) return `the peer model ${PEER_MODEL} is absent (../shared not mounted)`;
  return false;
}

const toB64 = (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

// files: URL path -> local file, served to the page (e.g. { '/engine/hairmattenet.hmm': 'models/...' }).
export async function openEvalPage({ files = {} } = {}) {
  const server = await startEvalServer({ files });
  const browser = await launchChromium();
  const log = [];
  try {
    const page = await browser.context.newPage();
    page.on('console', (m) => log.push(`[${m.type()}] ${m.text()}`));
    page.on('pageerror', (e) => log.push(`[pageerror] ${e.message}`));
    await page.goto(`${server.origin}/evaluation/browser/page.html`);
    await page.waitForFunction(() => window.hmEvalReady === true, null, { timeout: 30000 });
    const call = async (fn, arg) => {
      try {
        return await page.evaluate(fn, arg);
      } catch (e) {
        throw new Error(`${e.message.split('\n')[0]}\npage log:\n${log.slice(-10).join('\n')}`);
      }
    };
    return {
      log,
      addMediaPipe: (name, options = {}) => call(([n, o]) => window.hmEval.addMediaPipe(n, o), [name, options]),
      addEngine: (name, options) => call(([n, o]) => window.hmEval.addEngine(n, o), [name, options]),
      // frame: { data: RGBA, width, height } -> { width, height, data: Uint8Array alpha }
      segment: async (name, frame) => {
        const b64 = await call(([n, w, h, d]) => window.hmEval.segment(n, w, h, d), [name, frame.width, frame.height, toB64(frame.data)]);
        const data = new Uint8Array(Buffer.from(b64, 'base64'));
        if (data.length !== frame.width * frame.height) throw new Error(`${name}: matte of ${data.length} px for a ${frame.width}x${frame.height} frame`);
        return { width: frame.width, height: frame.height, data };
      },
      time: (name, frame, runs = 30, warmup = 5) =>
        call(([n, w, h, d, r, u]) => window.hmEval.time(n, w, h, d, r, u), [name, frame.width, frame.height, toB64(frame.data), runs, warmup]),
      close: async () => {
        await browser.close();
        await server.close();
      },
    };
  } catch (e) {
    await browser.close();
    await server.close();
    throw e;
  }
}
