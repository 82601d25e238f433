// Bottleneck's web page: plain JavaScript over the server's JSON API (no build step).
'use strict';

const $ = (id) => document.getElementById(id);
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
const state = window.bottleneck = { models: [], model: null, map: null, picked: [], z: null, busy: false, again: false, drawn: false, sliderBusy: false, sliderAgain: false };

// ------------------------------------------------------------------ API

function token() {
  const h = new URLSearchParams(location.hash.slice(1)).get('token');
  if (h) localStorage.setItem('bottleneck-token', h);
  return localStorage.getItem('bottleneck-token');
}

async function api(path, opts = {}) {
  const headers = Object.assign({}, opts.headers || {});
  const t = token();
  if (t) headers['Authorization'] = 'Bearer ' + t;
  const r = await fetch(path, Object.assign({}, opts, { headers }));
  if (r.status === 401) {
    $('token-box').hidden = false;
    throw new Error('this server needs a token');
  }
  const type = r.headers.get('Content-Type') || '';
  const body = type.startsWith('application/json') ? await r.json() : await r.blob();
  if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
  return body;
}

const postJson = (path, obj) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(obj) });
const base = () => '/api/models/' + encodeURIComponent(state.model.name);
function status(text) { $('status').textContent = text || ''; }

// ------------------------------------------------------------------ models

async function loadModels() {
  const r = await api('/api/models');
  state.models = r.models;
  const sel = $('model');
  sel.innerHTML = '';
  for (const m of r.models) {
    const o = document.createElement('option');
    o.value = m.name;
    o.textContent = m.name + ' (' + m.type + ', code ' + m.code_size + ')';
    sel.appendChild(o);
  }
  sel.onchange = () => selectModel(sel.value);
  if (r.models.length) await selectModel(r.models[0].name);
}

async function selectModel(name) {
  state.model = state.models.find((m) => m.name === name);
  const m = state.model;
  const a = m.anomaly;
  $('model-info').textContent = m.type + ' · ' + m.arch + ' · input ' + m.input_shape.join('×') + ' · code ' + m.code_size
    + (a ? ' · threshold ' + fmt(a.threshold) : '');
  const image = m.kind === 'image' && m.input_shape.length === 3;
  $('draw-panel').hidden = !image;
  $('slider-panel').hidden = !image;
  $('hover').hidden = !image;
  $('interp').hidden = !image;
  if (!image) status('model ' + m.name + ' works on table rows: the page shows its latent map; use the JSON API for the rest');
  else status('');
  state.picked = [];
  state.hovered = -1;
  state.z = null;
  $('interp').innerHTML = '';
  $('neighbours').innerHTML = '';
  $('recon').removeAttribute('src');
  $('score').textContent = '';
  drawCode(null);
  await Promise.all([loadMap(), image ? setupSliders() : null]);
  if (state.drawn && image) analyze();
}

function fmt(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e4) ? v.toExponential(2) : v.toFixed(a < 1 ? 4 : 2);
}

// ------------------------------------------------------------------ drawing pad

const pad = $('pad');
const ctx = pad.getContext('2d');
function clearPad() {
  ctx.fillStyle = '#000';
  ctx.fillRect(0, 0, pad.width, pad.height);
  state.drawn = false;
}
clearPad();

let drawing = false;
let last = null;
function pos(e) {
  const r = pad.getBoundingClientRect();
  return { x: (e.clientX - r.left) * pad.width / r.width, y: (e.clientY - r.top) * pad.height / r.height };
}
pad.addEventListener('pointerdown', (e) => { drawing = true; last = pos(e); pad.setPointerCapture(e.pointerId); stroke(last); });
pad.addEventListener('pointermove', (e) => { if (drawing) stroke(pos(e)); });
pad.addEventListener('pointerup', () => { drawing = false; last = null; analyze(); });
pad.addEventListener('pointercancel', () => { drawing = false; last = null; });

function stroke(p) {
  ctx.strokeStyle = '#fff';
  ctx.fillStyle = '#fff';
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ctx.lineWidth = +$('brush').value;
  ctx.beginPath();
  ctx.moveTo(last.x, last.y);
  ctx.lineTo(p.x, p.y);
  ctx.stroke();
  last = p;
  state.drawn = true;
  analyze();
}

$('clear').onclick = () => {
  clearPad();
  $('recon').removeAttribute('src');
  $('score').textContent = '';
  $('neighbours').innerHTML = '';
  drawCode(null);
};

// drop an image file on the pad: drawn to fit, centred
pad.addEventListener('dragover', (e) => { e.preventDefault(); pad.classList.add('drop'); });
pad.addEventListener('dragleave', () => pad.classList.remove('drop'));
pad.addEventListener('drop', (e) => {
  e.preventDefault();
  pad.classList.remove('drop');
  const f = e.dataTransfer.files[0];
  if (!f) return;
  const img = new Image();
  img.onload = () => {
    clearPad();
    const s = Math.min(pad.width / img.width, pad.height / img.height);
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(img, (pad.width - img.width * s) / 2, (pad.height - img.height * s) / 2, img.width * s, img.height * s);
    state.drawn = true;
    analyze();
  };
  img.src = URL.createObjectURL(f);
});

// The pad at the model's size, framed as MNIST: the drawing's bounding box scaled into the
// central 20/28 of the image, centred.
function padImage() {
  const [c, h, w] = state.model.input_shape;
  const data = ctx.getImageData(0, 0, pad.width, pad.height).data;
  let x0 = pad.width, y0 = pad.height, x1 = -1, y1 = -1;
  for (let y = 0; y < pad.height; y++) {
    for (let x = 0; x < pad.width; x++) {
      const i = (y * pad.width + x) * 4;
      if (data[i] + data[i + 1] + data[i + 2] > 30) {
        if (x < x0) x0 = x; if (x > x1) x1 = x; if (y < y0) y0 = y; if (y > y1) y1 = y;
      }
    }
  }
  const out = document.createElement('canvas');
  out.width = w;
  out.height = h;
  const o = out.getContext('2d');
  o.fillStyle = '#000';
  o.fillRect(0, 0, w, h);
  if (x1 >= 0) {
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1;
    const box = Math.min(w, h) * 20 / 28;
    const s = box / Math.max(bw, bh);
    o.imageSmoothingEnabled = true;
    o.imageSmoothingQuality = 'high';
    o.drawImage(pad, x0, y0, bw, bh, (w - bw * s) / 2, (h - bh * s) / 2, bw * s, bh * s);
  }
  return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
}

// One request in flight; strokes made meanwhile send one more when it returns.
async function analyze() {
  if (!state.model || !state.drawn) return;
  if (state.busy) { state.again = true; return; }
  state.busy = true;
  try {
    const png = await padImage();
    const r = await api(base() + '/analyze?count=8', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: png });
    showAnalysis(r);
    status('');
  } catch (err) {
    status(err.message);
  } finally {
    state.busy = false;
    if (state.again) { state.again = false; analyze(); }
  }
}

function showAnalysis(r) {
  $('recon').src = r.reconstruction;
  state.z = r.code;
  drawCode(r.code);
  const fill = $('meter-fill');
  if (r.score !== undefined) {
    const t = r.threshold;
    const max = Math.max(2 * t, r.score) || 1;
    fill.style.width = Math.min(100, 100 * r.score / max) + '%';
    fill.classList.toggle('bad', r.anomalous);
    $('meter-threshold').style.left = (100 * t / max) + '%';
    $('score').textContent = (r.anomalous ? 'ANOMALOUS' : 'normal') + ': score ' + fmt(r.score) + ' vs threshold ' + fmt(t)
      + ' (' + r.score_name + ')';
    $('score').title = 'threshold: ' + r.threshold_source;
  } else {
    $('score').textContent = 'no anomaly threshold for this model; reconstruction MSE ' + fmt(r.mse_per_pixel);
  }
  const nb = $('neighbours');
  nb.innerHTML = '';
  for (const n of r.neighbours) {
    const f = document.createElement('figure');
    const img = document.createElement('img');
    img.src = n.png;
    f.appendChild(img);
    const cap = document.createElement('figcaption');
    cap.textContent = n.label !== undefined ? className(n.label) : '#' + n.index;
    f.appendChild(cap);
    nb.appendChild(f);
  }
}

function className(label) {
  const names = (state.map && state.map.class_names) || state.model.class_names;
  return names && names[label] !== undefined ? names[label] : String(label);
}

// code as bars around zero; the grey ticks mark the slider range (typical codes)
function drawCode(z) {
  const c = $('codebars');
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const mid = c.height / 2;
  g.strokeStyle = '#ccc';
  g.beginPath(); g.moveTo(0, mid); g.lineTo(c.width, mid); g.stroke();
  if (!z) { $('code-text').textContent = ''; return; }
  const k = z.length;
  const lat = state.model.latent;
  let scale = 0;
  for (let j = 0; j < k; j++) scale = Math.max(scale, Math.abs(z[j]), Math.abs(lat.min[j]), Math.abs(lat.max[j]));
  scale = scale || 1;
  const bw = c.width / k;
  for (let j = 0; j < k; j++) {
    const v = z[j] / scale * (mid - 4);
    g.fillStyle = z[j] >= 0 ? '#3b7dd8' : '#d8783b';
    g.fillRect(j * bw + 1, v >= 0 ? mid - v : mid, Math.max(1, bw - 2), Math.abs(v));
  }
  $('code-text').textContent = 'K = ' + k + ', |z| = ' + fmt(Math.hypot(...z));
}

// ------------------------------------------------------------------ latent map

async function loadMap() {
  const c = $('map');
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  state.map = null;
  $('legend').innerHTML = '';
  if (!state.model.endpoints.includes('map')) {
    $('map-title').textContent = 'no latent map: the test data was not available when the server started';
    return;
  }
  const m = await api(base() + '/map');
  state.map = m;
  const pad = 14;
  let xmin = Infinity, xmax = -Infinity, ymin = Infinity, ymax = -Infinity;
  for (let i = 0; i < m.count; i++) {
    xmin = Math.min(xmin, m.x[i]); xmax = Math.max(xmax, m.x[i]);
    ymin = Math.min(ymin, m.y[i]); ymax = Math.max(ymax, m.y[i]);
  }
  const sx = (c.width - 2 * pad) / ((xmax - xmin) || 1);
  const sy = (c.height - 2 * pad) / ((ymax - ymin) || 1);
  m.px = new Float32Array(m.count);
  m.py = new Float32Array(m.count);
  for (let i = 0; i < m.count; i++) {
    m.px[i] = pad + (m.x[i] - xmin) * sx;
    m.py[i] = c.height - pad - (m.y[i] - ymin) * sy;
  }
  $('map-title').textContent = (m.pca ? 'first two principal components of the codes: ' : 'the 2-D code: ')
    + m.x_title + ' across, ' + m.y_title + ' up · ' + m.count + ' test images · hover to see one, click two to interpolate';
  drawMap();
  const labels = m.labels ? [...new Set(m.labels)].sort((a, b) => a - b) : [];
  for (const l of labels) {
    const s = document.createElement('span');
    s.innerHTML = '<i style="background:' + COLOURS[l % COLOURS.length] + '"></i>';
    s.appendChild(document.createTextNode(className(l)));
    $('legend').appendChild(s);
  }
}

function drawMap() {
  const m = state.map;
  if (!m) return;
  const c = $('map');
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  for (let i = 0; i < m.count; i++) {
    g.fillStyle = m.labels ? COLOURS[m.labels[i] % COLOURS.length] : '#3b7dd8';
    g.globalAlpha = 0.7;
    g.fillRect(m.px[i] - 2, m.py[i] - 2, 4, 4);
  }
  g.globalAlpha = 1;
  g.strokeStyle = '#000';
  g.lineWidth = 2;
  state.picked.forEach((i) => { g.beginPath(); g.arc(m.px[i], m.py[i], 7, 0, 2 * Math.PI); g.stroke(); });
  if (state.picked.length === 2) {
    const [a, b] = state.picked;
    g.beginPath(); g.moveTo(m.px[a], m.py[a]); g.lineTo(m.px[b], m.py[b]); g.stroke();
  }
}

function nearestPoint(e) {
  const m = state.map;
  if (!m) return -1;
  const c = $('map');
  const r = c.getBoundingClientRect();
  const x = (e.clientX - r.left) * c.width / r.width;
  const y = (e.clientY - r.top) * c.height / r.height;
  let best = -1, bd = 100; // within 10 pixels
  for (let i = 0; i < m.count; i++) {
    const d = (m.px[i] - x) ** 2 + (m.py[i] - y) ** 2;
    if (d < bd) { bd = d; best = i; }
  }
  return best;
}

$('map').addEventListener('mousemove', async (e) => {
  const i = nearestPoint(e);
  if (i < 0 || i === state.hovered) return;
  state.hovered = i;
  if ($('hover').hidden) {
    $('hover-label').textContent = 'test row ' + i + (state.map.labels ? ': ' + className(state.map.labels[i]) : '');
    return;
  }
  $('hover-label').textContent = 'test image ' + i + (state.map.labels ? ': ' + className(state.map.labels[i]) : '');
  // an <img src> cannot carry the token header: with a token, fetch the PNG as a blob
  if (!token()) { $('hover').src = base() + '/map/' + i; return; }
  try { $('hover').src = URL.createObjectURL(await api(base() + '/map/' + i)); } catch (err) { status(err.message); }
});

$('map').addEventListener('click', async (e) => {
  const i = nearestPoint(e);
  if (i < 0 || $('interp').hidden) return;
  state.picked = state.picked.length >= 2 ? [i] : state.picked.concat([i]);
  drawMap();
  if (state.picked.length < 2) { $('interp-text').textContent = 'now click a second point'; return; }
  try {
    const r = await postJson(base() + '/interpolate?images=png', { from: state.picked[0], to: state.picked[1], steps: 10 });
    const s = $('interp');
    s.innerHTML = '';
    r.png.forEach((u) => { const img = document.createElement('img'); img.src = u; s.appendChild(img); });
    $('interp-text').textContent = 'from test image ' + state.picked[0] + ' to ' + state.picked[1] + (r.slerp ? ' (spherical)' : ' (linear)');
  } catch (err) { status(err.message); }
});

// ------------------------------------------------------------------ sliders

let sliderCodes = null;
const MAX_SLIDERS = 32;

async function setupSliders() {
  const m = state.model;
  const lat = m.latent;
  const box = $('sliders');
  box.innerHTML = '';
  const k = m.code_size;
  const shown = Math.min(k, MAX_SLIDERS);
  $('slider-title').textContent = 'decoder output for the code set by the sliders; centre: ' + lat.centre
    + (k > shown ? ' (first ' + shown + ' of ' + k + ' dimensions)' : '');
  sliderCodes = Float32Array.from(lat.mean);
  for (let j = 0; j < shown; j++) {
    const l = document.createElement('label');
    l.textContent = 'z' + j;
    const s = document.createElement('input');
    s.type = 'range';
    s.min = lat.min[j];
    s.max = lat.max[j];
    s.step = (lat.max[j] - lat.min[j]) / 200;
    s.value = lat.mean[j];
    s.id = 'z' + j;
    s.addEventListener('input', () => { sliderCodes[j] = +s.value; decodeSliders(); });
    l.appendChild(s);
    box.appendChild(l);
  }
  if (m.capabilities.prior && m.endpoints.includes('sample')) await newSample();
  else decodeSliders();
}

function setSliders(z) {
  sliderCodes = Float32Array.from(z);
  for (let j = 0; j < Math.min(z.length, MAX_SLIDERS); j++) {
    const s = $('z' + j);
    if (s) s.value = z[j];
  }
  decodeSliders();
}

async function decodeSliders() {
  if (state.sliderBusy) { state.sliderAgain = true; return; }
  state.sliderBusy = true;
  try {
    const r = await postJson(base() + '/decode?images=png', { codes: [Array.from(sliderCodes)] });
    $('slider-img').src = r.png[0];
  } catch (err) {
    status(err.message);
  } finally {
    state.sliderBusy = false;
    if (state.sliderAgain) { state.sliderAgain = false; decodeSliders(); }
  }
}

async function newSample() {
  if (!state.model.endpoints.includes('sample')) { status('this model cannot sample'); return; }
  try {
    const r = await postJson(base() + '/sample?images=png', { count: 1, seed: Math.floor(Math.random() * 1e9) });
    if (r.codes) setSliders(r.codes[0]); else $('slider-img').src = r.png[0];
  } catch (err) { status(err.message); }
}

$('sample').onclick = newSample;
$('centre').onclick = () => setSliders(state.model.latent.mean);
$('from-drawing').onclick = () => { if (state.z) setSliders(state.z); else status('draw something first'); };
$('token-ok').onclick = () => {
  localStorage.setItem('bottleneck-token', $('token').value);
  $('token-box').hidden = true;
  location.reload();
};

loadModels().catch((err) => status(err.message));
