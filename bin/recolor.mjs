// `hairmatte recolor <image> --color '#RRGGBB' --out FILE.png`: the photo with its hair recoloured.
import { HairMatte } from '../bindings/js/index.mjs';
import { RECOLOR_MODES, DEFAULT_LOOK_STRENGTH } from '../bindings/js/constants.mjs';
import { UsageError } from './args.mjs';
import { engineOptions } from './model-option.mjs';
import { readImageFile, writePng } from './images.mjs';
import { stillEngineOptions, segmentStill } from './matte.mjs';

// A decimal number as people write it: 0.5, .5, 1, 1e-1, 5E-1 (not hex, not Infinity, not '').
const DECIMAL = /^\+?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

export async function runRecolor(args) {
  if (args._.length !== 1) throw new UsageError(`recolor takes exactly one image, got ${args._.length}`);
  if (!args.color) throw new UsageError("recolor needs --color '#RRGGBB'");
  if (!args.out) throw new UsageError('recolor needs --out FILE.png');
  if (!args.out.toLowerCase().endsWith('.png')) throw new UsageError(`--out must name a .png file, got '${args.out}'`);
  let strength;
  if (args.strength !== undefined) {
    strength = Number(args.strength);
    if (!DECIMAL.test(args.strength) || !(strength >= 0 && strength <= 1)) {
      throw new UsageError(`--strength must be a number in 0..1, got '${args.strength}'`);
    }
  }
  // Option values are usage errors (exit 2), checked before anything is loaded.
  for (const name of ['color', 'color-end']) {
    if (args[name] !== undefined && !HEX_COLOR.test(args[name])) {
      throw new UsageError(`--${name} must be '#RRGGBB' (six hex digits), got '${args[name]}'`);
    }
  }
  if (args.mode !== undefined && !RECOLOR_MODES.includes(args.mode)) {
    throw new UsageError(`--mode must be ${RECOLOR_MODES.join(', ')}, got '${args.mode}'`);
  }
  const { model, refine, threads } = engineOptions(args);
  const hm = await HairMatte.create(stillEngineOptions({ model, refine, threads, quality: args.quality }));
  try {
    const image = readImageFile(hm, args._[0]);
    const look = { color: args.color, mode: args.mode ?? RECOLOR_MODES[0], strength: strength ?? DEFAULT_LOOK_STRENGTH };
    if (args['color-end'] !== undefined) look.colorEnd = args['color-end'];
    writePng(hm, args.out, hm.recolor(image, look, segmentStill(hm, image)));
  } finally {
    hm.dispose();
  }
  console.log(`wrote ${args.out}`);
  return 0;
}
