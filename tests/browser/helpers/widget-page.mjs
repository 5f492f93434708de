// Shared by the <hair-tryon> tests: a page with one element, and an init script that records every event
// the element fires (type, detail, and its aria-busy at that moment) in window.events.
export function widgetPage(attributes = '', inner = '', script = '') {
  return `<!doctype html><html lang="en"><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<script type="module" src="/web/widget.mjs"></script>
<body style="margin:16px"><hair-tryon id="w" ${attributes}>${inner}</hair-tryon><script>${script}</script></body></html>`;
}

export const RECORD_EVENTS = () => {
  window.events = [];
  for (const type of ['progress', 'ready', 'shadechange', 'select', 'colorchange', 'error']) {
    document.addEventListener(type, (e) => {
      if (!e.target || e.target.localName !== 'hair-tryon') return;
      window.events.push({ type, busy: e.target.getAttribute('aria-busy'), ...JSON.parse(JSON.stringify(e.detail)) });
    }, true);
  }
};

