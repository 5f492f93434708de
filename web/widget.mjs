// <hair-tryon>: an embeddable live hair-colour try-on (the package's `hairmatte/widget` export).
//
//   <script type="module" src=".../hairmatte/web/widget.mjs"></script>
//   <hair-tryon compare preload>
//     <hair-product name="Gloss Colour Mask" sku="GCM" price="€24.00" url="/p/gcm">
//       <hair-shade name="Espresso" sku="GCM-01" color="#3b1f14"></hair-shade>
//       <hair-shade name="Burgundy" sku="GCM-02" color="#8b2252"></hair-shade>
//     </hair-product>
//   </hair-tryon>
//
// The full reference (attributes, properties, events, error kinds, ::parts, messages) is docs/widget.md;
// the types are web/widget.d.ts. In short: shades come from the `products` property, <hair-product>/
// <hair-shade> children or the `colors` attribute; events progress, ready, shadechange, select,
// colorchange, error {kind, message}; every visible word comes from `messages` / `lang` (widget/messages.mjs).
// The camera is asked for only on a click. Threads are used only when the page is cross-origin isolated.
import { TryOnSession, openCamera, parseModelOption, tryOnError, DEFAULT_LOOK } from './tryon-session.mjs';
import { RECOLOR_MODES, BUNDLED_MODELS, PAGE_MODEL_INDEX } from '../bindings/js/constants.mjs';
import { renderSwatches, WIDGET_PALETTE } from './widget/swatches.mjs';
import { TEMPLATE } from './widget/template.mjs';
import { resolveMessages, format } from './widget/messages.mjs';
import { shadesFromProducts, shadesFromChildren, shadesFromColors, shadeDetail } from './widget/products.mjs';
import { CompareSplit } from './widget/compare-split.mjs';
import { Notices } from './widget/notices.mjs';

const DEFAULT_HINT_DELAY_MS = 4000;

export class HairTryOnElement extends HTMLElement {
  static get observedAttributes() { return ['colors', 'mode', 'strength', 'model', 'compare', 'lang', 'preload']; }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).innerHTML = TEMPLATE;
    this.session = null;
    this.starting = null;
    this.currentColor = null;
    this.selectedIndex = 0;
    this.shades = [];
    this.view = 'idle';              // idle | live | stopped | photo
    this.lastHairAt = 0;
    this.hairFound = false;          // whether the frame shown last has hair (its hairStats)
    this.pageMessages = null;
    this.pageProducts = undefined;
    const $ = (selector) => this.shadowRoot.querySelector(selector);
    this.parts = {
      frame: $('.frame'), canvas: $('canvas'), start: $('.start'), loading: $('.loading'), progress: $('progress'),
      loadingText: $('.loading-text'), notice: $('.notice'), message: $('.message'), action: $('.action'),
      hint: $('.hint'), compare: $('.compare'), handle: $('.divider'), before: $('.label.before'),
      after: $('.label.after'), swatches: $('.swatches'), choose: $('.choose'), camera: $('.camera'),
      upload: $('.upload span'), file: $('input[type=file]'), shadeName: $('.shade-name'),
      productName: $('.product-name'), price: $('.price'),
    };
    // Kept for pages and tests written against the first version of the element.
    this.canvas = this.parts.canvas;
    this.startButton = this.parts.start;
    this.messageElement = this.parts.message;
    this.parts.start.addEventListener('click', () => this.start());
    this.parts.file.addEventListener('change', (e) => { this.showPhoto(e.target.files[0]); e.target.value = ''; });
    this.parts.camera.addEventListener('click', () => (this.view === 'live' ? this.stopCamera() : this.start()));
    this.parts.action.addEventListener('click', () => this.start());
    this.notices = new Notices(this.parts, { texts: () => this.texts, emit: (detail) => this.emit('error', detail) });
    this.parts.choose.addEventListener('click', () => {
      const detail = shadeDetail(this.shades[this.selectedIndex]);
      if (detail) this.emit('select', detail);
    });
    this.split = new CompareSplit({ layer: this.parts.compare, handle: this.parts.handle, canvas: this.parts.canvas,
      onChange: (value) => this.session?.setSplit(value) });
    // <hair-product>/<hair-shade> children may be added or edited after the element is defined.
    this.childWatch = new MutationObserver(() => { if (this.pageProducts === undefined) this.renderShades(); });
  }

  connectedCallback() {
    this.childWatch.observe(this, { childList: true, subtree: true, attributes: true });
    this.renderTexts();
    this.renderShades();
    this.renderCompare();
    if (this.hasAttribute('preload')) this.preload();
  }

  disconnectedCallback() {
    this.childWatch.disconnect();
    if (this.session) { this.session.dispose(); this.session = null; this.starting = null; }
    this.view = 'idle';  // connected again, it starts over from the start button
    this.parts.start.hidden = false;
  }

  attributeChangedCallback(name, oldValue, newValue) {
    // Before the first connectedCallback (an upgrade reports every attribute) there is nothing to update.
    if (!this.texts || oldValue === newValue) return;
    if (name === 'colors') this.renderShades();
    if (name === 'lang') { this.renderTexts(); this.renderShades(); }
    if (name === 'compare') this.renderCompare();
    if (name === 'preload' && newValue !== null) this.preload();
    if (name === 'model' && this.session) {
      this.notices.clear('model');
      this.setAttribute('aria-busy', 'true');
      this.session.configure({ model: this.modelOption }).then(() => {
        this.loadingDone();
        this.emit('ready', { info: this.info });
      }, (e) => { this.loadingDone(); this.fail(e); });
    }
    this.applyLook();
  }

  // --- properties -------------------------------------------------------------------------------------

  // Products with their shades (see widget/products.mjs); null/undefined goes back to children/`colors`.
  get products() { return this.pageProducts ?? null; }
  set products(value) {
    this.pageProducts = value == null ? undefined : value;
    this.renderShades();
  }
  // The page's wording: an object of message keys (docs/widget.md) -> text; replaces the built-in ones.
  get messages() { return this.texts; }
  set messages(value) {
    this.pageMessages = value && typeof value === 'object' ? value : null;
    this.renderTexts();
    this.renderShades();
  }
  get compare() { return this.hasAttribute('compare'); }
  set compare(on) { this.toggleAttribute('compare', Boolean(on)); }
  // The before/after split in [0, 1] (0: all recoloured); only shown with `compare`.
  get compareSplit() { return this.split.value; }
  set compareSplit(value) { this.split.set(Number(value)); }
  // The shades offered now: [{name, color, shade, product}].
  get shadeList() { return this.shades.map((s) => ({ ...s })); }
  get shade() { return shadeDetail(this.shades[this.selectedIndex]); }
  get colors() { return this.shades.map((s) => ({ name: s.name, hex: s.color })); }
  get color() { return this.currentColor; }
  set color(hex) {
    hex = String(hex).toLowerCase();
    const index = this.shades.findIndex((s) => s.color === hex);
    if (index >= 0) this.selectShade(index, false);
    else if (hex !== this.currentColor) { this.selectedIndex = -1; this.currentColor = hex; this.applyLook(); this.renderShadeInfo(); }
    this.swatches?.reflect(hex);
  }
  get mode() {
    const mode = this.getAttribute('mode') || DEFAULT_LOOK.mode;
    return RECOLOR_MODES.includes(mode) ? mode : DEFAULT_LOOK.mode;
  }
  get strength() {
    const s = Number(this.getAttribute('strength') ?? DEFAULT_LOOK.strength);
    return Number.isFinite(s) ? Math.min(1, Math.max(0, s)) : DEFAULT_LOOK.strength;
  }
  get hintDelay() {
    const ms = Number(this.getAttribute('hint-delay'));
    return this.hasAttribute('hint-delay') && Number.isFinite(ms) && ms >= 0 ? ms : DEFAULT_HINT_DELAY_MS;
  }
  get modelOption() { return parseModelOption(this.getAttribute('model') || BUNDLED_MODELS[PAGE_MODEL_INDEX]); }
  get apiUrl() {
    const src = this.getAttribute('src');
    if (!src) return undefined;  // engine-client's default: the package's bindings/js/index.mjs
    const url = new URL(src, document.baseURI);
    return /\.m?js$/.test(url.pathname) ? url.href : new URL('bindings/js/index.mjs', url.href.replace(/\/?$/, '/')).href;
  }
  // The engine in use ({model, simd, threads, inWorker, ...}), null before it has loaded.
  get info() { return this.session ? this.session.info : null; }
  get stats() {
    const s = this.session ? this.session.stats : { frames: 0, fps: 0, msPerFrame: 0 };
    return { frames: s.frames, fps: s.fps, msPerFrame: s.msPerFrame };
  }
  get lang() { return this.getAttribute('lang') || this.parentElement?.closest('[lang]')?.getAttribute('lang') || 'en'; }
  set lang(value) { this.setAttribute('lang', value); }

  // --- words ------------------------------------------------------------------------------------------

  renderTexts() {
    this.texts = resolveMessages(this.lang, this.pageMessages,
      (key) => this.fail(tryOnError('messages', `messages: unknown key '${key}'`)));
    const t = this.texts, p = this.parts;
    p.start.querySelector('strong').textContent = t.startTitle;
    p.start.querySelector('span').textContent = t.startNote;
    p.canvas.setAttribute('aria-label', t.canvasLabel);
    p.swatches.setAttribute('aria-label', t.swatchesLabel);
    p.upload.textContent = t.upload;
    p.choose.textContent = t.choose;
    p.handle.setAttribute('aria-label', t.compareLabel);
    p.before.textContent = t.before;
    p.progress.setAttribute('aria-label', t.loadingStarted);
    p.after.textContent = t.after;
    this.renderView();
    this.notices?.reword();
    if (this.loadingProgress !== undefined) this.renderProgress(this.loadingProgress);
  }

  // --- shades -----------------------------------------------------------------------------------------

  renderShades() {
    const problems = [];
    let list = null, kind = 'products';
    if (this.pageProducts !== undefined) list = shadesFromProducts(this.pageProducts, problems);
    else list = shadesFromChildren(this, problems);
    if (!list && this.hasAttribute('colors')) { kind = 'attribute'; list = shadesFromColors(this.getAttribute('colors'), problems); }
    for (const problem of problems) this.fail(tryOnError(kind, problem));
    if (!list || !list.length) list = shadesFromColors(WIDGET_PALETTE, []);
    const previous = this.shades[this.selectedIndex];
    this.shades = list;
    let index = previous ? list.findIndex((s) => s.shade === previous.shade) : -1;
    if (index < 0) index = list.findIndex((s) => s.color === this.currentColor);
    this.selectedIndex = Math.max(0, index);
    this.currentColor = list[this.selectedIndex].color;
    const t = this.texts;
    this.swatches = renderSwatches(this.parts.swatches, list.map((s) => ({
      name: s.product && s.product.name ? `${s.name}, ${s.product.name}` : s.name, hex: s.color })), {
      selected: this.selectedIndex,
      onSelect: (hex, i) => this.selectShade(i, true),
      label: ({ name, hex }) => format(name === hex ? t.swatchLabelUnnamed : t.swatchLabel, { name, color: hex }),
    });
    this.renderShadeInfo();
    this.applyLook();
  }

  renderShadeInfo() {
    const entry = this.shades[this.selectedIndex];
    const product = entry ? entry.product : null;
    this.parts.shadeName.textContent = entry ? entry.name : this.currentColor;
    this.parts.productName.textContent = product && product.name ? product.name : '';
    const price = (product && product.price) ?? (entry && entry.shade.price) ?? '';
    this.parts.price.textContent = price === '' ? '' : String(price);
    this.parts.choose.hidden = !product;
  }

  selectShade(index, fromUser) {
    if (index === this.selectedIndex && this.shades[index].color === this.currentColor) return;
    this.selectedIndex = index;
    this.currentColor = this.shades[index].color;
    this.applyLook();
    this.renderShadeInfo();
    this.emit('colorchange', { color: this.currentColor, fromUser });
    this.emit('shadechange', { ...shadeDetail(this.shades[index]), fromUser });
  }

  applyLook() {
    if (!this.session) return;
    const last = this.shades[this.shades.length - 1];
    this.session.setLook({ color: this.currentColor, colorEnd: last ? last.color : this.currentColor,
      mode: this.mode, strength: this.strength });
  }

  renderCompare() {
    const on = this.compare;
    // The divider shows once there is a picture to divide.
    this.parts.compare.hidden = !(on && this.session && this.session.renderer.size);
    if (on) this.split.place();
    if (this.session) this.session.setSplit(on ? this.split.value : 0);
  }

  // --- loading ----------------------------------------------------------------------------------------

  preload() {
    this.ensureSession().catch((e) => this.fail(e));
  }

  // Loads the engine once (shared by the camera and the photo paths), with progress and ready events.
  ensureSession() {
    if (!this.starting) {
      this.notices.clear('model', 'webgl');
      this.setAttribute('aria-busy', 'true');
      this.renderProgress(null);
      this.starting = TryOnSession.create(this.parts.canvas, {
        // temporal > 0: the camera is video (a head-following region that grows over the hair, smoothed);
        // an uploaded photo is still segmented whole (the session resets before it).
        engine: { model: this.modelOption, temporal: 0.5 },
        apiUrl: this.apiUrl,
        onError: (e) => this.fail(e),
        onProgress: (progress) => {
          this.renderProgress(progress);
          this.emit('progress', { loaded: progress.loaded, total: progress.total });
        },
        onCameraEnded: () => {
          this.setView('stopped');
          this.fail(tryOnError('camera-ended', 'the camera video track ended (unplugged, revoked or stopped)'));
        },
        onContextRestored: () => this.notices.clear('webgl-lost'),
      }).then((session) => {
        this.session = session;
        session.onFrame((stats, frame) => {
          this.hairFound = frame.hairStats.found;
          this.frameShown();
        });
        this.applyLook();
        this.renderCompare();
        this.loadingDone();
        this.emit('ready', { info: session.info });
        return session;
      }, (e) => {
        this.starting = null;
        this.loadingDone();
        throw e;
      });
    }
    return this.starting;
  }

  renderProgress(progress) {
    this.loadingProgress = progress;
    const { progress: bar, loadingText } = this.parts;
    if (progress && progress.total > 0) {
      bar.value = progress.loaded / progress.total;
      loadingText.textContent = format(this.texts.loading, { percent: Math.floor(100 * progress.loaded / progress.total) });
    } else {
      bar.removeAttribute('value');  // indeterminate until the sizes are known
      loadingText.textContent = this.texts.loadingStarted;
    }
  }

  loadingDone() {
    this.loadingProgress = undefined;
    this.setAttribute('aria-busy', 'false');
    this.parts.loading.hidden = true;
  }

  // --- camera and photo -------------------------------------------------------------------------------

  // Asks for the camera and starts the live try-on. Resolves to true on success; on failure shows the
  // shopper's message, fires `error` and resolves to false.
  async start() {
    this.notices.clear('camera', 'camera-ended', 'model');
    this.parts.start.disabled = true;
    this.parts.camera.disabled = true;
    if (!this.session) { this.parts.start.hidden = true; this.parts.loading.hidden = false; }
    try {
      // Camera permission and model loading proceed together; a refusal is reported as such even when
      // the model is still loading. A portrait box asks for a portrait camera (phones).
      const box = this.parts.frame.getBoundingClientRect();
      const size = box.height > box.width ? { width: 480, height: 640 } : { width: 640, height: 480 };
      const [camera, engine] = await Promise.allSettled([openCamera(size), this.ensureSession()]);
      if (camera.status === 'rejected') throw camera.reason;
      if (engine.status === 'rejected') {
        for (const track of camera.value.getTracks()) track.stop();
        throw engine.reason;
      }
      await engine.value.startCamera(camera.value);
      this.lastHairAt = performance.now();
      this.notices.hint(null);  // a photo's hint does not carry over to the camera
      this.setView('live');
      return true;
    } catch (e) {
      this.parts.loading.hidden = true;
      if (this.view === 'idle') this.parts.start.hidden = false;
      this.fail(e);
      return false;
    } finally {
      this.parts.start.disabled = false;
      this.parts.camera.disabled = false;
    }
  }

  stopCamera() {
    if (this.session) this.session.stopCamera();
    this.notices.hint(null);
    this.setView('stopped');
  }

  async showPhoto(file) {
    if (!file) return false;
    this.notices.clear('image', 'camera', 'camera-ended', 'model');
    try {
      const session = await this.ensureSession();
      await session.showImage(file);
      this.setView('photo');
      this.frameShown();
      return true;
    } catch (e) {
      this.fail(e);
      return false;
    }
  }

  setView(view) {
    this.view = view;
    this.renderView();
  }

  renderView() {
    const { start, camera, frame } = this.parts;
    if (this.view !== 'idle') start.hidden = true;
    frame.classList.toggle('photo', this.view === 'photo');
    camera.hidden = this.view === 'idle';
    camera.textContent = this.texts[{ live: 'stopCamera', photo: 'backToCamera' }[this.view] || 'startCamera'];
    if (!this.parts.compare.hidden) this.split.place();
  }

  // After each shown frame: clears a past frame error, and hints when no hair has been found for a while.
  frameShown() {
    this.notices.clear('frame');
    if (this.parts.compare.hidden && this.compare) this.renderCompare();
    if (!this.parts.compare.hidden) this.split.place();
    const found = this.hairFound;
    const now = performance.now();
    if (found) { this.lastHairAt = now; this.notices.hint(null); }
    else if (this.view === 'photo') this.notices.hint('noHairPhoto');
    else if (now - this.lastHairAt >= this.hintDelay) this.notices.hint('noHair');
  }

  snapshot() {
    if (!this.session) return Promise.reject(new Error('hair-tryon: nothing to snapshot before the try-on starts'));
    return this.session.snapshot();
  }

  // Shows the shopper's wording of `error` and fires `error` once (widget/notices.mjs; kinds: docs/widget.md).
  fail(error) { this.notices.fail(error); }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
  }
}

if (!customElements.get('hair-tryon')) customElements.define('hair-tryon', HairTryOnElement);
