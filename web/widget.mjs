// <hair-tryon>: an embeddable live hair-colour try-on (the package's `hairmatte/widget` export).
//
//   <script type="module" src=".../hairmatte/web/widget.mjs"></script>
//   <hair-tryon colors="Espresso #3b1f14, Burgundy #8b2252, #c9a16b" mode="solid" strength="0.8"></hair-tryon>
//
// Attributes: colors (comma-separated #RRGGBB, each optionally preceded by a name used as its label),
// mode (solid | ombre | highlights; ombre runs from the first to the last colour), strength (0..1),
// model (hairmattenet | hairsegnet | URL of a .hmm file), src (URL of the hairmatte JS module, or of the
// package root holding bindings/js/index.mjs; default: next to this file).
// It asks for the camera only when clicked. API: snapshot() -> Promise<Blob> (PNG); stats -> {frames, fps,
// msPerFrame}; color (get/set). Events: colorchange {detail: {color}}, error {detail: {kind, message}}
// with kind 'camera' | 'webgl' | 'model' | 'image' | 'frame'; every error is also shown in the element.
// Threads are used only when the page is cross-origin isolated; otherwise it runs one thread.
import { TryOnSession, openCamera, parseModelOption } from './tryon-session.mjs';
import { renderSwatches, parseColorList } from './swatches.mjs';

const DEFAULT_COLORS = 'Espresso #3b1f14, Burgundy #8b2252, Honey blonde #c9a16b';

const TEMPLATE = `
<style>
  :host { display: inline-block; width: 100%; max-width: 640px; font: 14px/1.4 system-ui, sans-serif; color: #222; }
  .frame { position: relative; background: #1c1c1c; border-radius: 8px; overflow: hidden; aspect-ratio: 4 / 3; }
  canvas { width: 100%; height: 100%; object-fit: contain; display: block; }
  .start { position: absolute; inset: 0; display: flex; flex-direction: column; align-items: center;
    justify-content: center; gap: 0.6rem; background: #0008; color: #fff; border: 0; font: inherit; cursor: pointer; }
  .start:focus-visible { outline: 3px solid #4af; outline-offset: -3px; }
  .start strong { font-size: 1.15em; }
  .message { position: absolute; left: 0; right: 0; bottom: 0; margin: 0; padding: 0.5rem 0.75rem;
    background: #b00020e6; color: #fff; }
  .message:empty { display: none; }
  .bar { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin-top: 0.5rem; }
  .swatches { display: flex; gap: 0.4rem; }
  .swatch { width: 2rem; height: 2rem; border-radius: 50%; border: 2px solid #bbb; cursor: pointer; padding: 0; }
  .swatch[aria-checked="true"] { border-color: #222; box-shadow: 0 0 0 2px #fff, 0 0 0 4px #222; }
  .swatch:focus-visible { outline: 3px solid #4af; outline-offset: 3px; }
  .upload { margin-left: auto; cursor: pointer; text-decoration: underline; }
  .upload input { position: absolute; width: 1px; height: 1px; opacity: 0; }
  .upload:focus-within { outline: 3px solid #4af; }
  [hidden] { display: none !important; }
</style>
<div class="frame">
  <canvas part="canvas" aria-label="Live hair colour try-on"></canvas>
  <button class="start" part="start" type="button">
    <strong>Try this colour on</strong><span>Uses your camera; video stays on this device</span>
  </button>
  <p class="message" part="message" role="alert"></p>
</div>
<div class="bar">
  <div class="swatches" aria-label="Hair colours"></div>
  <label class="upload">or upload a photo<input type="file" accept="image/*"></label>
</div>`;

export class HairTryOnElement extends HTMLElement {
  static get observedAttributes() { return ['colors', 'mode', 'strength', 'model']; }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).innerHTML = TEMPLATE;
    this.session = null;
    this.starting = null;
    this.currentColor = null;
    const root = this.shadowRoot;
    this.canvas = root.querySelector('canvas');
    this.startButton = root.querySelector('.start');
    this.messageElement = root.querySelector('.message');
    this.startButton.addEventListener('click', () => this.start());
    root.querySelector('input[type=file]').addEventListener('change', (e) => this.showPhoto(e.target.files[0]));
  }

  connectedCallback() { this.renderColors(); }

  disconnectedCallback() {
    if (this.session) { this.session.dispose(); this.session = null; this.starting = null; }
  }

  attributeChangedCallback(name) {
    if (name === 'colors') this.renderColors();
    if (name === 'model' && this.session) this.session.configure({ model: this.modelOption }).catch((e) => this.fail(e));
    this.applyLook();
  }

  get colors() {
    try {
      return parseColorList(this.getAttribute('colors') || DEFAULT_COLORS);
    } catch (e) {
      this.fail(Object.assign(e, { kind: 'attribute' }));
      return parseColorList(DEFAULT_COLORS);
    }
  }
  get color() { return this.currentColor; }
  set color(hex) { this.selectColor(String(hex).toLowerCase(), false); this.swatches?.reflect(hex); }
  get mode() {
    const mode = this.getAttribute('mode') || 'solid';
    return ['solid', 'ombre', 'highlights'].includes(mode) ? mode : 'solid';
  }
  get strength() {
    const s = Number(this.getAttribute('strength') ?? 0.8);
    return Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : 0.8;
  }
  get modelOption() { return parseModelOption(this.getAttribute('model') || 'hairmattenet'); }
  get apiUrl() {
    const src = this.getAttribute('src');
    if (!src) return undefined;  // engine-client's default: the package's bindings/js/index.mjs
    const url = new URL(src, document.baseURI);
    return /\.m?js$/.test(url.pathname) ? url.href : new URL('bindings/js/index.mjs', url.href.replace(/\/?$/, '/')).href;
  }
  // The engine in use ({model, simd, threads, inWorker, ...}), null before the try-on starts.
  get info() { return this.session ? this.session.info : null; }
  get stats() {
    const s = this.session ? this.session.stats : { frames: 0, fps: 0, msPerFrame: 0 };
    return { frames: s.frames, fps: s.fps, msPerFrame: s.msPerFrame };
  }

  renderColors() {
    const colors = this.colors;
    if (!colors.some((c) => c.hex === this.currentColor)) this.currentColor = colors[0]?.hex ?? '#8b2252';
    this.swatches = renderSwatches(this.shadowRoot.querySelector('.swatches'), colors, {
      selected: this.currentColor,
      onSelect: (hex) => this.selectColor(hex, true),
    });
  }

  selectColor(hex, fromUser) {
    if (hex === this.currentColor) return;
    this.currentColor = hex;
    this.applyLook();
    this.dispatchEvent(new CustomEvent('colorchange', { detail: { color: hex, fromUser }, bubbles: true, composed: true }));
  }

  applyLook() {
    if (!this.session) return;
    const colors = this.colors;
    this.session.setLook({
      color: this.currentColor,
      colorEnd: colors[colors.length - 1]?.hex ?? this.currentColor,
      mode: this.mode,
      strength: this.strength,
    });
  }

  // Loads the engine once (shared by the camera and the photo paths).
  ensureSession() {
    if (!this.starting) {
      this.starting = TryOnSession.create(this.canvas, {
        engine: { model: this.modelOption },
        apiUrl: this.apiUrl,
        onError: (e) => this.fail(e),
      }).then((session) => {
        this.session = session;
        this.applyLook();
        return session;
      });
      this.starting.catch(() => { this.starting = null; });
    }
    return this.starting;
  }

  // Asks for the camera and starts the live try-on. Resolves to true on success; on failure shows the
  // message, fires `error` and resolves to false.
  async start() {
    this.showMessage('');
    this.startButton.disabled = true;
    try {
      // Camera permission and model loading proceed together; a refusal is reported as such even when
      // the model is still loading.
      const [camera, engine] = await Promise.allSettled([openCamera(), this.ensureSession()]);
      if (camera.status === 'rejected') throw camera.reason;
      if (engine.status === 'rejected') {
        for (const track of camera.value.getTracks()) track.stop();
        throw engine.reason;
      }
      await engine.value.startCamera(camera.value);
      this.startButton.hidden = true;
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    } finally {
      this.startButton.disabled = false;
    }
  }

  async showPhoto(file) {
    if (!file) return false;
    this.showMessage('');
    try {
      const session = await this.ensureSession();
      await session.showImage(file);
      this.startButton.hidden = true;
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }

  snapshot() {
    if (!this.session) return Promise.reject(new Error('hair-tryon: nothing to snapshot before the try-on starts'));
    return this.session.snapshot();
  }

  showMessage(text) { this.messageElement.textContent = text; }

  fail(error) {
    const kind = error.kind || 'error';
    this.showMessage(error.message);
    this.dispatchEvent(new CustomEvent('error', { detail: { kind, message: error.message }, bubbles: true, composed: true }));
  }
}

if (!customElements.get('hair-tryon')) customElements.define('hair-tryon', HairTryOnElement);
