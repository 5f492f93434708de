// Drives `process(bitmap)` from a playing <video> without ever queueing frames: at most one frame is in
// flight; a frame that arrives while the engine is busy is dropped (and counted), so latency stays at one
// frame however slow the engine is. Uses requestVideoFrameCallback where available (one callback per
// presented frame), else requestAnimationFrame and the video's currentTime.
export class FramePump {
  constructor(video, process, { onDrop = () => {}, onError = () => {} } = {}) {
    this.video = video;
    this.process = process;
    this.onDrop = onDrop;
    this.onError = onError;
    this.busy = false;
    this.running = false;
    this.lastTime = -1;
    this.tick = this.tick.bind(this);
  }
  start() {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }
  stop() { this.running = false; }
  schedule() {
    if (!this.running) return;
    if ('requestVideoFrameCallback' in this.video) this.video.requestVideoFrameCallback(this.tick);
    else requestAnimationFrame(this.tick);
  }
  tick() {
    if (!this.running) return;
    const v = this.video;
    const fresh = 'requestVideoFrameCallback' in v || v.currentTime !== this.lastTime;
    if (fresh && v.readyState >= 2 && v.videoWidth > 0) {
      this.lastTime = v.currentTime;
      if (this.busy) {
        this.onDrop();
      } else {
        this.busy = true;
        createImageBitmap(v)
          .then((bitmap) => this.process(bitmap))
          .catch((e) => this.onError(e))
          .finally(() => { this.busy = false; });
      }
    }
    this.schedule();
  }
}
