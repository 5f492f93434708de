#!/usr/bin/env node
// Writes the generated copies of the engine's facts from their one definition in C++ (docs/ARCHITECTURE.md,
// "One home per fact"):
//   src/base/facts.h             limits, names, defaults  --> bindings/js/constants.mjs,
//                                                              bindings/js/bundled-models.mjs
//   src/color/recolor_constants.h  OKLab / recolour numbers --> bindings/js/constants.mjs,
//                                                              src/color/recolor_constants.glsl,
//                                                              web/renderer/recolor-shader-source.mjs
//   src/network/architecture_facts.h  the networks' tables --> bindings/js/constants.mjs,
//                                                              training/hairmatte_train/facts.py
//                                                              (with kArchNames)
// (the last is the page's shader: recolor_constants.glsl followed by src/color/recolor.glsl, as a string,
// because the page can only load what is served and packaged, and src/ is neither).
//
//   node scripts/gen-constants.mjs           rewrite the generated files
//   node scripts/gen-constants.mjs --check   exit 1 if any differs (tests/node/one-home.test.mjs does this)
//
// The generated files are committed, so the package, the CLI's option checks and the page need no build
// step and no wasm to know a limit.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FACT_SOURCES = ['src/base/facts.h', 'src/color/recolor_constants.h', 'src/network/architecture_facts.h'];
const GLSL_BODY = 'src/color/recolor.glsl';

// kMaxFrameSide -> MAX_FRAME_SIDE; kLinearToLms -> LINEAR_TO_LMS.
export function jsName(cName) {
  return cName.slice(1).replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

// A number as written in C++ (a product of literals allowed; 0x hex; float suffix f): [value, text without f].
function parseNumber(expr, where) {
  const factors = expr.split('*').map((t) => t.trim());
  let value = 1;
  const texts = [];
  for (const factor of factors) {
    const m = /^(-?(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][-+]?\d+)?))[fuU]?$/.exec(factor);
    if (!m) throw new Error(`${where}: cannot read the number '${factor}'`);
    value *= Number(m[1]);
    texts.push(m[1]);
  }
  return { value, text: texts.join(' * ') };
}

// `{{a, b}, {c, d}}` -> nested arrays of { value, text }.
function parseInitializer(init, where) {
  const s = init.trim();
  if (!s.startsWith('{')) return parseNumber(s, where);
  const inner = s.slice(1, -1);
  const parts = [];
  let depth = 0, start = 0;
  for (let i = 0; i <= inner.length; i++) {
    const c = inner[i];
    if (c === '{') depth++;
    else if (c === '}') depth--;
    else if ((c === ',' || c === undefined) && depth === 0) {
      if (inner.slice(start, i).trim()) parts.push(inner.slice(start, i));
      start = i + 1;
    }
  }
  return parts.map((p) => parseInitializer(p, where));
}

// The facts of one header: [{ cName, name, kind: 'number' | 'color' | 'names' | 'list' | 'matrix', value,
// text }]: a list is one-dimensional, a matrix two-dimensional.
export function readFacts(relPath, root = REPO_ROOT) {
  const source = fs.readFileSync(path.join(root, relPath), 'utf8');
  const block = /\/\/ facts:begin\n([\s\S]*?)\/\/ facts:end/.exec(source);
  if (!block) throw new Error(`${relPath}: no '// facts:begin' ... '// facts:end' block`);
  const code = block[1].replace(/\/\/[^\n]*/g, '');
  const facts = [];
  for (const statement of code.split(';').map((s) => s.trim()).filter(Boolean)) {
    const where = `${relPath}: '${statement.replace(/\s+/g, ' ').slice(0, 60)}'`;
    const m = /^constexpr\s+(const char\*|float|double|u?int\d+_t|int|size_t)\s+(k[A-Za-z0-9]+)((?:\[\d*\])*)\s*=\s*([\s\S]+)$/.exec(statement);
    if (!m) throw new Error(`${where}: not a fact the generator reads (see the header's notes)`);
    const [, type, cName, dims, init] = m;
    const fact = { cName, name: jsName(cName), source: relPath };
    if (type === 'const char*') {
      if (dims !== '[]') throw new Error(`${where}: names are a list: constexpr const char* kName[] = {...}`);
      fact.kind = 'names';
      fact.value = [...init.matchAll(/"([^"\\]*)"/g)].map((n) => n[1]);
    } else if (dims) {
      fact.kind = dims.split('[').length > 2 ? 'matrix' : 'list';
      fact.parsed = parseInitializer(init, where);
      fact.value = JSON.parse(JSON.stringify(fact.parsed, (k, v) => (v && v.text !== undefined ? v.value : v)));
    } else if (/Color$/.test(cName)) {
      const { value } = parseNumber(init, where);
      fact.kind = 'color';
      fact.value = `#${value.toString(16).padStart(6, '0')}`;
    } else {
      Object.assign(fact, parseNumber(init, where), { kind: 'number' });
    }
    facts.push(fact);
  }
  return facts;
}

const HEADER = (from) => `// GENERATED by scripts/gen-constants.mjs from ${from}: do not edit.\n`;

function jsValue(fact) {
  if (fact.kind === 'names') return `Object.freeze([${fact.value.map((n) => `'${n}'`).join(', ')}])`;
  if (fact.kind === 'list') return `Object.freeze([${fact.value.join(', ')}])`;
  if (fact.kind === 'matrix') {
    const rows = fact.value.map((row) => `Object.freeze([${row.join(', ')}])`);
    return `Object.freeze([\n  ${rows.join(',\n  ')},\n])`;
  }
  if (fact.kind === 'color') return `'${fact.value}'`;
  return String(fact.value);
}

function constantsModule(factsBySource) {
  let out = HEADER(FACT_SOURCES.join(' and '));
  out += '// The engine\'s limits, names, defaults and recolour numbers for JS: what the option checks of the API and\n' +
    '// the CLI, the page and the widget need before (or without) a wasm module. One constant per C++ fact.\n';
  for (const [source, facts] of factsBySource) {
    out += `\n// ${source}\n`;
    for (const fact of facts) out += `export const ${fact.name} = ${jsValue(fact)};\n`;
  }
  return out;
}

// The literal `new URL('...', import.meta.url)` per model and wasm build is what bundlers recognise, so
// this table has to spell each name out: it is generated from kBundledModels.
function bundledModelsModule(models) {
  return HEADER('src/base/facts.h (kBundledModels)') +
    `// The models in the package (dist/models/, copied from models/ by scripts/build-wasm.sh), each named by a
// literal \`new URL('...', import.meta.url)\`: the form Vite, webpack and Rollup's asset plugins recognise,
// so a bundled app gets the model file emitted and its URL rewritten with no configuration. Behind a
// function so that nothing is resolved until a model is asked for.
// The wasm builds the same way, for HairMatte.create's onProgress, which fetches the .wasm itself (the
// glue names the same files, so a bundler emits each once).
export const BUNDLED_MODEL_URLS = Object.freeze({
${models.map((m) => `  '${m}': () => new URL('../../dist/models/${m}.hmm', import.meta.url),`).join('\n')}
});

export const BUNDLED_WASM_URLS = Object.freeze({
  'simd': () => new URL('../../dist/hairmatte-simd.wasm', import.meta.url),
  'simd-threads': () => new URL('../../dist/hairmatte-simd-threads.wasm', import.meta.url),
  'plain': () => new URL('../../dist/hairmatte-plain.wasm', import.meta.url),
});
`;
}

// GLSL: a float literal needs a decimal point.
const glslFloat = (text) => (/[.eE]/.test(text) ? text : `${text}.0`);

function glslConstants(recolorFacts, modes) {
  let out = HEADER('src/color/recolor_constants.h and src/base/facts.h (kRecolorModes)') +
    '// The recolour formula\'s numbers for recolor.glsl, which follows this file in the page\'s shader.\n';
  modes.forEach((mode, i) => { out += `const int HM_MODE_${mode.toUpperCase()} = ${i};\n`; });
  for (const fact of recolorFacts) {
    const name = `HM_${fact.name}`;
    if (fact.kind === 'matrix') {
      fact.parsed.forEach((row, r) => {
        const args = row.map((c) => glslFloat(c.text)).join(', ');
        out += `const vec${row.length} ${name}_${r} = vec${row.length}(${args});\n`;
      });
    } else {
      out += `const float ${name} = ${glslFloat(fact.text)};\n`;
    }
  }
  return out;
}

// Python: NAME = value, lists as tuples (the training code's architecture.py reads these).
function pythonModule(facts) {
  let out = `# GENERATED by scripts/gen-constants.mjs from src/network/architecture_facts.h and src/base/facts.h
# (kArchNames): do not edit. The networks' tables for training/hairmatte_train/architecture.py.
`;
  for (const fact of facts) {
    const value = fact.kind === 'names' ? `(${fact.value.map((n) => `"${n}"`).join(', ')},)`
      : fact.kind === 'list' ? `(${fact.value.join(', ')},)` : String(fact.value);
    out += `${fact.name} = ${value}\n`;
  }
  return out;
}

// { relative path: content } of every generated file.
export function generate(root = REPO_ROOT) {
  const bySource = new Map(FACT_SOURCES.map((s) => [s, readFacts(s, root)]));
  const fact = (cName) => [...bySource.values()].flat().find((f) => f.cName === cName);
  const glsl = glslConstants(bySource.get('src/color/recolor_constants.h'), fact('kRecolorModes').value);
  const shader = glsl + '\n' + fs.readFileSync(path.join(root, GLSL_BODY), 'utf8');
  return {
    'bindings/js/constants.mjs': constantsModule(bySource),
    'bindings/js/bundled-models.mjs': bundledModelsModule(fact('kBundledModels').value),
    'src/color/recolor_constants.glsl': glsl,
    'training/hairmatte_train/facts.py': pythonModule([fact('kArchNames'), ...bySource.get('src/network/architecture_facts.h')]),
    'web/renderer/recolor-shader-source.mjs':
      HEADER(`src/color/recolor_constants.glsl + ${GLSL_BODY}`) + `export const RECOLOR_GLSL = ${JSON.stringify(shader)};\n`,
  };
}

// The generated files that differ from what is on disk.
export function stale(root = REPO_ROOT) {
  return Object.entries(generate(root))
    .filter(([file, text]) => !fs.existsSync(path.join(root, file)) || fs.readFileSync(path.join(root, file), 'utf8') !== text)
    .map(([file]) => file);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    const out = stale();
    if (out.length) {
      console.error(`out of date (run node scripts/gen-constants.mjs): ${out.join(', ')}`);
      process.exit(1);
    }
  } else {
    for (const [file, text] of Object.entries(generate())) {
      fs.writeFileSync(path.join(REPO_ROOT, file), text);
      console.log(`wrote ${file}`);
    }
  }
}
