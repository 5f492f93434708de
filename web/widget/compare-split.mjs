// The before/after divider of <hair-tryon>: a vertical handle over the picture (role="slider", 0..100 %)
// that the shopper drags (pointer: anywhere on the picture) or moves with the keyboard (arrows 5 %,
// Page Up/Down 25 %, Home/End). Left of it the original frame, right of it the recoloured one; the value is
// the split in frame coordinates, so the handle is placed on the canvas's drawn content (object-fit
// cover or contain), not on the element's box.
const clamp01 = (v) => Math.min(1, Math.max(0, v));

export class CompareSplit {
  // layer: element covering the picture (takes the pointer); handle: the slider; onChange(split).
  constructor({ layer, handle, canvas, onChange }) {
    this.layer = layer;
    this.handle = handle;
    this.canvas = canvas;
    this.onChange = onChange;
    this.value = 0.5;
    handle.setAttribute('role', 'slider');
    handle.setAttribute('aria-valuemin', '0');
    handle.setAttribute('aria-valuemax', '100');
    handle.tabIndex = 0;
    layer.addEventListener('pointerdown', (e) => {
      if (e.button !== 0) return;
      layer.setPointerCapture(e.pointerId);
      this.dragging = true;
      this.set(this.splitAt(e.clientX));
      e.preventDefault();
    });
    layer.addEventListener('pointermove', (e) => { if (this.dragging) this.set(this.splitAt(e.clientX)); });
    const end = () => { this.dragging = false; };
    layer.addEventListener('pointerup', end);
    layer.addEventListener('pointercancel', end);
    handle.addEventListener('keydown', (e) => {
      const step = { ArrowLeft: -0.05, ArrowDown: -0.05, ArrowRight: 0.05, ArrowUp: 0.05, PageDown: -0.25, PageUp: 0.25 }[e.key];
      if (step !== undefined) this.set(this.value + step);
      else if (e.key === 'Home') this.set(0);
      else if (e.key === 'End') this.set(1);
      else return;
      e.preventDefault();
    });
    if (typeof ResizeObserver !== 'undefined') new ResizeObserver(() => this.place()).observe(layer);
  }

  // The canvas's drawn picture in client pixels: {left, width} and the layer's box.
  content() {
    const box = this.layer.getBoundingClientRect();
    const rect = this.canvas.getBoundingClientRect();
    const { width, height } = this.canvas;
    const fit = getComputedStyle(this.canvas).objectFit;
    const scale = fit === 'cover' ? Math.max(rect.width / width, rect.height / height)
      : fit === 'contain' ? Math.min(rect.width / width, rect.height / height) : rect.width / width;
    const drawn = width * scale;
    return { left: rect.left + (rect.width - drawn) / 2, width: drawn, box };
  }

  splitAt(clientX) {
    const { left, width } = this.content();
    return width > 0 ? clamp01((clientX - left) / width) : this.value;
  }

  set(value) {
    const next = clamp01(Math.round(value * 1000) / 1000);
    if (next === this.value) { this.place(); return; }
    this.value = next;
    this.place();
    this.onChange(next);
  }

  // Puts the handle over the split (kept inside the layer when the picture is cropped by cover).
  place() {
    const { left, width, box } = this.content();
    const x = Math.min(box.width, Math.max(0, left - box.left + this.value * width));
    this.handle.style.left = `${x}px`;
    this.handle.setAttribute('aria-valuenow', String(Math.round(this.value * 100)));
    this.handle.setAttribute('aria-valuetext', `${Math.round(this.value * 100)}%`);
  }
}
