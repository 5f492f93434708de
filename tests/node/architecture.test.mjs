// The include/import rules of docs/ARCHITECTURE.md, checked over every C++ and JS source (layer-rules.mjs
// reads the rules from that document's table). Known exceptions would be listed below, file by file (there
// are none); a new violation fails, and so does an exception that no longer occurs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLayerTable, readSources, layerViolations, layerOf } from './layer-rules.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const layers = parseLayerTable(fs.readFileSync(path.join(REPO, 'docs', 'ARCHITECTURE.md'), 'utf8'));
const sources = readSources(REPO);

// Known violations, file by file ('from -> to'). Issue #18 emptied it: keep it empty, and move code to the
// layer it belongs in instead of adding to it (the test below also fails on an entry that no longer occurs).
const KNOWN_VIOLATIONS = [];

test('architecture: every #include and import keeps to the layers of docs/ARCHITECTURE.md', () => {
  assert.ok(Object.keys(sources).length > 150, `only ${Object.keys(sources).length} sources found: the scan is broken`);
  const found = layerViolations(layers, sources);
  const known = new Set(KNOWN_VIOLATIONS);
  const added = found.filter((v) => !known.has(v));
  assert.deepEqual(added, [], `new layering violations (see docs/ARCHITECTURE.md for what each layer may use):\n${added.join('\n')}`);
  const gone = KNOWN_VIOLATIONS.filter((v) => !found.includes(v));
  assert.deepEqual(gone, [], `fixed, so remove from KNOWN_VIOLATIONS:\n${gone.join('\n')}`);
});

test('architecture: every scanned C++ and JS source lies in a layer of the table', () => {
  const outside = Object.keys(sources).filter((f) => !layerOf(layers, f));
  assert.deepEqual(outside, []);
});

// The check itself must fail on the violations it exists for: the same sources with one forbidden
// reference added at a time.
test('architecture: a forbidden include or import is reported', () => {
  const withLine = (file, line) => ({ ...sources, [file]: `${line}\n${sources[file]}` });
  const cases = [
    // matting/ does not know the network (matte_pipeline.h says so): Status comes from src/base/.
    ['src/matting/crop_square.h', '#include "network/engine.h"', 'src/matting/crop_square.h -> src/network/engine.h'],
    ['src/color/recolor.h', '#include "network/engine.h"', 'src/color/recolor.h -> src/network/engine.h'],
    // The network does not know the pipeline around it, and the core never includes the bindings.
    ['src/network/model.cc', '#include "pipeline/frame_segmenter.h"', 'src/network/model.cc -> src/pipeline/frame_segmenter.h'],
    ['src/pipeline/frame_segmenter.cc', '#include "../../bindings/image_codec.h"',
      'src/pipeline/frame_segmenter.cc -> bindings/image_codec.h'],
    ['src/matting/matte_pipeline.h', '#include "pipeline/frame_segmenter.h"',
      'src/matting/matte_pipeline.h -> src/pipeline/frame_segmenter.h'],
    ['src/base/status.h', '#include "kernels/kernels.h"', 'src/base/status.h -> src/kernels/kernels.h'],
    // evaluation/ uses the shared measures, not the eval command, and no test helper.
    ['evaluation/quality.mjs', "import { runEval } from '../bin/eval.mjs';", 'evaluation/quality.mjs -> bin/eval.mjs'],
    ['evaluation/browser/runner.mjs', "export { launchChromium } from '../../tests/browser/helpers/browser.mjs';",
      'evaluation/browser/runner.mjs -> tests/browser/helpers/browser.mjs'],
    ['bindings/js/index.mjs', "const m = await import('../../web/widget.mjs');", 'bindings/js/index.mjs -> web/widget.mjs'],
    ['web/renderer/tryon-renderer.mjs', "import {\n  EngineClient,\n} from '../engine/engine-client.mjs';",
      'web/renderer/tryon-renderer.mjs -> web/engine/engine-client.mjs'],
  ];
  for (const [file, line, expected] of cases) {
    assert.ok(file in sources, `${file} is missing: update this test`);
    assert.ok(layerViolations(layers, withLine(file, line)).includes(expected), `not reported: ${expected}`);
  }
  // An include that resolves to no file cannot slip past the check.
  assert.ok(layerViolations(layers, withLine('src/image/resize.h', '#include "nowhere/x.h"'))
    .includes('src/image/resize.h: #include "nowhere/x.h" is not a file of the repository'));
  // Tests may use anything.
  assert.deepEqual(layerViolations(layers, { 'tests/node/x.mjs': "import '../../bin/eval.mjs';", 'bin/eval.mjs': '' }), []);
});
