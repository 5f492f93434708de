// A minimal YUV4MPEG2 writer, enough for Chromium's --use-file-for-fake-video-capture:
// 4:2:0 planar (C420jpeg), progressive, square pixels. Frames are RGBA; conversion is full-range
// BT.601 (JFIF), which is what the `420jpeg` tag means. Chroma is the mean of each 2x2 block.
// Used by scripts/demo-screenshot.mjs and by the browser tests' fake camera clips.
import fs from 'node:fs';

const clampByte = (v) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

// rgba: Uint8Array/Uint8ClampedArray of width*height*4; width and height must be even.
export function rgbaToI420(rgba, width, height) {
  if (width % 2 || height % 2) throw new Error(`y4m: width and height must be even, got ${width}x${height}`);
  if (rgba.length !== width * height * 4) throw new Error(`y4m: expected ${width * height * 4} bytes, got ${rgba.length}`);
  const cw = width / 2, ch = height / 2;
  const out = new Uint8Array(width * height + 2 * cw * ch);
  const y = out.subarray(0, width * height);
  const u = out.subarray(width * height, width * height + cw * ch);
  const v = out.subarray(width * height + cw * ch);
  for (let i = 0, p = 0; i < width * height; i++, p += 4) {
    y[i] = clampByte(0.299 * rgba[p] + 0.587 * rgba[p + 1] + 0.114 * rgba[p + 2]);
  }
  for (let cy = 0; cy < ch; cy++) {
    for (let cx = 0; cx < cw; cx++) {
      let r = 0, g = 0, b = 0;
      for (let dy = 0; dy < 2; dy++) {
        for (let dx = 0; dx < 2; dx++) {
          const p = ((2 * cy + dy) * width + 2 * cx + dx) * 4;
          r += rgba[p]; g += rgba[p + 1]; b += rgba[p + 2];
        }
      }
      r /= 4; g /= 4; b /= 4;
      u[cy * cw + cx] = clampByte(128 - 0.168736 * r - 0.331264 * g + 0.5 * b);
      v[cy * cw + cx] = clampByte(128 + 0.5 * r - 0.418688 * g - 0.081312 * b);
    }
  }
  return out;
}

// frames: array of RGBA buffers (all width x height). Writes `file` and returns its path.
export function writeY4m(file, width, height, frames, fps = 30) {
  if (!frames.length) throw new Error('y4m: no frames');
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, `YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`);
    for (const rgba of frames) {
      fs.writeSync(fd, 'FRAME\n');
      fs.writeSync(fd, rgbaToI420(rgba, width, height));
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

// Parses a file written by writeY4m back into planes (used by the writer's own test).
export function readY4m(buffer) {
  const headerEnd = buffer.indexOf(0x0a);
  const header = buffer.subarray(0, headerEnd).toString('latin1');
  if (!header.startsWith('YUV4MPEG2 ')) throw new Error('y4m: bad magic');
  const width = Number(/ W(\d+)/.exec(header)[1]);
  const height = Number(/ H(\d+)/.exec(header)[1]);
  const frameBytes = width * height * 3 / 2;
  const frames = [];
  let at = headerEnd + 1;
  while (at < buffer.length) {
    const tag = buffer.subarray(at, at + 6).toString('latin1');
    if (tag !== 'FRAME\n') throw new Error(`y4m: expected FRAME at ${at}`);
    at += 6;
    frames.push(buffer.subarray(at, at + frameBytes));
    at += frameBytes;
  }
  return { width, height, header, frames };
}
