// LiveSmlm live view. The token comes in the link's fragment (#token=…), which the browser never sends to a
// server; every API call carries it in a header and the feed in its query. Binary format: docs/live-view.md.
'use strict';

const token = new URLSearchParams(location.hash.slice(1)).get('token') || '';
const $ = (id) => document.getElementById(id);
const LOCS = 1, CAMERA = 2, LOC_HEADER = 24, CAMERA_HEADER = 32;
const LOC_RECORD = { 1: 16, 2: 20 };   // bytes per localization by message version (2: 3D, z appended)
const MAX_STORED = 16 * 1024 * 1024;   // localizations kept on the GPU for redraws (16 B each, 20 B in 3D: 256–320 MB)
let status = null;

function say(text) { $('message').textContent = text || ''; }

async function api(path, body) {
  const r = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'X-LiveSmlm-Token': token, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = r.headers.get('content-type')?.includes('json') ? await r.json() : null;
  if (!r.ok) { say(json?.error || `${path}: HTTP ${r.status}`); return null; }
  say('');
  if (json?.state) { showStatus(json); }
  return json;
}

// ---- super-resolution view: WebGL2 splats into a float texture, colormap pass to the canvas ----
class SrView {
  constructor(canvas) {
    this.canvas = canvas;
    const gl = canvas.getContext('webgl2', { preserveDrawingBuffer: true, antialias: false, premultipliedAlpha: false });
    if (!gl) { throw new Error('This browser has no WebGL2.'); }
    if (!gl.getExtension('EXT_color_buffer_float')) { throw new Error('WebGL2 without EXT_color_buffer_float: cannot accumulate in a float texture.'); }
    this.gl = gl;
    this.floatBlend = !!gl.getExtension('EXT_float_blend');
    this.count = 0;        // localizations in the vertex buffer
    this.capacity = 0;
    this.buffer = null;
    this.field = { width: 25600, height: 25600 };
    this.saturation = 1;
    this.contrast = 0;
    this.gamma = 0.7;
    this.pending = false;
    this.maxPoint = gl.getParameter(gl.ALIASED_POINT_SIZE_RANGE)[1];
    this.record = LOC_RECORD[1];   // bytes per stored localization: the run's message version decides (2D 16, 3D 20)
    this.depthRange = null;        // [z min, z max] nm from the status (the calibration's, as render.png), null in 2D
  }

  // Depth colouring: on when the stored localizations carry z and the status gives the range.
  get depth() { return this.record === LOC_RECORD[2] && this.depthRange !== null; }

  setDepthRange(range) {
    const r = Array.isArray(range) && range.length === 2 && range[1] > range[0] ? [range[0], range[1]] : null;
    if (JSON.stringify(r) === JSON.stringify(this.depthRange)) { return; }
    this.depthRange = r;
    this.redraw();
    showDepthLegend(this);
  }

  async init() {
    const get = async (name) => { const r = await fetch(`/shaders/${name}`); if (!r.ok) { throw new Error(`shader ${name}: HTTP ${r.status}`); } return r.text(); };
    const [sv, sf, cv, cf] = await Promise.all(['splat.vert.glsl', 'splat.frag.glsl', 'colormap.vert.glsl', 'colormap.frag.glsl'].map(get));
    this.splat = this.program(sv, sf);
    this.colormap = this.program(cv, cf);
    const gl = this.gl;
    this.vao = gl.createVertexArray();
    this.texture = gl.createTexture();
    this.fbo = gl.createFramebuffer();
    this.resizeTarget();
    this.grow(1 << 16);
    this.resetView();
  }

  program(vs, fs) {
    const gl = this.gl;
    const p = gl.createProgram();
    for (const [type, src] of [[gl.VERTEX_SHADER, vs], [gl.FRAGMENT_SHADER, fs]]) {
      const s = gl.createShader(type);
      gl.shaderSource(s, src);
      gl.compileShader(s);
      if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) { throw new Error(gl.getShaderInfoLog(s)); }
      gl.attachShader(p, s);
    }
    gl.linkProgram(p);
    if (!gl.getProgramParameter(p, gl.LINK_STATUS)) { throw new Error(gl.getProgramInfoLog(p)); }
    const uniforms = {};
    const n = gl.getProgramParameter(p, gl.ACTIVE_UNIFORMS);
    for (let i = 0; i < n; i++) { const u = gl.getActiveUniform(p, i); uniforms[u.name] = gl.getUniformLocation(p, u.name); }
    return { p, u: uniforms };
  }

  resizeTarget() {
    const gl = this.gl;
    this.w = this.canvas.width; this.h = this.canvas.height;
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.texImage2D(gl.TEXTURE_2D, 0, this.floatBlend ? gl.RG32F : gl.RG16F, this.w, this.h, 0, gl.RG, gl.FLOAT, null);
    for (const k of [gl.TEXTURE_MIN_FILTER, gl.TEXTURE_MAG_FILTER]) { gl.texParameteri(gl.TEXTURE_2D, k, gl.NEAREST); }
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.fbo);
    gl.framebufferTexture2D(gl.FRAMEBUFFER, gl.COLOR_ATTACHMENT0, gl.TEXTURE_2D, this.texture, 0);
    if (gl.checkFramebufferStatus(gl.FRAMEBUFFER) !== gl.FRAMEBUFFER_COMPLETE) { throw new Error('float render target incomplete'); }
  }

  // The vertex buffer holds every stored localization (x, y, precision, frame[, z]); it grows by doubling on the GPU.
  grow(records) {
    const gl = this.gl;
    if (records <= this.capacity) { return; }
    let cap = Math.max(this.capacity * 2, records, 1 << 16);
    cap = Math.min(cap, MAX_STORED);
    const b = gl.createBuffer();
    gl.bindBuffer(gl.COPY_WRITE_BUFFER, b);
    gl.bufferData(gl.COPY_WRITE_BUFFER, cap * this.record, gl.DYNAMIC_DRAW);
    if (this.buffer && this.count > 0) {
      gl.bindBuffer(gl.COPY_READ_BUFFER, this.buffer);
      gl.copyBufferSubData(gl.COPY_READ_BUFFER, gl.COPY_WRITE_BUFFER, 0, 0, this.count * this.record);
    }
    if (this.buffer) { gl.deleteBuffer(this.buffer); }
    this.buffer = b;
    this.capacity = cap;
    gl.bindVertexArray(this.vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, b);
    gl.enableVertexAttribArray(0);
    gl.vertexAttribPointer(0, 2, gl.FLOAT, false, this.record, 0);
    gl.enableVertexAttribArray(1);
    gl.vertexAttribPointer(1, 1, gl.FLOAT, false, this.record, 8);
    if (this.record === LOC_RECORD[2]) {
      gl.enableVertexAttribArray(2);
      gl.vertexAttribPointer(2, 1, gl.FLOAT, false, this.record, 16);
    } else {
      gl.disableVertexAttribArray(2);   // 2D: a_z_nm reads the default 0
    }
    gl.bindVertexArray(null);
  }

  clear() {
    this.count = 0;
    this.unstored = 0;
    this.redraw();
  }

  // New localizations: upload after the stored ones, splat only them into the current view.
  add(buffer, count) {
    const gl = this.gl;
    const record = LOC_RECORD[new Uint8Array(buffer, 1, 1)[0]];
    if (!record) { throw new Error(`localizations message of unknown version ${new Uint8Array(buffer, 1, 1)[0]}`); }
    if (record !== this.record) {
      // A run is 2D or 3D throughout; the layout changes only on an empty view (after a reset).
      if (this.count > 0) { throw new Error(`localizations of ${record} bytes after ${this.count} of ${this.record}: the feed changed layout mid-run`); }
      this.record = record;
      this.capacity = 0;
      this.grow(1 << 16);
      showDepthLegend(this);
    }
    const room = MAX_STORED - this.count;
    const stored = Math.min(count, room);
    this.unstored = (this.unstored || 0) + (count - stored);
    this.grow(this.count + stored);
    gl.bindBuffer(gl.ARRAY_BUFFER, this.buffer);
    gl.bufferSubData(gl.ARRAY_BUFFER, this.count * this.record, new Uint8Array(buffer, LOC_HEADER, stored * this.record));
    this.splatRange(this.count, stored, false);
    this.count += stored;
    this.schedule();
  }

  splatRange(first, n, clear) {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.fbo);
    gl.viewport(0, 0, this.w, this.h);
    if (clear) { gl.clearColor(0, 0, 0, 0); gl.clear(gl.COLOR_BUFFER_BIT); }
    if (n <= 0) { return; }
    const { p, u } = this.splat;
    gl.useProgram(p);
    gl.uniform2f(u.u_origin_nm, this.view.x, this.view.y);
    gl.uniform1f(u.u_nm_per_px, this.view.nmPerPx);
    gl.uniform2f(u.u_target_px, this.w, this.h);
    gl.uniform1f(u.u_fallback_sigma_nm, 20);
    gl.uniform1f(u.u_min_sigma_nm, 2);
    gl.uniform1f(u.u_max_sigma_nm, 50);
    gl.uniform1f(u.u_max_point_px, this.maxPoint);
    const [zMin, zMax] = this.depthRange || [0, 1];
    gl.uniform1f(u.u_z_min_nm, zMin);
    gl.uniform1f(u.u_z_span_nm, zMax - zMin);
    gl.enable(gl.BLEND);
    gl.blendFunc(gl.ONE, gl.ONE);
    gl.bindVertexArray(this.vao);
    gl.drawArrays(gl.POINTS, first, n);
    gl.bindVertexArray(null);
    gl.disable(gl.BLEND);
  }

  // Pan or zoom: every stored localization again at the new pixel size, so the image stays sharp.
  redraw() {
    this.splatRange(0, this.count, true);
    this.autoContrast();
    this.schedule();
  }

  resetView() {
    const nmPerPx = Math.max(this.field.width / this.w, this.field.height / this.h);
    this.view = { x: 0, y: 0, nmPerPx };
    this.redraw();
  }

  zoom(factor, cx, cy) {
    const v = this.view;
    const xNm = v.x + cx * v.nmPerPx, yNm = v.y + cy * v.nmPerPx;
    v.nmPerPx = Math.min(Math.max(v.nmPerPx / factor, 0.5), 1000);
    v.x = xNm - cx * v.nmPerPx; v.y = yNm - cy * v.nmPerPx;
    this.redraw();
  }

  pan(dxPx, dyPx) { this.view.x -= dxPx * this.view.nmPerPx; this.view.y -= dyPx * this.view.nmPerPx; this.redraw(); }

  // Saturation at the 99.5th percentile of the positive texture pixels (as the PNG export), times the slider.
  autoContrast() {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, this.fbo);
    const px = new Float32Array(this.w * this.h * 4);
    gl.readPixels(0, 0, this.w, this.h, gl.RGBA, gl.FLOAT, px);
    const positive = [];
    for (let i = 0; i < px.length; i += 4 * 3) { if (px[i] > 0) { positive.push(px[i]); } }
    if (positive.length > 0) {
      positive.sort((a, b) => a - b);
      this.baseSaturation = positive[Math.min(positive.length - 1, Math.ceil(0.995 * positive.length) - 1)];
    }
    this.schedule();
  }

  schedule() {
    if (this.pending) { return; }
    this.pending = true;
    requestAnimationFrame(() => { this.pending = false; this.display(); });
  }

  display() {
    const gl = this.gl;
    gl.bindFramebuffer(gl.FRAMEBUFFER, null);
    gl.viewport(0, 0, this.canvas.width, this.canvas.height);
    const { p, u } = this.colormap;
    gl.useProgram(p);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindTexture(gl.TEXTURE_2D, this.texture);
    gl.uniform1i(u.u_density, 0);
    gl.uniform1f(u.u_saturation, (this.baseSaturation || 1) * Math.pow(10, -this.contrast));
    gl.uniform1f(u.u_gamma, this.gamma);
    gl.uniform1i(u.u_depth, this.depth ? 1 : 0);
    gl.drawArrays(gl.TRIANGLES, 0, 3);
    $('view-count').textContent = this.count.toLocaleString() + (this.unstored ? ` (+${this.unstored.toLocaleString()} not kept)` : '');
  }
}

// The depth colour bar (3D): a linear gradient through the colormap's knots (blue, cyan, green, yellow, red at
// 0, ¼, ½, ¾, 1), which is the piecewise-linear map of colormap.frag.glsl exactly, labelled in nm.
function showDepthLegend(view) {
  const legend = $('depth-legend');
  legend.hidden = !view.depth;
  if (!view.depth) { return; }
  const [zMin, zMax] = view.depthRange;
  const c = $('depth-bar'), ctx = c.getContext('2d');
  const g = ctx.createLinearGradient(0, 0, c.width, 0);
  [[0, '#0000ff'], [0.25, '#00ffff'], [0.5, '#00ff00'], [0.75, '#ffff00'], [1, '#ff0000']].forEach(([at, colour]) => g.addColorStop(at, colour));
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, c.width, c.height);
  $('depth-min').textContent = `${Math.round(zMin)} nm`;
  $('depth-mid').textContent = `${Math.round((zMin + zMax) / 2)} nm`;
  $('depth-max').textContent = `${Math.round(zMax)} nm`;
}

// ---- camera preview: binned grey image, detections circled ----
function showCamera(buffer) {
  const dv = new DataView(buffer);
  const bin = dv.getUint16(2, true), frame = Number(dv.getBigInt64(8, true));
  const w = dv.getUint16(16, true), h = dv.getUint16(18, true);
  const black = dv.getFloat32(20, true), white = dv.getFloat32(24, true), n = dv.getUint32(28, true);
  const grey = new Uint8Array(buffer, CAMERA_HEADER + n * 8, w * h);
  const img = new ImageData(w, h);
  for (let i = 0; i < w * h; i++) { const g = grey[i]; img.data[4 * i] = g; img.data[4 * i + 1] = g; img.data[4 * i + 2] = g; img.data[4 * i + 3] = 255; }
  const canvas = $('camera'), ctx = canvas.getContext('2d');
  const tmp = new OffscreenCanvas(w, h);
  tmp.getContext('2d').putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(tmp, 0, 0, canvas.width, canvas.height);
  const pixelNm = (status?.camera_pixel_nm || 100) * bin;
  const sx = canvas.width / w, sy = canvas.height / h;
  ctx.strokeStyle = '#0f0';
  ctx.lineWidth = 1;
  const det = new Float32Array(buffer, CAMERA_HEADER, n * 2);
  for (let i = 0; i < n; i++) {
    ctx.beginPath();
    ctx.arc(det[2 * i] / pixelNm * sx, det[2 * i + 1] / pixelNm * sy, 4, 0, 2 * Math.PI);
    ctx.stroke();
  }
  $('camera-info').textContent = `frame ${frame}, ${n} detections, ${black.toFixed(0)}–${white.toFixed(0)} ADU, bin ${bin}`;
}

// ---- plots over time ----
const drift = { frame: [], x: [], y: [] };

// Drift x and y (they go negative): both lines on one symmetric axis.
function plotDrift() {
  const c = $('plot-drift'), ctx = c.getContext('2d');
  ctx.fillStyle = '#050505';
  ctx.fillRect(0, 0, c.width, c.height);
  if (drift.frame.length === 0) { return; }
  const max = Math.max(1, ...drift.x.map(Math.abs), ...drift.y.map(Math.abs)) * 1.1;
  const x0 = drift.frame[0], x1 = Math.max(drift.frame.at(-1), x0 + 1);
  const X = (f) => 30 + (f - x0) / (x1 - x0) * (c.width - 35), Y = (v) => c.height / 2 - v / max * (c.height / 2 - 6);
  ctx.fillStyle = '#888';
  ctx.font = '10px sans-serif';
  ctx.fillText(`±${max.toPrecision(3)}`, 0, 10);
  for (const [ys, color] of [[drift.x, '#f55'], [drift.y, '#5f5']]) {
    ctx.strokeStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    ys.forEach((v, i) => (i === 0 ? ctx.moveTo(X(drift.frame[i]), Y(v)) : ctx.lineTo(X(drift.frame[i]), Y(v))));
    ctx.stroke();
  }
  $('plot-drift-value').textContent = `${drift.x.at(-1).toFixed(1)}, ${drift.y.at(-1).toFixed(1)}`;
}
const series = { frame: [], locs: [], density: [], power: [] };
const MAX_POINTS = 3000;

function plot(id, xs, ys, color, target) {
  const c = $(id), ctx = c.getContext('2d');
  ctx.fillStyle = '#050505';
  ctx.fillRect(0, 0, c.width, c.height);
  if (ys.length === 0) { return; }
  let max = Math.max(...ys, target || 0) * 1.1 || 1;
  const x0 = xs[0], x1 = Math.max(xs[xs.length - 1], x0 + 1);
  const X = (x) => 30 + (x - x0) / (x1 - x0) * (c.width - 35), Y = (y) => c.height - 12 - y / max * (c.height - 18);
  ctx.fillStyle = '#888';
  ctx.font = '10px sans-serif';
  ctx.fillText(max.toPrecision(3), 0, 10);
  ctx.fillText('0', 0, c.height - 12);
  ctx.fillText(`frame ${x0}–${x1}`, 30, c.height - 1);
  if (target) { ctx.strokeStyle = '#aaa'; ctx.setLineDash([4, 4]); ctx.beginPath(); ctx.moveTo(30, Y(target)); ctx.lineTo(c.width, Y(target)); ctx.stroke(); ctx.setLineDash([]); }
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ys.forEach((y, i) => (i === 0 ? ctx.moveTo(X(xs[i]), Y(y)) : ctx.lineTo(X(xs[i]), Y(y))));
  if (ys.length === 1) { ctx.lineTo(X(xs[0]) + 3, Y(ys[0])); }
  ctx.stroke();
  c.dataset.last = String(ys[ys.length - 1]);
}

function addPoints(points) {
  for (const [f, l, d, p] of points) {
    series.frame.push(f); series.locs.push(l); series.density.push(d); series.power.push(p);
  }
  for (const k of Object.keys(series)) { if (series[k].length > MAX_POINTS) { series[k].splice(0, series[k].length - MAX_POINTS); } }
  if (points.length === 0) { return; }
  const last = series.locs.length - 1;
  plot('plot-locs', series.frame, series.locs, '#4cf');
  plot('plot-power', series.frame, series.power, '#a6f');
  plot('plot-density', series.frame, series.density, '#fc4', status?.target_density_per_um2);
  $('plot-locs-value').textContent = series.locs[last].toFixed(1);
  $('plot-power-value').textContent = series.power[last].toFixed(2);
  $('plot-density-value').textContent = series.density[last].toFixed(3);
}

// ---- numbers and controls ----
let lasersBuilt = false;
function showStatus(s) {
  status = s;
  $('state').textContent = s.state + (s.error ? `: ${s.error}` : '');
  $('profile').textContent = s.profile;
  $('fps').textContent = s.fps.toFixed(1);
  $('frames').textContent = s.frames.toLocaleString();
  $('dropped').textContent = s.frames_dropped.toLocaleString();
  $('locs').textContent = s.localizations.toLocaleString();
  $('precision').textContent = s.median_precision_nm == null ? '–' : `${s.median_precision_nm.toFixed(1)} nm`;
  $('frc').textContent = s.resolution_nm == null ? '–' : `${s.resolution_nm.toFixed(1)} nm`;
  if (s.drift && s.drift.frame !== drift.frame.at(-1)) {
    drift.frame.push(s.drift.frame); drift.x.push(s.drift.x_nm); drift.y.push(s.drift.y_nm);
    plotDrift();
  }
  $('recording').checked = s.recording;
  if (document.activeElement !== $('target')) { $('target').value = s.target_localizations_per_frame; }
  if (document.activeElement !== $('feedback')) { $('feedback').value = s.feedback_mode; }
  if (!lasersBuilt) {
    lasersBuilt = true;
    for (const l of s.lasers) {
      const label = document.createElement('label');
      label.innerHTML = `${l.name} nm <input type="number" min="0" max="${l.max_power_mw}" step="any" data-laser="${l.name}" value="${l.power_mw}"> mW <button data-set-laser="${l.name}">Set</button>`;
      $('lasers').appendChild(label);
    }
    $('lasers').addEventListener('click', (e) => {
      const name = e.target.dataset?.setLaser;
      if (name) { api('/api/control/laser', { laser: name, power_mw: Number(document.querySelector(`[data-laser="${name}"]`).value) }); }
    });
  }
  srView?.setDepthRange(s.depth_range_nm);
  if (srView && (srView.field.width !== s.field_width_nm || srView.field.height !== s.field_height_nm)) {
    srView.field = { width: s.field_width_nm, height: s.field_height_nm };
    srView.resetView();
  }
}

let srView = null;
let lastContrast = 0;

function connect() {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`);
  ws.binaryType = 'arraybuffer';
  ws.onmessage = (e) => {
    if (typeof e.data === 'string') {
      const m = JSON.parse(e.data);
      if (m.type === 'status') {
        showStatus(m.status);
        $('view-dropped').textContent = m.dropped_messages.toLocaleString();
        addPoints(m.points);
        if (srView && performance.now() - lastContrast > 1000) { lastContrast = performance.now(); srView.autoContrast(); }
      } else if (m.type === 'reset') {
        srView?.clear();
        for (const k of Object.keys(series)) { series[k].length = 0; }
        for (const k of Object.keys(drift)) { drift[k].length = 0; }
      }
      return;
    }
    const kind = new Uint8Array(e.data, 0, 1)[0];
    if (kind === LOCS && srView) { srView.add(e.data, new DataView(e.data).getUint32(4, true)); }
    else if (kind === CAMERA) { showCamera(e.data); }
  };
  ws.onclose = (e) => { $('state').textContent = e.code === 1008 || e.code === 1006 ? 'disconnected (is the token right?)' : 'disconnected'; setTimeout(connect, 2000); };
}

async function main() {
  if (!token) { say('No token: open the link that `livesmlm live` printed (it ends in #token=…).'); }
  try {
    srView = new SrView($('sr'));
    await srView.init();
  } catch (e) {
    say(`Super-resolution view unavailable: ${e.message}`);
    srView = null;
  }
  $('start').onclick = () => api('/api/control/start', {});
  $('stop').onclick = () => api('/api/control/stop', {});
  $('recording').onchange = (e) => api('/api/control/recording', { on: e.target.checked });
  $('set-target').onclick = () => api('/api/control/target-density', { localizations_per_frame: Number($('target').value) });
  $('feedback').onchange = (e) => api('/api/control/feedback', { mode: e.target.value });
  $('contrast').oninput = (e) => { if (srView) { srView.contrast = Number(e.target.value); srView.schedule(); } };
  $('gamma').oninput = (e) => { if (srView) { srView.gamma = Number(e.target.value); srView.schedule(); } };
  $('reset-view').onclick = () => srView?.resetView();
  $('export').onclick = async () => {
    const nm = Number($('export-nm').value);
    const r = await fetch(`/api/export.png?pixel_nm=${nm}`, { headers: { 'X-LiveSmlm-Token': token } });
    if (!r.ok) { say((await r.json()).error); return; }
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await r.blob());
    a.download = `livesmlm-${nm}nm.png`;
    a.click();
  };
  const sr = $('sr');
  sr.addEventListener('wheel', (e) => {
    e.preventDefault();
    const r = sr.getBoundingClientRect();
    srView?.zoom(e.deltaY < 0 ? 1.25 : 0.8, (e.clientX - r.left) * sr.width / r.width, (e.clientY - r.top) * sr.height / r.height);
  }, { passive: false });
  let drag = null;
  sr.addEventListener('pointerdown', (e) => { drag = { x: e.clientX, y: e.clientY }; sr.setPointerCapture(e.pointerId); });
  sr.addEventListener('pointermove', (e) => {
    if (!drag || !srView) { return; }
    const r = sr.getBoundingClientRect();
    srView.pan((e.clientX - drag.x) * sr.width / r.width, (e.clientY - drag.y) * sr.height / r.height);
    drag = { x: e.clientX, y: e.clientY };
  });
  sr.addEventListener('pointerup', () => { drag = null; });
  connect();
}

main();
