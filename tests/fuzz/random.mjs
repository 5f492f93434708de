// Seeded randomness for the fuzz suites: every run with the same seed makes the same cases, so a failure
// names the seed and the case number that reproduce it. HM_FUZZ_SEED picks another seed, HM_FUZZ_SCALE
// multiplies the case counts (e.g. 10 for a long local run).
export const SEED = Number(process.env.HM_FUZZ_SEED ?? 20261204) >>> 0;
export const SCALE = Number(process.env.HM_FUZZ_SCALE ?? 1);

export function cases(n) {
  return Math.max(1, Math.round(n * SCALE));
}

// mulberry32
export function rng(seed = SEED) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const r = {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),  // inclusive
    chance: (p) => next() < p,
    pick: (list) => list[Math.floor(next() * list.length)],
    bytes: (n) => {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = Math.floor(next() * 256);
      return out;
    },
  };
  return r;
}

// A copy of `bytes` with a few random changes: bit flips, byte sets, cuts, insertions, duplications.
export function mutate(r, bytes, { edits = r.int(1, 4) } = {}) {
  let out = Uint8Array.from(bytes);
  for (let e = 0; e < edits; e++) {
    const kind = r.int(0, 5);
    if (out.length === 0) kind === 5 || (out = r.bytes(r.int(1, 16)));
    const at = r.int(0, Math.max(0, out.length - 1));
    if (kind === 0) out[at] ^= 1 << r.int(0, 7);
    else if (kind === 1) out[at] = r.pick([0, 1, 0x7f, 0x80, 0xff, r.int(0, 255)]);
    else if (kind === 2) out = out.slice(0, at);
    else if (kind === 3) out = concat(out.subarray(0, at), r.bytes(r.int(1, 32)), out.subarray(at));
    else if (kind === 4) {
      const n = r.int(1, Math.min(64, out.length - at));
      out = concat(out.subarray(0, at + n), out.subarray(at, at + n), out.subarray(at + n));
    } else {
      const n = r.int(1, Math.min(64, out.length - at));
      out = concat(out.subarray(0, at), out.subarray(at + n));
    }
  }
  return out;
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// What a fuzz case may end in: a result, or an Error from the API's own checks ('hairmatte: ...').
// Anything else (a RuntimeError from an aborted module, a TypeError or RangeError from inside the glue)
// is a finding; `where` names the seed and the case.
export function expectApiError(e, where) {
  if (e instanceof WebAssembly.RuntimeError) throw new Error(`${where}: the wasm module aborted: ${e.message}`);
  if (!(e instanceof Error) || e.constructor !== Error || !/^hairmatte: /.test(e.message)) {
    throw new Error(`${where}: not an API Error: ${e && e.constructor && e.constructor.name}: ${e && e.message}`);
  }
}
