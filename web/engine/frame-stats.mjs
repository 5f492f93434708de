// Live numbers for a frame loop: frames processed, fps over the last second, mean engine ms per frame
// and mean end-to-end ms per frame (grab + segment + render) over the last `window` frames.
export class FrameStats {
  constructor(window = 30) {
    this.window = window;
    this.frames = 0;
    this.dropped = 0;
    this.times = [];        // completion timestamps within the last second
    this.segmentMs = [];
    this.totalMs = [];
  }
  record({ segmentMs, totalMs, now = performance.now() }) {
    this.frames += 1;
    this.times.push(now);
    while (this.times.length && now - this.times[0] > 1000) this.times.shift();
    this.segmentMs.push(segmentMs);
    this.totalMs.push(totalMs);
    if (this.segmentMs.length > this.window) { this.segmentMs.shift(); this.totalMs.shift(); }
  }
  drop() { this.dropped += 1; }
  get fps() {
    if (this.times.length < 2) return 0;
    const span = this.times[this.times.length - 1] - this.times[0];
    return span > 0 ? ((this.times.length - 1) * 1000) / span : 0;
  }
  // The public stats object of DESIGN.md ({frames, fps, msPerFrame}) plus a few extras.
  snapshot() {
    const mean = (a) => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : 0);
    return {
      frames: this.frames,
      fps: this.fps,
      msPerFrame: mean(this.segmentMs),
      msEndToEnd: mean(this.totalMs),
      dropped: this.dropped,
    };
  }
}
