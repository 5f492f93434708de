// WebGL2 renderer of the try-on: draws the camera frame with its hair recoloured by the matte, using the
// GLSL twin of the C++ recolour (recolor-glsl.mjs, a checked copy of src/color/recolor.glsl), and a
// before/after split: left of `split` the original frame, right of it the recoloured one.
// The canvas is sized to the frame, and pixels are read with texelFetch (no filtering), so the shader sees
// exactly the bytes the C++ recolour sees.
import { compileProgram, createTexture, uploadRgba, uploadMatte } from './gl-program.mjs';
import { RECOLOR_GLSL, recolorUniforms } from './recolor-glsl.mjs';
import { computeHairStats } from '../color/hair-stats.mjs';

const VERTEX_SHADER = `#version 300 es
// One triangle that covers the viewport; no vertex buffers needed.
void main() {
  vec2 p = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
  gl_Position = vec4(p * 2.0 - 1.0, 0.0, 1.0);
}`;

const FRAGMENT_SHADER = `#version 300 es
precision highp float;
precision highp int;
uniform sampler2D u_frame;   // RGBA8, frame resolution
uniform sampler2D u_matte;   // R8, frame resolution
uniform float u_split;       // 0..1: x below it shows the original frame
uniform int u_frameHeight;
out vec4 outColor;
${RECOLOR_GLSL}
void main() {
  // gl_FragCoord has y up; the textures hold row 0 at the top.
  ivec2 texel = ivec2(int(gl_FragCoord.x), u_frameHeight - 1 - int(gl_FragCoord.y));
  vec4 frame = texelFetch(u_frame, texel, 0);
  float alpha = texelFetch(u_matte, texel, 0).r;
  float x = gl_FragCoord.x / float(textureSize(u_frame, 0).x);
  vec3 rgb = x < u_split ? frame.rgb : hm_recolor_pixel(frame.rgb, alpha, texel);
  outColor = vec4(rgb, 1.0);
}`;

export class TryOnRenderer {
  // Throws an Error whose message starts with "WebGL2" when the browser cannot render.
  constructor(canvas) {
    const gl = canvas.getContext('webgl2', { preserveDrawingBuffer: true, antialias: false, alpha: false,
      premultipliedAlpha: false });
    if (!gl) throw new Error('WebGL2 is not available in this browser');
    this.canvas = canvas;
    this.gl = gl;
    this.size = null;  // {width, height} of the current frame, null before the first one
    this.lost = false;
    this.onContextLost = () => {};
    this.onContextRestored = () => {};  // called after the GL objects and the last frame are rebuilt
    this.createGlObjects();
    // A lost context (GPU reset, driver update, too many contexts) comes back only if the loss event is
    // cancelled; everything made with the old context is then gone and is made again.
    this.handleLost = (event) => {
      event.preventDefault();
      this.lost = true;
      this.onContextLost();
    };
    this.handleRestored = () => {
      this.lost = false;
      try {
        this.createGlObjects();
        if (this.last) this.setFrame(this.last.frame, this.last.matte, this.last.hairStats);
      } catch (e) {
        this.onContextRestored(e);
        return;
      }
      this.onContextRestored(null);
    };
    canvas.addEventListener('webglcontextlost', this.handleLost);
    canvas.addEventListener('webglcontextrestored', this.handleRestored);
  }

  createGlObjects() {
    const gl = this.gl;
    this.program = compileProgram(gl, VERTEX_SHADER, FRAGMENT_SHADER);
    this.frameTexture = createTexture(gl);
    this.matteTexture = createTexture(gl);
    this.vao = gl.createVertexArray();
    this.uniformLocations = new Map();
  }

  uniform(name) {
    if (!this.uniformLocations.has(name)) {
      this.uniformLocations.set(name, this.gl.getUniformLocation(this.program, name));
    }
    return this.uniformLocations.get(name);
  }

  // frame: TexImageSource or {data, width, height} RGBA; matte: {data, width, height}, same size;
  // hairStats: from computeHairStats (computed here from a pixel-buffer frame when not given).
  setFrame(frame, matte, hairStats) {
    const width = frame.width ?? frame.videoWidth, height = frame.height ?? frame.videoHeight;
    if (matte.width !== width || matte.height !== height) {
      throw new Error(`matte is ${matte.width}x${matte.height} but the frame is ${width}x${height}`);
    }
    uploadRgba(this.gl, this.frameTexture, frame);
    uploadMatte(this.gl, this.matteTexture, matte);
    if (!hairStats) {
      if (!ArrayBuffer.isView(frame.data)) throw new Error('setFrame: hairStats are needed for an image-source frame');
      hairStats = computeHairStats(frame.data, matte.data, width, height);
    }
    this.hairStats = hairStats;
    this.size = { width, height };
    // Pixel buffers are kept to upload again after a context loss (an image source may have moved on).
    this.last = ArrayBuffer.isView(frame.data) ? { frame, matte, hairStats } : null;
    if (this.canvas.width !== width || this.canvas.height !== height) {
      this.canvas.width = width;
      this.canvas.height = height;
    }
  }

  // look: {color, colorEnd, mode, strength}; split: 0..1 (0 = all recoloured).
  render(look, split = 0) {
    if (!this.size || this.lost) return;
    const gl = this.gl;
    gl.viewport(0, 0, this.size.width, this.size.height);
    gl.useProgram(this.program);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.frameTexture);
    gl.uniform1i(this.uniform('u_frame'), 0);
    gl.activeTexture(gl.TEXTURE1);
    gl.bindTexture(gl.TEXTURE_2D, this.matteTexture);
    gl.uniform1i(this.uniform('u_matte'), 1);
    gl.uniform1f(this.uniform('u_split'), split);
    gl.uniform1i(this.uniform('u_frameHeight'), this.size.height);
    recolorUniforms(gl, (name) => this.uniform(name), look, this.hairStats);
    gl.bindVertexArray(this.vao);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    gl.bindVertexArray(null);
  }

  // Resolves once the GPU has finished the draws issued so far (a WebGL2 fence, polled between tasks, as
  // the spec only updates its status then), or after `timeoutMs` whichever is first. The frame loop waits
  // on it so that the next frame's network does not run beside this frame's draw: on a machine with few
  // cores and a software GPU (SwiftShader) the two would share the cores the engine's threads need.
  whenDrawn(timeoutMs = 50) {
    const gl = this.gl;
    const sync = gl.fenceSync(gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    if (!sync) return Promise.resolve();
    gl.flush();
    const deadline = performance.now() + timeoutMs;
    return new Promise((resolve) => {
      const poll = () => {
        const done = gl.getSyncParameter(sync, gl.SYNC_STATUS) === gl.SIGNALED;
        if (done || gl.isContextLost() || performance.now() >= deadline) {
          gl.deleteSync(sync);
          resolve();
        } else {
          setTimeout(poll, 1);
        }
      };
      setTimeout(poll, 0);
    });
  }

  // The rendered pixels as RGBA rows top to bottom (for tests and the shader-vs-C++ check).
  readPixels() {
    const { width, height } = this.size;
    const gl = this.gl;
    const flipped = new Uint8Array(width * height * 4);
    gl.readPixels(0, 0, width, height, gl.RGBA, gl.UNSIGNED_BYTE, flipped);
    const rows = new Uint8Array(flipped.length);
    for (let y = 0; y < height; y++) {
      rows.set(flipped.subarray((height - 1 - y) * width * 4, (height - y) * width * 4), y * width * 4);
    }
    return { data: rows, width, height };
  }

  dispose() {
    const gl = this.gl;
    this.canvas.removeEventListener('webglcontextlost', this.handleLost);
    this.canvas.removeEventListener('webglcontextrestored', this.handleRestored);
    gl.deleteTexture(this.frameTexture);
    gl.deleteTexture(this.matteTexture);
    gl.deleteProgram(this.program);
    gl.deleteVertexArray(this.vao);
  }
}
