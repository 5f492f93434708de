// The wasm module's internal Embind surface (bindings/embind.cc, image_buffer.cc, recolor_binding.cc),
// below HairMatte: every call names the images it works on. In particular the recolour reads the frame
// it is given, never one left in the module by an earlier segment (issue #18, point 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadWasmModule } from '../../bindings/js/loader.mjs';
import { HairMatte } from '../../bindings/js/index.mjs';
import { SMALL, randomFrame } from './helpers.mjs';

function image(module, { width, height, data }, channels) {
  const buffer = new module.ImageBuffer();
  buffer.resize(width, height, channels).set(data);
  return buffer;
}

test('Embind: recolor uses the frame it is given, not the frame segmented last', async () => {
  const module = await loadWasmModule('simd', 1, {});
  const objects = [];
  const keep = (o) => { objects.push(o); return o; };
  try {
    const segmenter = keep(new module.Segmenter());
    assert.equal(segmenter.randomModel('hairsegnet', SMALL.decoderDepth, SMALL.widthPermille, SMALL.inputSize, 3, 1), '');
    const a = randomFrame(24, 18, 1), b = randomFrame(24, 18, 2);
    const matte = { width: 24, height: 18, data: new Uint8Array(24 * 18).map((_, i) => (i * 7) % 256) };
    const frameA = keep(image(module, a, 4)), frameB = keep(image(module, b, 4));
    const alpha = keep(new module.ImageBuffer()), out = keep(new module.ImageBuffer());
    const matteBuffer = keep(image(module, matte, 1));
    assert.equal(segmenter.segment(frameB, alpha), '');
    assert.equal(alpha.width(), 24);
    assert.equal(alpha.channels(), 1);
    const recolorer = keep(new module.Recolorer());
    assert.equal(recolorer.setLook('#8b2252', '#c9a16b', 'solid', 0.8), '');
    assert.equal(recolorer.recolor(frameA, matteBuffer, out), '');
    const got = out.view().slice();

    // The public API's recolour of frame A (an independent instance) is the same, and frame B's differs.
    const hm = await HairMatte.create({ model: { random: 'hairsegnet', ...SMALL, seed: 3 } });
    try {
      const look = { color: '#8b2252', colorEnd: '#c9a16b', mode: 'solid', strength: 0.8 };
      assert.deepEqual(Array.from(got), Array.from(hm.recolor(a, look, matte).data));
      assert.notDeepEqual(Array.from(got), Array.from(hm.recolor(b, look, matte).data));
    } finally {
      hm.dispose();
    }

    // Images that do not fit are refused with a reason, and the objects stay usable.
    const small = keep(image(module, { width: 2, height: 2, data: new Uint8Array(4) }, 1));
    assert.match(recolorer.recolor(frameA, small, out), /matte is 2x2 but the frame is 24x18/);
    assert.match(recolorer.recolor(matteBuffer, matteBuffer, out), /RGBA/);
    assert.match(segmenter.segment(matteBuffer, alpha), /RGBA/);
    assert.match(recolorer.setLook('red', '#000000', 'solid', 1), /color must be/);
    assert.equal(keep(new module.ImageBuffer()).resize(0, 4, 4), null);
    assert.equal(recolorer.recolor(frameA, matteBuffer, out), '');
    assert.deepEqual(Array.from(out.view()), Array.from(got));
  } finally {
    for (const o of objects) { if (o.release) o.release(); o.delete(); }
    module.shutdown();
  }
});
