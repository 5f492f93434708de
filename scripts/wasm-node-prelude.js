// Prepended to the Emscripten ES-module output by scripts/build-wasm.sh.
// Emscripten 3.1.6's EXPORT_ES6 glue still calls require() and reads __dirname when it runs in Node
// (the pthread build must run there: its workers are worker_threads), and neither exists in an ES module.
// In browsers both branches are skipped; the import specifier is built at run time so bundlers leave it.
const __hmIsNode = typeof process === 'object' && !!(process.versions && process.versions.node);
const __hmNodeModule = (name) => 'node:' + name;
const require = __hmIsNode
  ? (await import(/* webpackIgnore: true */ __hmNodeModule('module'))).createRequire(import.meta.url)
  : undefined;
const __dirname = __hmIsNode ? require('path').dirname(require('url').fileURLToPath(import.meta.url)) : '';
