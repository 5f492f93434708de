// Compiled by tests/node/types.test.mjs with `tsc --noEmit`: every option and method of the public API,
// imported the way users do (the package name, resolved through package.json "exports").
import { HairMatte, BUNDLED_MODELS, VERSION } from 'hairmatte';
import type { HairMatteOptions, Matte, RecolorLook, RecoloredImage, HairMatteInfo, Frame, WasmBuild, HairProbability } from 'hairmatte';

export async function everything(bytes: Uint8Array, buffer: ArrayBuffer, video: HTMLVideoElement): Promise<void> {
  const options: HairMatteOptions = {
    model: 'hairmattenet',
    threads: 2,
    refine: 'guided',
    temporal: 0.5,
    trackHead: true,
    quality: 'best',
    inputSize: 224,
    wasmPath: '/static/hairmatte/',
    locateFile: (fileName: string) => new URL(fileName, 'https://cdn.example/hairmatte/'),
    build: 'auto',
    onProgress: ({ loaded, total }) => console.log(total ? loaded / total : loaded),
  };
  const hm = await HairMatte.create(options);
  await HairMatte.create({ model: bytes });
  await HairMatte.create({ model: buffer, refine: 'none' });
  await HairMatte.create({ model: new URL('https://example.com/m.hmm') });
  await HairMatte.create({ model: { random: 'hairsegnet', decoderDepth: 16, widthPermille: 250, inputSize: 64, seed: 3 } });
  await HairMatte.create();
  await HairMatte.create({ build: 'plain' });

  const raw: Frame = { data: new Uint8Array(16), width: 2, height: 2 };
  const matte: Matte = hm.segment(raw);
  hm.segment(new ImageData(2, 2));
  hm.segment(video);
  const probability: HairProbability = hm.segmentProbability(video);
  const p: Float32Array = probability.data;
  const squareSide: number = probability.region.width + probability.region.height + p.length;
  const path: 'webgl2' | '2d' | null = hm.sourcePath;
  const look: RecolorLook = { color: '#8b2252', mode: 'ombre', colorEnd: '#c9a16b', strength: 0.8 };
  const out: RecoloredImage = hm.recolor(video, look, matte);
  const image = new ImageData(out.data, out.width, out.height);
  hm.recolor(raw, { color: '#3b1f14' });

  const info: HairMatteInfo = hm.info;
  const n: number = info.inputSize + info.threads + matte.data.length + image.width;
  const build: WasmBuild = info.build;
  hm.reset();
  hm.dispose();
  const gone: boolean = hm.disposed;
  console.log(n, build, gone, squareSide, path, BUNDLED_MODELS.length, VERSION.length);
}
