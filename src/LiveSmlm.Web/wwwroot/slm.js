// The SLM kiosk page: shows the pattern on the rig's SLM at one image pixel per device pixel (its CSS size is
// the image size divided by devicePixelRatio, so browser zoom or a HiDPI setting does not rescale it), and
// reloads it when the SLM's pattern version changes (polled; the PNG carries the version as its ETag).
'use strict';

const PollMs = 200;
const img = document.getElementById('pattern');
let shown = null;   // version on screen
let size = null;    // [width, height] of the panel

function fitToDevicePixels() {
  if (!size) {
    return;
  }
  const dpr = window.devicePixelRatio || 1;
  img.style.width = `${size[0] / dpr}px`;
  img.style.height = `${size[1] / dpr}px`;
}

function load(version) {
  return new Promise((resolve) => {
    const next = new Image();
    next.onload = () => {
      img.src = next.src;
      shown = version;
      document.body.dataset.version = String(version);
      resolve();
    };
    next.onerror = () => resolve();   // try again at the next poll
    next.src = `/slm/pattern.png?v=${version}`;
  });
}

async function poll() {
  try {
    const r = await fetch('/slm/version', { cache: 'no-store' });
    if (r.ok) {
      const v = await r.json();
      size = [v.width_px, v.height_px];
      fitToDevicePixels();
      if (v.version !== shown) {
        await load(v.version);
      }
    }
  } catch (e) {
    // The server is restarting: keep showing the last pattern.
  }
  setTimeout(poll, PollMs);
}

window.addEventListener('resize', fitToDevicePixels);   // zoom changes devicePixelRatio and fires resize
poll();
