// docs/RESULTS.md's computed sentences follow the numbers they are about, and missing steps say so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../report.mjs';

const group = (iou, gc, count = 10) => ({ count, f1: iou + 0.05, performance: iou - 0.1, iou, accuracy: 0.95, gradConsistency: gc });
const quality = (gc) => ({ groups: { celebamask: group(0.8, gc), figaro1k: group(0.85, gc), 'lfw-parts': group(0.7, gc) }, failureModes: null });

test('the paper\'s gradient-consistency ordering is reported as holding only when it does', () => {
  const holds = renderReport({ quality: { hairsegnet: quality(0.3), 'hairsegnet+guided': quality(0.2), hairmattenet: quality(0.1) } });
  assert.match(holds, /### CelebAMask-HQ/);
  assert.equal(holds.match(/\*\*holds\*\*/g).length, 3);
  const broken = renderReport({ quality: { hairsegnet: quality(0.3), 'hairsegnet+guided': quality(0.1), hairmattenet: quality(0.2) } });
  assert.equal(broken.match(/\*\*does not hold\*\*/g).length, 3);
  assert.match(broken, /0\.2000 \/ 0\.1000 \/ 0\.3000/);
});

test('against MediaPipe: ahead/behind follows the numbers', () => {
  const store = { quality: { hairsegnet: quality(0.3), 'hairsegnet+guided': quality(0.2), hairmattenet: quality(0.1) },
    mediapipe: { version: '1.1.0', groups: { celebamask: group(0.9, 0.05), figaro1k: group(0.5, 0.5), 'lfw-parts': group(0.7, 0.1) } } };
  const text = renderReport(store);
  const line = (src) => text.split('\n').find((l) => l.startsWith('_Paper') && text.indexOf(l) > text.indexOf(src));
  assert.match(line('### CelebAMask-HQ'), /behind in IoU and behind in gradient consistency/);
  assert.match(line('### Figaro-1k'), /ahead in IoU and ahead in gradient consistency/);
});

test('steps that did not run are named, not left blank', () => {
  const text = renderReport({ quality: { hairsegnet: { missing: 'models/hairsegnet.hmm does not exist' } } });
  assert.match(text, /HairSegNet: not measured: models\/hairsegnet.hmm does not exist/);
  assert.match(text, /## Table II[^]*Not measured/);
  assert.match(text, /## Speed\n\nNot measured/);
});
