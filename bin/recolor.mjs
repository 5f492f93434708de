// `hairmatte recolor <image> --color '#RRGGBB' --out FILE.png`: the photo with its hair recoloured.
import { HairMatte } from '../bindings/js/index.mjs';
import { UsageError } from './args.mjs';
import { engineOptions } from './model-option.mjs';
import { readImageFile, writePng } from './images.mjs';
import { stillEngineOptions, segmentStill } from './matte.mjs';

export async function runRecolor(args) {
  if (args._.length !== 1) throw new UsageError(`recolor takes exactly one image, got ${args._.length}`);
  if (!args.color) throw new UsageError("recolor needs --color '#RRGGBB'");
  if (!args.out) throw new UsageError('recolor needs --out FILE.png');
  if (!args.out.toLowerCase().endsWith('.png')) throw new UsageError(`--out must name a .png file, got '${args.out}'`);
  let strength;
  if (args.strength !== undefined) {
    strength = Number(args.strength);
    if (!/^\d*\.?\d+$/.test(args.strength) || !(strength >= 0 && strength <= 1)) {
      throw new UsageError(`--strength must be a number in 0..1, got '${args.strength}'`);
    }
  }
  const { model, refine, threads } = engineOptions(args);
  const hm = await HairMatte.create(stillEngineOptions({ model, refine, threads, quality: args.quality }));
  try {
    const image = readImageFile(hm, args._[0]);
    const look = { color: args.color, mode: args.mode ?? 'solid', strength: strength ?? 0.8 };
    if (args['color-end'] !== undefined) look.colorEnd = args['color-end'];
    writePng(hm, args.out, hm.recolor(image, look, segmentStill(hm, image)));
  } finally {
    hm.dispose();
  }
  console.log(`wrote ${args.out}`);
  return 0;
}
