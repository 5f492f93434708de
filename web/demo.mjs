// The demo page: camera (or a photo) -> hairmatte -> WebGL2 canvas, with every control of the engine.
// URL parameters (for development and tests): ?model=URL (a .hmm file, e.g. random weights), ?threads=N,
// ?worker=0 (run the engine on the main thread), ?camera=0 (do not start the camera on load), ?refine=none.
// ?model=random:hairmattenet runs the architecture with random weights (no trained file needed).
import { TryOnSession, defaultThreads, parseModelOption, DEFAULT_LOOK } from './tryon-session.mjs';
import { renderSwatches, parseColorList, PALETTE } from './widget/swatches.mjs';
import { BUNDLED_MODELS, PAGE_MODEL_INDEX } from '../bindings/js/constants.mjs';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const SWATCHES = parseColorList(PALETTE);

let session = null;
let look = { ...DEFAULT_LOOK };

function showMessage(text, isError = false) {
  $('message').textContent = text;
  $('message').classList.toggle('error', isError);
}

function engineOptions() {
  const model = parseModelOption(params.get('model') || $('model').value);
  return {
    model,
    threads: Number(params.get('threads')) || defaultThreads(),
    refine: $('refine').checked ? 'guided' : 'none',
    temporal: $('temporal').checked ? 0.5 : 0,
  };
}

function showBuild() {
  const info = session.info;
  $('build').textContent = `${info.model} · ${info.simd ? 'SIMD' : 'no SIMD'} · ` +
    `${info.threads} thread${info.threads > 1 ? 's' : ''} · ${info.inWorker ? 'worker' : 'main thread'}` +
    `${crossOriginIsolated ? '' : ' · not isolated'}`;
}

function showStats(stats) {
  $('ms').textContent = stats.msPerFrame.toFixed(1);
  $('e2e').textContent = stats.msEndToEnd.toFixed(1);
  $('fps').textContent = stats.fps.toFixed(1);
  $('frames').textContent = String(stats.frames);
}

function setLook(change) {
  look = { ...look, ...change };
  session?.setLook(look);
}

async function startCamera() {
  showMessage('Starting the camera…');
  try {
    await session.startCamera();
    $('camera').textContent = 'Restart camera';
    showMessage(fallbackNote);
  } catch (e) {
    showMessage(e.message, true);
  }
}

async function showPhoto(file) {
  if (!file) return;
  showMessage(`Processing ${file.name || 'photo'}…`);
  try {
    await session.showImage(file);
    showMessage('');
  } catch (e) {
    showMessage(e.message, true);
  }
}

let fallbackNote = '';  // shown once the engine is up, instead of clearing the message

// Guided refinement may be missing from a build: then run without it and say so, rather than fail.
async function configureWithFallback(configure) {
  try {
    return await configure(engineOptions());
  } catch (e) {
    if (!$('refine').checked || !/refine/.test(e.message)) throw e;
    $('refine').checked = false;
    const result = await configure(engineOptions());
    fallbackNote = `Guided refinement is not available in this build: running without it (${e.message}).`;
    return result;
  }
}

async function reconfigure() {
  showMessage('Loading the model…');
  try {
    fallbackNote = '';
    await configureWithFallback((engine) => session.configure(engine));
    showBuild();
    showMessage(fallbackNote);
  } catch (e) {
    showMessage(e.message, true);
  }
}

function wireControls() {
  if (params.get('refine') === 'none') $('refine').checked = false;
  // The controls start at the default look (index.html leaves them unset).
  $('model').value = BUNDLED_MODELS[PAGE_MODEL_INDEX];  // the int8 model unless the shopper picks another
  $('color').value = look.color;
  $('color-end').value = look.colorEnd;
  $('strength').value = String(look.strength);
  for (const radio of document.querySelectorAll('input[name=mode]')) radio.checked = radio.value === look.mode;
  const swatches = renderSwatches($('swatches'), SWATCHES, {
    selected: look.color,
    onSelect: (hex) => { $('color').value = hex; setLook({ color: hex }); },
  });
  $('color').addEventListener('input', (e) => { swatches.reflect(e.target.value); setLook({ color: e.target.value }); });
  $('color-end').addEventListener('input', (e) => setLook({ colorEnd: e.target.value }));
  for (const radio of document.querySelectorAll('input[name=mode]')) {
    radio.addEventListener('change', (e) => setLook({ mode: e.target.value }));
  }
  $('strength').addEventListener('input', (e) => setLook({ strength: Number(e.target.value) }));
  $('split').addEventListener('input', (e) => {
    const split = Number(e.target.value);
    $('split-line').style.left = `${split * 100}%`;
    session?.setSplit(split);
  });
  for (const id of ['model', 'refine', 'temporal']) $(id).addEventListener('change', reconfigure);
  $('camera').addEventListener('click', startCamera);
  $('photo').addEventListener('change', (e) => showPhoto(e.target.files[0]));
  const zone = $('drop-zone');
  zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('dragging'); });
  zone.addEventListener('dragleave', () => zone.classList.remove('dragging'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    showPhoto(e.dataTransfer.files[0]);
  });
}

async function main() {
  wireControls();
  showMessage('Loading the model…');
  try {
    session = await configureWithFallback((engine) => TryOnSession.create($('view'), {
      engine,
      useWorker: params.get('worker') !== '0',
      onError: (e) => showMessage(e.message, true),
    }));
  } catch (e) {
    $('build').textContent = 'unavailable';
    showMessage(e.message, true);
    throw e;
  }
  session.setLook(look);
  session.onFrame(showStats);
  showBuild();
  showMessage(fallbackNote);
  if (params.get('camera') !== '0') await startCamera();
  return session;
}

// For tests and the console: the session once ready, and the current look.
window.hmDemo = { ready: main(), get session() { return session; }, get look() { return look; } };
