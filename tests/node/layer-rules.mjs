// The layering check of docs/ARCHITECTURE.md: reads the rules from that document's table (so the rule is
// written down once) and lists every #include / import of the sources that uses a layer its row does not
// allow. Used by architecture.test.mjs; works on an in-memory file map so the test can also show that an
// invented violation is caught.
import fs from 'node:fs';
import path from 'node:path';

const SCANNED_DIRS = ['src', 'bindings', 'tools', 'bin', 'web', 'evaluation', 'benchmarks', 'scripts', 'tests'];
const SKIPPED_DIRS = new Set(['node_modules', 'build', 'dist', 'test-artifacts', '.git']);
const CXX = /\.(h|cc|cpp)$/;
const JS = /\.(mjs|js|cjs)$/;
// Headers written at configure time into the build folder (CMakeLists.txt), not sources of any layer.
const GENERATED_HEADERS = new Set([]);
// Folders on the compilers' include path (CMakeLists.txt, benchmarks/wasm/network-bench.sh), in
// the order a quoted include not found beside its file is looked up. bindings/ is on none: its files
// include each other from beside themselves, and nothing else includes them.
const INCLUDE_ROOTS = ['src', 'benchmarks/native', 'tests/native'];

// Reads the table between <!-- layers:begin --> and <!-- layers:end -->: each row is
// `path`[, `path` ...] | what it holds | `allowed`, ... | nothing | anything.
export function parseLayerTable(markdown) {
  const begin = markdown.indexOf('<!-- layers:begin -->'), end = markdown.indexOf('<!-- layers:end -->');
  if (begin < 0 || end < begin) throw new Error('docs/ARCHITECTURE.md: no <!-- layers:begin/end --> table');
  const ticked = (cell) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1].replace(/\/$/, ''));
  const layers = [];
  for (const line of markdown.slice(begin, end).split('\n')) {
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.length !== 3 || !cells[0].startsWith('`')) continue;  // header, separator, prose
    const members = ticked(cells[0]);
    const uses = cells[2].trim();
    layers.push({ name: members[0], members, anything: uses === 'anything', uses: uses === 'nothing' ? [] : ticked(uses) });
  }
  if (layers.length === 0) throw new Error('docs/ARCHITECTURE.md: the layer table has no rows');
  return layers;
}

// The layer a repository path belongs to: the row with the longest member that is the path or a folder
// above it; null when no row covers it.
export function layerOf(layers, file) {
  let best = null, bestLength = -1;
  for (const layer of layers) {
    for (const m of layer.members) {
      if ((file === m || file.startsWith(`${m}/`)) && m.length > bestLength) {
        best = layer;
        bestLength = m.length;
      }
    }
  }
  return best;
}

function mayUse(layers, from, to) {
  if (from.anything || from === to) return true;
  return from.uses.some((u) => (u.endsWith('/*') ? to.name.startsWith(u.slice(0, -1)) : to.name === u));
}

// Every source file of the scanned folders: { 'src/matting/crop_square.h': text, ... }.
export function readSources(root) {
  const files = {};
  const walk = (dir) => {
    for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
      if (SKIPPED_DIRS.has(entry.name)) continue;
      const rel = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(rel);
      else if (CXX.test(entry.name) || JS.test(entry.name)) files[rel] = fs.readFileSync(path.join(root, rel), 'utf8');
    }
  };
  for (const dir of SCANNED_DIRS) if (fs.existsSync(path.join(root, dir))) walk(dir);
  return files;
}

// The references of one file, as repository paths ({ spec, target }), or { spec, unresolved: true }.
// exists(path): whether a repository path is a file (the C++ lookup needs it).
export function references(file, text, exists) {
  const dir = path.posix.dirname(file);
  const out = [];
  if (CXX.test(file)) {
    for (const m of text.matchAll(/^\s*#\s*include\s*"([^"]+)"/gm)) {
      const spec = m[1];
      if (GENERATED_HEADERS.has(spec)) continue;
      const candidates = [path.posix.join(dir, spec), ...INCLUDE_ROOTS.map((r) => path.posix.join(r, spec))];
      const target = candidates.find(exists);
      out.push(target ? { spec, target } : { spec, unresolved: true });
    }
  } else {
    // Static imports and re-exports (possibly over several lines), side-effect imports, import('...').
    const patterns = [/^\s*(?:import|export)\b[^'";]*?\bfrom\s*['"]([^'"]+)['"]/gm, /^\s*import\s*['"]([^'"]+)['"]/gm,
      /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g];
    for (const re of patterns) {
      for (const m of text.matchAll(re)) {
        const spec = m[1];
        if (spec.startsWith('.')) out.push({ spec, target: path.posix.join(dir, spec) });
        // A root-relative URL of a page (served from the repository root, e.g. '/bindings/js/index.mjs').
        else if (spec.startsWith('/')) out.push({ spec, target: spec.slice(1), url: true });
        // else: a Node built-in or an npm package, not a layer.
      }
    }
  }
  return out;
}

// Every use of a layer that the table does not allow: ['src/matting/x.h -> src/network/engine.h', ...],
// and references that resolve to nothing or to no layer (so the check cannot be dodged by a new folder).
export function layerViolations(layers, files, exists = (p) => p in files) {
  const problems = [];
  for (const [file, text] of Object.entries(files)) {
    const from = layerOf(layers, file);
    if (!from) continue;  // a folder the table does not cover (none of the scanned ones, today)
    const isTest = file.endsWith('.test.mjs');
    for (const ref of references(file, text, exists)) {
      if (ref.unresolved) {
        problems.push(`${file}: #include "${ref.spec}" is not a file of the repository`);
        continue;
      }
      const to = layerOf(layers, ref.target);
      if (!to) {
        // Pages may import URLs that their server maps elsewhere (e.g. /mediapipe/); other paths must be layers.
        if (!ref.url) problems.push(`${file}: '${ref.spec}' is in no layer of docs/ARCHITECTURE.md`);
        continue;
      }
      if (!isTest && !mayUse(layers, from, to)) problems.push(`${file} -> ${ref.target}`);
    }
  }
  return problems.sort();
}
