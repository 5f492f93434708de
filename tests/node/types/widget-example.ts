// Compiled by tests/node/types.test.mjs with `tsc --noEmit`: the <hair-tryon> element as a page's
// TypeScript sees it after importing `hairmatte/widget` (the tag map, properties, typed events).
// Each @ts-expect-error line must be an error, so the declarations are not just `any`.
import 'hairmatte/widget';
import type { HairProduct, HairTryOnErrorDetail, HairTryOnElement } from 'hairmatte/widget';

export function shop(): void {
  const tryon: HairTryOnElement | null = document.querySelector('hair-tryon');
  if (!tryon) return;
  const created: HairTryOnElement = document.createElement('hair-tryon');
  const products: HairProduct[] = [
    { name: 'Gloss Colour Mask', sku: 'GCM', price: '€24.00', url: '/p/gcm',
      shades: [{ name: 'Espresso', sku: 'GCM-01', color: '#3b1f14' }] },
    { name: 'Blue Rinse', color: '#2a4b8d', id: 7 },
  ];
  created.products = products;
  created.messages = { startTitle: 'Farbe anprobieren', loading: 'Lädt… {percent} %' };
  created.compare = true;
  created.compareSplit = 0.3;
  created.lang = 'de';
  tryon.addEventListener('progress', (e) => console.log(e.detail.loaded / e.detail.total));
  tryon.addEventListener('ready', (e) => console.log(e.detail.info?.threads));
  tryon.addEventListener('shadechange', (e) => console.log(e.detail.shade.sku, e.detail.product?.price, e.detail.fromUser));
  tryon.addEventListener('select', (e) => console.log(e.detail.color, e.detail.product?.url));
  tryon.addEventListener('error', (e) => {
    const detail: HairTryOnErrorDetail = e.detail;
    if (detail.kind === 'camera' && detail.reason === 'refused') console.log(detail.message);
  });
  void tryon.start().then((ok: boolean) => ok && tryon.stopCamera());
  void tryon.snapshot().then((png: Blob) => png.size);
  const frames: number = tryon.stats.frames;
  console.log(frames, tryon.shadeList.map((s) => s.product?.name), tryon.view);

  // @ts-expect-error: messages are strings
  created.messages = { startTitle: 3 };
  // @ts-expect-error: unknown message key
  created.messages = { startTitel: 'typo' };
  // @ts-expect-error: progress detail has no `percent`
  tryon.addEventListener('progress', (e) => e.detail.percent);
  // @ts-expect-error: not an error kind
  const kind: HairTryOnErrorDetail['kind'] = 'network';
  console.log(kind);
}
