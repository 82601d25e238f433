// End-to-end test of the web page in headless Chromium (Debian's /usr/bin/chromium) through
// playwright-core; no browser is downloaded. Usage:
//   node page.e2e.cjs URL SCREENSHOT_DIR
// playwright-core is looked up in $PLAYWRIGHT_CORE, else in <repo>/.ci/node_modules (what .ci/run
// installs). Exits 0 when every check passed, 1 with a message otherwise.
'use strict';
const path = require('path');
const fs = require('fs');

const [url, outDir] = process.argv.slice(2);
if (!url || !outDir) {
  console.error('usage: node page.e2e.cjs URL SCREENSHOT_DIR');
  process.exit(2);
}
const repo = path.resolve(__dirname, '../../../..');
const pwPath = process.env.PLAYWRIGHT_CORE || path.join(repo, '.ci/node_modules/playwright-core');
const { chromium } = require(pwPath);

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

function check(cond, what) {
  if (!cond) throw new Error('check failed: ' + what);
  console.log('ok: ' + what);
}

(async () => {
  fs.mkdirSync(outDir, { recursive: true });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ARGS, headless: true });
  const errors = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.setDefaultTimeout(20000);
    await page.goto(url);

    // the model picker lists every served model; the page loads the first
    await page.waitForFunction(() => document.querySelectorAll('#model option').length > 0);
    const models = await page.$$eval('#model option', (os) => os.map((o) => o.value));
    check(models.length >= 1, 'model picker lists ' + models.join(', '));
    await page.waitForFunction(() => (document.getElementById('slider-img').src || '').startsWith('data:image/png'));
    check(true, 'slider picture decoded on load');

    // draw a stroke (a ring-like loop, then a bar) on the pad with the mouse
    await page.locator('#pad').scrollIntoViewIfNeeded();
    const pad = await page.locator('#pad').boundingBox();
    const cx = pad.x + pad.width / 2, cy = pad.y + pad.height / 2, r = pad.width * 0.25;
    await page.mouse.move(cx + r, cy);
    await page.mouse.down();
    for (let a = 0; a <= 2 * Math.PI + 0.01; a += Math.PI / 12) {
      await page.mouse.move(cx + r * Math.cos(a), cy + r * Math.sin(a), { steps: 2 });
    }
    await page.mouse.up();
    await page.waitForFunction(() => (document.getElementById('recon').src || '').startsWith('data:image/png'));
    check(true, 'a reconstruction image appears after drawing');
    await page.waitForFunction(() => /score/.test(document.getElementById('score').textContent));
    const score = await page.textContent('#score');
    check(/threshold/.test(score), 'an anomaly score with its threshold appears: "' + score.trim() + '"');
    const neighbours = await page.locator('#neighbours img').count();
    check(neighbours > 0, neighbours + ' nearest training images shown');
    await page.locator('#draw-panel').screenshot({ path: path.join(outDir, 'serve-draw.png') });

    // move a slider: the decoded picture changes
    const before = await page.getAttribute('#slider-img', 'src');
    await page.locator('#slider-panel').scrollIntoViewIfNeeded();
    const s = await page.locator('#z0').boundingBox();
    await page.mouse.click(s.x + s.width - 2, s.y + s.height / 2);
    await page.waitForFunction((b) => document.getElementById('slider-img').src !== b, before);
    check(true, 'moving slider z0 changes the decoded picture');
    const s1 = await page.locator('#z1').boundingBox();
    await page.mouse.click(s1.x + 2, s1.y + s1.height / 2);

    // the latent map: hover a point to see its image, click two to interpolate
    const hasMap = await page.evaluate(() => !!(window.bottleneck && window.bottleneck.map));
    if (hasMap) {
      await page.locator('#map').scrollIntoViewIfNeeded();
      const box = await page.locator('#map').boundingBox();
      const pts = await page.evaluate(() => {
        const m = window.bottleneck.map;
        const c = document.getElementById('map');
        const k = c.getBoundingClientRect().width / c.width;
        return [0, Math.floor(m.count / 2)].map((i) => [m.px[i] * k, m.py[i] * k]);
      });
      await page.mouse.move(box.x + pts[0][0], box.y + pts[0][1]);
      await page.waitForFunction(() => !!document.getElementById('hover').getAttribute('src'));
      check(true, 'hovering the map shows a test image');
      await page.mouse.click(box.x + pts[0][0], box.y + pts[0][1]);
      await page.mouse.click(box.x + pts[1][0], box.y + pts[1][1]);
      await page.waitForFunction(() => document.querySelectorAll('#interp img').length >= 2);
      check(true, 'clicking two map points shows the decoded interpolation');
    }
    await page.screenshot({ path: path.join(outDir, 'serve-page.png'), fullPage: true });

    // pick another model: the page follows
    if (models.length > 1) {
      await page.selectOption('#model', models[1]);
      await page.waitForFunction((n) => document.getElementById('model-info').textContent.length > 0
        && document.querySelector('#model').value === n, models[1]);
      await page.waitForFunction(() => (document.getElementById('recon').src || '').startsWith('data:image/png'));
      check(true, 'switching to model ' + models[1] + ' re-analyses the drawing');
    }
    check(errors.length === 0, 'no errors in the page console' + (errors.length ? ': ' + errors.join(' | ') : ''));
    console.log('screenshots in ' + outDir);
  } finally {
    await browser.close();
  }
})().catch((e) => {
  console.error('e2e: ' + (e && e.stack ? e.stack : e));
  process.exit(1);
});
