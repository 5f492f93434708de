// An accessible radio group of colour swatches (WAI-ARIA radiogroup pattern): one Tab stop, arrow keys
// move and select, Space/Enter select, each swatch labelled with its name (or its hex code).
// Used by the demo page and by <hair-tryon>, with the palette they both offer (below).

// "Espresso #3b1f14, #8b2252" -> [{name: 'Espresso', hex: '#3b1f14'}, {name: '#8b2252', hex: '#8b2252'}]
export function parseColorList(text) {
  const list = [];
  for (const part of String(text || '').split(',')) {
    const m = /^\s*(.*?)\s*(#[0-9a-f]{6})\s*$/i.exec(part);
    if (!m) {
      if (part.trim()) throw new Error(`colors: '${part.trim()}' is not a #RRGGBB colour`);
      continue;
    }
    const hex = m[2].toLowerCase();
    list.push({ name: m[1] || hex, hex });
  }
  return list;
}

// The palette, in the `colors` attribute's format: the demo page offers all of it, <hair-tryon> without
// shades of its own the first three. One list, so that the page and the widget cannot drift apart.
export const PALETTE = 'Espresso #3b1f14, Burgundy #8b2252, Honey blonde #c9a16b, Copper #b4521f, ' +
  'Platinum #e4dccb, Midnight blue #1d2b5a, Rose #d46a8f';
export const WIDGET_PALETTE = PALETTE.split(',').slice(0, 3).join(',');

// label({name, hex}) words each swatch's accessible name (the widget passes its translated wording);
// onSelect(hex, index) is called when the user picks one.
const englishLabel = ({ name, hex }) => (name === hex ? `Colour ${hex}` : `${name} (${hex})`);

export function renderSwatches(container, colors, { selected, onSelect, className = 'swatch', label = englishLabel }) {
  container.replaceChildren();
  container.setAttribute('role', 'radiogroup');
  const buttons = colors.map(({ name, hex }, index) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = className;
    button.style.background = hex;
    button.setAttribute('role', 'radio');
    button.setAttribute('aria-label', label({ name, hex }));
    button.title = name;
    button.dataset.color = hex;
    button.addEventListener('click', () => select(index, true));
    button.addEventListener('keydown', (event) => {
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      if (step) {
        event.preventDefault();
        select((index + step + buttons.length) % buttons.length, true);
      } else if (event.key === 'Home' || event.key === 'End') {
        event.preventDefault();
        select(event.key === 'Home' ? 0 : buttons.length - 1, true);
      }
    });
    container.append(button);
    return button;
  });
  function select(index, fromUser) {
    buttons.forEach((b, i) => {
      b.setAttribute('aria-checked', String(i === index));
      b.tabIndex = i === index ? 0 : -1;
    });
    if (fromUser) {
      buttons[index].focus();
      onSelect(colors[index].hex, index);
    }
  }
  // selected: a hex code, or the index of the swatch (shades of two products may share a colour).
  const initial = Math.max(0, typeof selected === 'number' ? Math.min(selected, colors.length - 1)
    : colors.findIndex((c) => c.hex === selected));
  if (buttons.length) select(initial, false);
  // Lets callers reflect a colour chosen elsewhere (the picker): no swatch is checked if none matches.
  return {
    reflect(hex) {
      const index = colors.findIndex((c) => c.hex === String(hex).toLowerCase());
      buttons.forEach((b, i) => b.setAttribute('aria-checked', String(i === index)));
      if (index >= 0) buttons.forEach((b, i) => { b.tabIndex = i === index ? 0 : -1; });
    },
  };
}
