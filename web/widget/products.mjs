// The shades <hair-tryon> offers, from one of three sources (the first present wins):
//   1. the `products` property: [{name, id?, sku?, price?, url?, ...any, shades: [{name, color, sku?, id?, ...}]}]
//      (a product with `color` and no `shades` is its own single shade);
//   2. child elements: <hair-product name price url sku ...><hair-shade name color sku ...></hair-shade></hair-product>
//      or <hair-shade ...> directly inside <hair-tryon> (a shade without a product);
//   3. the `colors` attribute: "Espresso #3b1f14, #8b2252" (the original format; shades without a product).
// Each source becomes a flat list of shades {name, color, shade, product}: `shade` and `product` are what the
// `shadechange` and `select` events carry (the page's own object for the property, the element's
// attributes as an object for child elements, null product for the `colors` attribute).
import { parseColorList } from './swatches.mjs';

const HEX = /^#[0-9a-f]{6}$/i;

// Collects problems instead of throwing: one bad shade must not take the other shades down with it.
function shadeEntry(shade, product, problems, where) {
  const color = typeof shade.color === 'string' ? shade.color.trim().toLowerCase() : '';
  if (!HEX.test(color)) {
    problems.push(`${where}: color must be #RRGGBB, got ${JSON.stringify(shade.color)}`);
    return null;
  }
  const name = typeof shade.name === 'string' && shade.name.trim() ? shade.name.trim() : color;
  return { name, color, shade, product };
}

export function shadesFromProducts(products, problems) {
  if (!Array.isArray(products)) {
    problems.push(`products must be an array of products, got ${products === null ? 'null' : typeof products}`);
    return [];
  }
  const list = [];
  products.forEach((product, p) => {
    if (!product || typeof product !== 'object') {
      problems.push(`products[${p}] must be an object`);
      return;
    }
    if (Array.isArray(product.shades)) {
      product.shades.forEach((shade, s) => {
        if (!shade || typeof shade !== 'object') {
          problems.push(`products[${p}].shades[${s}] must be an object`);
          return;
        }
        const entry = shadeEntry(shade, product, problems, `products[${p}].shades[${s}]`);
        if (entry) list.push(entry);
      });
    } else {
      const entry = shadeEntry(product, product, problems, `products[${p}]`);
      if (entry) list.push(entry);
    }
  });
  return list;
}

function attributesOf(element) {
  const out = {};
  for (const { name, value } of element.attributes) out[name] = value;
  return out;
}

// <hair-product>/<hair-shade> children of `host`, or null when it has none.
export function shadesFromChildren(host, problems) {
  const children = [...host.children].filter((c) => c.localName === 'hair-product' || c.localName === 'hair-shade');
  if (!children.length) return null;
  const list = [];
  for (const child of children) {
    if (child.localName === 'hair-shade') {
      const entry = shadeEntry(attributesOf(child), null, problems, '<hair-shade>');
      if (entry) list.push(entry);
      continue;
    }
    const product = attributesOf(child);
    const shades = [...child.children].filter((c) => c.localName === 'hair-shade').map(attributesOf);
    product.shades = shades;
    if (!shades.length) problems.push(`<hair-product name="${product.name || ''}"> has no <hair-shade> inside`);
    for (const shade of shades) {
      const entry = shadeEntry(shade, product, problems, `<hair-shade> of "${product.name || ''}"`);
      if (entry) list.push(entry);
    }
  }
  return list;
}

export function shadesFromColors(text, problems) {
  try {
    return parseColorList(text).map(({ name, hex }) => ({ name, color: hex, shade: { name, color: hex }, product: null }));
  } catch (e) {
    problems.push(e.message);
    return null;
  }
}

// What the events carry for one entry of the list.
export function shadeDetail(entry) {
  return entry ? { color: entry.color, shade: entry.shade, product: entry.product } : null;
}
