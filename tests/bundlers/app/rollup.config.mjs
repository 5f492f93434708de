// Rollup's usual setup for a browser app: resolve packages from node_modules, and emit the files that
// modules name with `new URL('./file', import.meta.url)` (wasm, models). Nothing here is hairmatte's.
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { importMetaAssets } from '@web/rollup-plugin-import-meta-assets';

export default {
  input: 'src/index.js',
  output: { dir: 'dist', format: 'es' },
  plugins: [nodeResolve({ browser: true }), importMetaAssets()],
};
