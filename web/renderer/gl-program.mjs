// Small WebGL2 helpers: compile/link a program with readable errors, and create/upload textures.
// Errors are thrown as Error with the shader log, so the widget can show "no WebGL2" style messages.

export function compileProgram(gl, vertexSource, fragmentSource) {
  const compile = (type, source) => {
    const shader = gl.createShader(type);
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS)) {
      const log = gl.getShaderInfoLog(shader);
      gl.deleteShader(shader);
      throw new Error(`WebGL2 shader failed to compile: ${log}`);
    }
    return shader;
  };
  const vs = compile(gl.VERTEX_SHADER, vertexSource);
  const fs = compile(gl.FRAGMENT_SHADER, fragmentSource);
  const program = gl.createProgram();
  gl.attachShader(program, vs);
  gl.attachShader(program, fs);
  gl.linkProgram(program);
  gl.deleteShader(vs);
  gl.deleteShader(fs);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS)) {
    const log = gl.getProgramInfoLog(program);
    gl.deleteProgram(program);
    throw new Error(`WebGL2 program failed to link: ${log}`);
  }
  return program;
}

// A texture with linear filtering (the matte is sampled at the frame's resolution, so linear only matters
// when the canvas is scaled by CSS) and clamped edges.
export function createTexture(gl) {
  const texture = gl.createTexture();
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.LINEAR);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  return texture;
}

const isPixelBuffer = (src) => src && ArrayBuffer.isView(src.data) && Number.isInteger(src.width);

// Uploads an RGBA frame: a TexImageSource (video, canvas, ImageBitmap, ImageData) or {data, width, height}.
export function uploadRgba(gl, texture, frame) {
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  if (isPixelBuffer(frame) && !(typeof ImageData !== 'undefined' && frame instanceof ImageData)) {
    const bytes = frame.data instanceof Uint8Array ? frame.data
      : new Uint8Array(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength);
    if (bytes.length !== frame.width * frame.height * 4) {
      throw new Error(`frame: expected ${frame.width * frame.height * 4} RGBA bytes, got ${bytes.length}`);
    }
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, frame.width, frame.height, 0, gl.RGBA, gl.UNSIGNED_BYTE, bytes);
  } else {
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, gl.RGBA, gl.UNSIGNED_BYTE, frame);
  }
}

// Uploads an 8-bit single-channel matte {data, width, height} as R8.
export function uploadMatte(gl, texture, matte) {
  if (!matte || !ArrayBuffer.isView(matte.data) || matte.data.length !== matte.width * matte.height) {
    throw new Error('matte: expected {data: Uint8Array(width*height), width, height}');
  }
  gl.bindTexture(gl.TEXTURE_2D, texture);
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  gl.texImage2D(gl.TEXTURE_2D, 0, gl.R8, matte.width, matte.height, 0, gl.RED, gl.UNSIGNED_BYTE, matte.data);
}
