// Draws a simple synthetic portrait in RGBA (no canvas needed): a plain backdrop, shoulders, a skin-toned
// face ellipse and a dark-brown hair cap around its top. Returns the image and the masks of the hair
// and of the "far" background (more than `margin` px from the head and shoulders), so tests know where
// pixels must change and where they must not.
export function drawSyntheticHead(width, height, { hairRgb = [58, 36, 24], margin = 40 } = {}) {
  const data = new Uint8ClampedArray(width * height * 4);
  const hair = new Uint8Array(width * height);
  const far = new Uint8Array(width * height);
  const cx = width / 2, faceCy = height * 0.48;
  const faceRx = width * 0.13, faceRy = height * 0.22;
  const hairRx = faceRx * 1.35, hairRy = faceRy * 1.2, hairCy = faceCy - faceRy * 0.18;
  const inEllipse = (x, y, ex, ey, rx, ry, grow = 0) =>
    ((x - ex) / (rx + grow)) ** 2 + ((y - ey) / (ry + grow)) ** 2 <= 1;
  const inShoulders = (x, y, grow = 0) =>
    y >= height * 0.78 - grow && Math.abs(x - cx) <= width * 0.32 + grow;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x, p = i * 4;
      // Backdrop: a soft grey-blue vertical gradient (never close to the hair colour).
      let rgb = [150 + 30 * (y / height), 170 + 20 * (y / height), 190];
      const isFace = inEllipse(x, y, cx, faceCy, faceRx, faceRy);
      const isHair = !isFace && inEllipse(x, y, cx, hairCy, hairRx, hairRy) && y < faceCy + faceRy * 0.55;
      if (inShoulders(x, y)) rgb = [60, 90, 140];
      if (isHair) {
        // Strands: a little stripe texture, so the hair is not a flat patch.
        const strand = 10 * Math.sin((x - cx) * 0.35 + y * 0.05);
        rgb = hairRgb.map((c) => c + strand);
        hair[i] = 1;
      }
      if (isFace) rgb = [224, 172, 140];
      const nearHead = inEllipse(x, y, cx, hairCy, hairRx, hairRy, margin) || inShoulders(x, y, margin);
      far[i] = nearHead ? 0 : 1;
      data[p] = rgb[0]; data[p + 1] = rgb[1]; data[p + 2] = rgb[2]; data[p + 3] = 255;
    }
  }
  return { width, height, data, hair, far };
}
