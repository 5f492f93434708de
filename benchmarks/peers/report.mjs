// Turns the benchmark's results into the printed report: the parity check, then one table row per
// (architecture, threads, engine) with ms per frame, GFLOP/s and how much faster hairmatte is.

// Adds to each row `hairmatteSpeedup` (this engine's median / hairmatte's, same arch and threads: > 1 means
// hairmatte is faster) and, on hairmatte's rows, `speedupVs` {peer: ratio}.
// The int8 rows ('hairmatte-int8') are left out of that and get their own `speedupVs` against every other
// engine of the same arch and threads (the fp32 hairmatte included).
export function addSpeedups(rows) {
  const key = (r) => `${r.arch}/${r.threads}/${r.size}`;
  const ours = new Map(rows.filter((r) => r.engine === 'hairmatte').map((r) => [key(r), r]));
  for (const r of rows) {
    const h = ours.get(key(r));
    if (!h || r === h || r.engine === INT8_ENGINE) continue;
    r.hairmatteSpeedup = r.medianMs / h.medianMs;
    h.speedupVs = { ...h.speedupVs, [r.engine]: r.hairmatteSpeedup };
  }
  for (const q of rows.filter((r) => r.engine === INT8_ENGINE)) {
    for (const r of rows) {
      if (r !== q && r.engine !== INT8_ENGINE && key(r) === key(q)) q.speedupVs = { ...q.speedupVs, [r.engine]: r.medianMs / q.medianMs };
    }
  }
  return rows;
}

const INT8_ENGINE = 'hairmatte-int8';

const pad = (text, width) => String(text).padEnd(width);
const padLeft = (text, width) => String(text).padStart(width);

export function formatReport(report, { minRuns }) {
  const lines = [];
  const m = report.machine;
  lines.push(`hairmatte vs peers, ${report.size}x${report.size}, ${report.date}`);
  lines.push(`machine: ${m.cpu}, ${m.logicalCores} logical cores, ${m.platform}, Node ${m.node}; ` +
    `load average ${m.loadAverage.join(' ')} before, ${m.loadAverageAfter.join(' ')} after`);
  if (report.engineBuild) {
    const b = report.engineBuild;
    lines.push(`hairmatte: repository ${b.commit}, ` +
      (Object.entries(b.builds).map(([f, t]) => `${f} built ${t}`).join(', ') || 'no wasm build in dist/'));
  }
  lines.push(`weights: ${report.models.map((x) => `${x.arch} ${x.weights}`).join(', ')}`);
  for (const s of report.skipped) lines.push(`skipped: ${s.engine} (${s.threads}T): ${s.reason}`);
  lines.push('');
  lines.push('Parity on the same input (max |P(hair) difference| over all pixels):');
  for (const p of report.parity) {
    const note = p.alpha8 ? ` (8-bit alpha: limit ${report.tolerance} + 0.5/255)` : '';
    if (p.informational) {
      lines.push(`  ${pad(p.arch, 13)} ${p.threads}T  ${pad(`${p.engines[0]} vs ${p.engines[1]}`, 44)} ` +
        `${p.maxAbsDiff.toExponential(2)} (int8 vs fp32 alpha: quantisation error, not checked)`);
      continue;
    }
    lines.push(`  ${pad(p.arch, 13)} ${p.threads}T  ${pad(`${p.engines[0]} vs ${p.engines[1]}`, 44)} ` +
      `${p.maxAbsDiff.toExponential(2)} <= ${p.limit.toExponential(2)}${note}  ${p.pass ? 'OK' : 'MISMATCH'}`);
  }
  const spreads = new Map(report.parity.map((p) => [p.arch, p.spread]));
  for (const [arch, s] of spreads) {
    lines.push(`  ${arch} output: P(hair) in [${s.min.toFixed(3)}, ${s.max.toFixed(3)}], std ${s.std.toFixed(3)}`);
  }
  if (report.rows.length === 0) return `${lines.join('\n')}\n`;
  lines.push('');
  if (report.runs < minRuns) lines.push(`NOTE: ${report.runs} runs per engine (< ${minRuns}): a smoke run, not a benchmark`);
  lines.push(`Median of ${report.runs} runs after ${report.warmup} warm-up rounds, engines interleaved (a new seeded order every round):`);
  // an int8 row names its network's shape (width, decoder depth): several int8 models may be timed
  const label = (r) => (r.shape ? `${r.engine} ${r.shape}` : `${r.engine} ${r.version}`);
  const header = [pad('arch', 13), padLeft('threads', 7), '  ', pad('engine', 25), padLeft('ms/frame', 9),
    padLeft('p10-p90', 15), padLeft('GFLOP/s', 8), '  hairmatte speed-up'].join('');
  lines.push(header);
  lines.push('-'.repeat(header.length));
  for (const r of report.rows) {
    let speed = '';
    if ((r.engine === 'hairmatte' || r.engine === INT8_ENGINE) && r.speedupVs) {
      speed = Object.entries(r.speedupVs).map(([peer, x]) => `${x.toFixed(2)}x vs ${peer}`).join(', ');
    } else if (r.hairmatteSpeedup) {
      speed = `${r.hairmatteSpeedup.toFixed(2)}x`;
    }
    lines.push([pad(r.arch, 13), padLeft(r.threads, 7), '  ', pad(label(r), 25),
      padLeft(r.medianMs.toFixed(1), 9), padLeft(`${r.p10Ms.toFixed(1)}-${r.p90Ms.toFixed(1)}`, 15),
      padLeft(r.gflops.toFixed(1), 8), '  ', speed].join(''));
  }
  const macs = new Map(report.rows.map((r) => [r.arch + (r.engine === INT8_ENGINE ? ` int8 ${r.shape}` : ''), r.multiplyAdds]));
  lines.push('');
  if (report.int8) {
    lines.push('hairmatte-int8: our int8 network (GOP/s in the GFLOP/s column). tfjs-wasm has no int8 path for this ' +
      'network and onnxruntime-web runs the fp32 graph: their rows are fp32.');
  }
  for (const [arch, n] of macs) lines.push(`${arch}: ${(n / 1e9).toFixed(3)} G multiply-adds = ${(2 * n / 1e9).toFixed(2)} GFLOP per frame`);
  return `${lines.join('\n')}\n`;
}
