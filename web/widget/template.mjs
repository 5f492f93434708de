// The shadow DOM of <hair-tryon>: markup and styles. Text is filled in from the messages (messages.mjs),
// never written here. Every styled piece is a ::part (see docs/widget.md); --hair-tryon-aspect overrides
// the picture's aspect ratio, which otherwise follows the screen (4:3, or 3:4 on a portrait phone).
export const TEMPLATE = `
<style>
  :host { display: block; width: 100%; max-width: 640px; font: 14px/1.4 system-ui, sans-serif; color: #222;
    --hair-tryon-accent: #222; }
  .frame { position: relative; background: #1c1c1c; border-radius: 8px; overflow: hidden;
    aspect-ratio: var(--hair-tryon-aspect, 4 / 3); touch-action: pan-y; }
  @media (orientation: portrait) and (max-width: 600px) { .frame { aspect-ratio: var(--hair-tryon-aspect, 3 / 4); } }
  canvas { position: absolute; inset: 0; width: 100%; height: 100%; object-fit: cover; display: block; }
  .frame.photo canvas { object-fit: contain; }
  .overlay { position: absolute; inset: 0; display: flex; flex-direction: column; align-items: center;
    justify-content: center; gap: 0.6rem; background: #0008; color: #fff; text-align: center; padding: 1rem; }
  .start { border: 0; font: inherit; cursor: pointer; }
  .start strong { font-size: 1.15em; }
  .loading progress { width: min(70%, 18rem); accent-color: #fff; }
  .notice { position: absolute; left: 0; right: 0; bottom: 0; display: flex; align-items: center; gap: 0.75rem;
    padding: 0.5rem 0.75rem; background: #b00020e6; color: #fff; }
  .message { margin: 0; flex: 1; }
  .notice button { flex: none; }
  .hint { position: absolute; left: 0.75rem; right: 0.75rem; top: 0.75rem; margin: 0; padding: 0.4rem 0.6rem;
    border-radius: 6px; background: #000a; color: #fff; animation: hair-tryon-fade-in 0.6s ease-out; }
  @keyframes hair-tryon-fade-in { from { opacity: 0; transform: translateY(-0.5rem); } }
  .compare { position: absolute; inset: 0; cursor: ew-resize; }
  .divider { position: absolute; top: 0; bottom: 0; width: 0; border-left: 2px solid #fff; box-shadow: 0 0 4px #0008; }
  .divider::after { content: '⇔'; position: absolute; top: 50%; left: -1.1rem; width: 2.2rem; height: 2.2rem;
    margin-top: -1.1rem; border-radius: 50%; background: #fff; color: #222; display: grid; place-items: center; }
  .divider:focus-visible { outline: 3px solid #4af; outline-offset: 2px; }
  .label { position: absolute; bottom: 0.5rem; padding: 0.1rem 0.4rem; border-radius: 4px; background: #000a;
    color: #fff; font-size: 0.85em; pointer-events: none; }
  .label.before { left: 0.5rem; } .label.after { right: 0.5rem; }
  .shade-info { display: flex; flex-wrap: wrap; gap: 0.25rem 0.75rem; align-items: baseline; margin-top: 0.5rem; }
  .shade-name { font-weight: 600; }
  .product-name, .price { color: #555; }
  .bar, .controls { display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem; margin-top: 0.5rem; }
  .swatches { display: flex; flex-wrap: wrap; gap: 0.4rem; }
  .swatch { width: 2.25rem; height: 2.25rem; border-radius: 50%; border: 2px solid #bbb; cursor: pointer; padding: 0; }
  .swatch[aria-checked="true"] { border-color: var(--hair-tryon-accent); box-shadow: 0 0 0 2px #fff, 0 0 0 4px var(--hair-tryon-accent); }
  button.action, .choose, .camera, .upload { font: inherit; padding: 0.45rem 0.9rem; border-radius: 6px;
    border: 1px solid #888; background: #fff; color: #222; cursor: pointer; }
  .choose { margin-left: auto; background: var(--hair-tryon-accent); color: #fff; border-color: var(--hair-tryon-accent); }
  .upload { position: relative; }
  .upload input { position: absolute; width: 1px; height: 1px; opacity: 0; }
  .upload:focus-within, button:focus-visible, .swatch:focus-visible { outline: 3px solid #4af; outline-offset: 2px; }
  [hidden] { display: none !important; }
  @media (prefers-reduced-motion: reduce) { * { transition: none !important; animation: none !important; } }
</style>
<div class="frame" part="frame">
  <canvas part="canvas"></canvas>
  <div class="compare" part="compare" hidden>
    <span class="label before" part="compare-label"></span><span class="label after" part="compare-label"></span>
    <div class="divider" part="compare-handle"></div>
  </div>
  <p class="hint" part="hint" role="status" hidden></p>
  <button class="overlay start" part="start" type="button"><strong></strong><span></span></button>
  <div class="overlay loading" part="loading" hidden><progress max="1"></progress><span class="loading-text" role="status"></span></div>
  <div class="notice" part="notice" hidden><p class="message" part="message" role="alert"></p>
    <button class="action" part="action" type="button" hidden></button></div>
</div>
<div class="shade-info" part="shade-info" aria-live="polite"><span class="shade-name" part="shade-name"></span>
  <span class="product-name" part="product-name"></span><span class="price" part="price"></span></div>
<div class="bar" part="bar">
  <div class="swatches" part="swatches"></div>
  <button class="choose" part="choose" type="button" hidden></button>
</div>
<div class="controls" part="controls">
  <button class="camera" part="camera-button" type="button" hidden></button>
  <label class="upload" part="upload"><span></span><input type="file" accept="image/*"></label>
</div>`;
