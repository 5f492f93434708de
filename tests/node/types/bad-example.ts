// Must NOT compile: tests/node/types.test.mjs checks that tsc reports each marked line.
import { HairMatte } from 'hairmatte';

export async function wrong(): Promise<void> {
  await HairMatte.create({ threads: '2' });            // error 1: threads is a number
  await HairMatte.create({ refine: 'bilateral' });     // error 2: unknown refine mode
  await HairMatte.create({ model: { random: 'resnet' } });  // error 3: unknown architecture
  const hm = await HairMatte.create();
  hm.segment({ data: new Float32Array(4), width: 1, height: 1 });  // error 4: float pixels
  hm.recolor({ data: new Uint8Array(4), width: 1, height: 1 }, { mode: 'solid' });  // error 5: no color
  new HairMatte();                                      // error 6: private constructor
  await HairMatte.create({ build: 'wasm64' });          // error 7: unknown build
}

export async function misspelt(): Promise<void> {
  await HairMatte.create({ model: 'hairmatenet' });     // error 8: not a bundled model, not a location
  const hm = await HairMatte.create({ model: 'models/mine.hmm' });
  hm.recolor({ data: new Uint8Array(4), width: 1, height: 1 }, { color: 'red' });  // error 9: not '#RRGGBB'
}
