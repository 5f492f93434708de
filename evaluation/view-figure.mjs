// docs/figures/what-the-network-sees.png: what the network is given for a still and for video, cut from
// the astronaut photo of figures.mjs:
//   1 a portrait photo (FRAME, 330 x 440) with the largest centred square (red): all the network saw before
//   2 the matte that gave: nothing outside the square (the crown is lost)
//   3 a still: the whole frame stretched to the network's 224 x 224 input, as in training
//   4 its matte (`hairmatte matte`, temporal 0)
//   5 a landscape camera frame (CAMERA, 512 x 300), video (temporal 0.5) after 15 frames: the head-following
//     region (green)
//   6 the network's input for it
//   7 its matte
// Made by `npm run figures` (makeFigures calls makeViewFigure).
import fs from 'node:fs';
import path from 'node:path';
import { HairMatte } from '../bindings/js/index.mjs';
import { resizeBilinear } from '../bin/eval-samples.mjs';

const HEIGHT = 256;  // every panel's height in the figure
// The photo frame: a 3:4 portrait cut from the photo, the head at the top (above the centred square). The
// camera frame: a landscape cut (the model sees faint hair on the suit further down; P >= 0.5 there would
// stretch the hair box, and the region with it, to the frame's bottom).
const FRAME = { x: 88, y: 0, width: 330, height: 440 };
const CAMERA = { x: 0, y: 0, width: 512, height: 300 };
const NET = 224;

function crop(image, r) {
  const out = new Uint8Array(r.width * r.height * 4);
  for (let y = 0; y < r.height; y++) {
    const row = ((r.y + y) * image.width + r.x) * 4;
    out.set(image.data.subarray(row, row + r.width * 4), y * r.width * 4);
  }
  return { width: r.width, height: r.height, data: out };
}

const grey = ({ width, height, data }) => {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) { rgba.fill(data[i], 4 * i, 4 * i + 3); rgba[4 * i + 3] = 255; }
  return { width, height, data: rgba };
};

// The image scaled to HEIGHT rows (aspect kept), with rectangles (frame pixels) outlined 3 px wide.
function panel(image, boxes = []) {
  const width = Math.round((image.width * HEIGHT) / image.height), s = HEIGHT / image.height;
  const data = resizeBilinear(image.data, image.width, image.height, 4, width, HEIGHT, Uint8Array);
  for (const { rect, color } of boxes) {
    const x0 = Math.round(rect.x * s), y0 = Math.round(rect.y * s);
    const x1 = Math.round((rect.x + rect.width) * s) - 1, y1 = Math.round((rect.y + rect.height) * s) - 1;
    for (let y = y0; y <= y1; y++) for (let x = x0; x <= x1; x++) {
      if (x - x0 > 2 && x1 - x > 2 && y - y0 > 2 && y1 - y > 2) continue;
      data.set(color, (y * width + x) * 4);
    }
  }
  return { width, height: HEIGHT, data };
}

function strip(panels, gap = 6) {
  const width = panels.reduce((a, p) => a + p.width, 0) + gap * (panels.length - 1);
  const out = new Uint8Array(width * HEIGHT * 4).fill(255);
  let x = 0;
  for (const p of panels) {
    for (let y = 0; y < HEIGHT; y++) out.set(p.data.subarray(y * p.width * 4, (y + 1) * p.width * 4), (y * width + x) * 4);
    x += p.width + gap;
  }
  return { width, height: HEIGHT, data: out };
}

// photo: the decoded astronaut (512 x 512); model: the HairMatteNet file; out: the PNG to write.
export async function makeViewFigure(codec, photo, model, out) {
  const frame = crop(photo, FRAME);
  const red = [220, 30, 30, 255], green = [30, 190, 60, 255];
  const stillEngine = await HairMatte.create({ model, temporal: 0 });
  // Before: the network saw only the centred square, and the matte was 0 outside it.
  const side = Math.min(frame.width, frame.height);
  const square = { x: (frame.width - side) >> 1, y: (frame.height - side) >> 1, width: side, height: side };
  const squareMatte = stillEngine.segment(crop(frame, square));
  const before = new Uint8Array(frame.width * frame.height);
  for (let y = 0; y < square.height; y++) {
    before.set(squareMatte.data.subarray(y * side, (y + 1) * side), (square.y + y) * frame.width + square.x);
  }
  stillEngine.reset();
  const stillMatte = stillEngine.segment(frame);
  stillEngine.dispose();
  const stillInput = { width: NET, height: NET, data: resizeBilinear(frame.data, frame.width, frame.height, 4, NET, NET, Uint8Array) };
  // Video: 15 frames of the same scene with a little noise, temporal smoothing on.
  const camera = crop(photo, CAMERA);
  const video = await HairMatte.create({ model, temporal: 0.5 });
  let seed = 7, matte = null;
  for (let t = 0; t < 15; t++) {
    const noisy = Uint8Array.from(camera.data, (v, i) => (i % 4 === 3 ? v : Math.max(0, Math.min(255, v + ((seed = (seed * 1103515245 + 12345) >>> 0) % 7) - 3))));
    matte = video.segment({ width: camera.width, height: camera.height, data: noisy });
  }
  const region = video.segmentProbability(camera).region;
  video.dispose();
  const regionImage = crop(camera, region);
  const videoInput = { width: NET, height: NET, data: resizeBilinear(regionImage.data, region.width, region.height, 4, NET, NET, Uint8Array) };
  const figure = strip([
    panel(frame, [{ rect: square, color: red }]), panel(grey({ width: frame.width, height: frame.height, data: before })),
    panel(stillInput), panel(grey(stillMatte)),
    panel(camera, [{ rect: region, color: green }]), panel(videoInput), panel(grey(matte)),
  ]);
  fs.writeFileSync(out, codec.encodePng(figure));
  return {
    frame: FRAME, square, camera: CAMERA, videoRegion: region,
    captions: ['photo, centred square (before)', 'matte before: 0 outside the square', 'still: the network\'s input (whole photo stretched)',
      'still matte', 'camera frame: the video region after 15 frames', 'video: the network\'s input', 'video matte'],
  };
}
