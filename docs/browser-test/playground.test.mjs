// The playground in a real browser: Debian's Chromium, headless, driven by puppeteer-core.
// It serves the built book (docs/playground.sh) on 127.0.0.1, trains in the page, and checks
// that the page's numbers equal the native binaries' for the same settings and seed, to 4
// decimals: the scratch MLP and the dropout net for 1 epoch on the 10 000-image subset, and
// the polynomial fits of section 4.4. It measures a full 60 000-image epoch against the native
// single-thread epoch, checks the WebAssembly size, and leaves a screenshot in the log folder.
//
// Usage (from the repository root, after docs/playground.sh and a release build of the
// mlp-scratch, dropout and model-selection binaries):
//   node docs/browser-test/playground.test.mjs [LOG_DIR]
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { gzipSync } from 'node:zlib';
import puppeteer from 'puppeteer-core';

const BOOK = 'docs/book';
const LOG_DIR = process.argv[2] ?? '.ci/logs';
const WASM_GZ_BUDGET = 1.5e6;
const SPEED_BUDGET = 6;
// What the playground page states of the browser against the native binary, seeds 0-4, one
// epoch: the scratch MLP agrees to 1e-3; the dropout net, at its learning rate of 0.5, can
// amplify the rounding differences of its first epoch to a few hundredths (seed 4: 0.07).
const TOLERANCE = { 'mlp-scratch': 1e-3, dropout: 0.1 };

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures += 1;
}

// ---- Native runs --------------------------------------------------------------------------

function native(binary, args) {
  const out = mkdtempSync(join(tmpdir(), `${binary}-`));
  execFileSync(`target/release/${binary}`, [...args, '--quiet', '--out', out], { stdio: ['ignore', 'ignore', 'inherit'] });
  return out;
}

function csv(path) {
  const [header, ...rows] = readFileSync(path, 'utf8').trim().split('\n').map((l) => l.split(','));
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, Number(r[i])])));
}

// ---- A static server for the book ---------------------------------------------------------

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.gz': 'application/gzip', '.woff2': 'font/woff2' };
const server = createServer((req, res) => {
  const path = normalize(decodeURIComponent(new URL(req.url, 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
  const file = join(BOOK, path.endsWith('/') ? `${path}index.html` : path);
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const url = `http://127.0.0.1:${server.address().port}/playground.html`;

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  userDataDir: mkdtempSync(join(tmpdir(), 'chromium-')),
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1100, height: 1500 });
  page.on('console', (m) => m.type() === 'error' && console.log(`page: ${m.text()}`));
  page.on('pageerror', (e) => console.log(`page error: ${e.message}`));
  await page.goto(url);
  const state = (key = 'state') => page.$eval('#playground', (el, k) => el.dataset[k], key);
  const waitFor = async (wanted, key = 'state', seconds = 300) => {
    await page.waitForFunction((k, w) => w.includes(document.getElementById('playground').dataset[k]), { timeout: seconds * 1000 }, key, [...wanted, 'error']);
    const s = await state(key);
    if (s === 'error') throw new Error(await page.$eval(key === 'state' ? '#status' : '#small-status', (el) => el.textContent));
  };
  await waitFor(['ready']);
  check(true, `the page loaded the WebAssembly build and Fashion-MNIST: ${await page.$eval('#status', (el) => el.textContent)}`);

  const set = async (id, value) => {
    await page.$eval(`#${id}`, (el, v) => {
      el.value = v;
      el.dispatchEvent(new Event('change'));
    }, String(value));
  };
  const trainInPage = async (settings) => {
    for (const [id, value] of Object.entries(settings)) await set(id, value);
    await page.click('#train');
    await waitFor(['done']);
    return page.$$eval('#metrics tbody tr', (rows) => rows.map((r) => ({
      epoch: Number(r.dataset.epoch), train_loss: Number(r.dataset.trainLoss), train_acc: Number(r.dataset.trainAcc), test_acc: Number(r.dataset.testAcc), seconds: Number(r.dataset.seconds),
    })));
  };
  const same = (what, page, nativeRows) => {
    for (const key of ['train_loss', 'train_acc', 'test_acc']) {
      const [a, b] = [page[0]?.[key], nativeRows[0]?.[key]];
      check(Math.abs(a - b) < 1e-4, `${what}: ${key} in the browser ${a?.toFixed(6)}, native ${b?.toFixed(6)}`);
    }
  };

  // 4.2: the scratch MLP, 1 epoch on the subset.
  const scratch = await trainInPage({ experiment: 'mlp-scratch', num_epochs: 1, train_examples: 10000 });
  const scratchNative = csv(join(native('mlp-scratch', ['--num-epochs', '1', '--train-examples', '10000']), 'metrics.csv'));
  same('mlp-scratch, 1 epoch, 10 000 images', scratch, scratchNative);
  check(scratch[0].train_loss < Math.log(10) && scratch[0].test_acc > 0.3,
    `it learns in its one epoch on 10 000 images: train loss ${scratch[0].train_loss.toFixed(4)} < ln 10 (chance), test acc ${scratch[0].test_acc} > 0.3 (chance 0.1)`);
  const predictions = await page.$$eval('#predictions figure', (f) => f.length);
  check(predictions === 6, `predict_ch3 shows ${predictions} images with true and predicted labels`);
  mkdirSync(LOG_DIR, { recursive: true });
  await page.screenshot({ path: join(LOG_DIR, 'playground.png'), fullPage: true });
  console.log(`screenshot: ${join(LOG_DIR, 'playground.png')}`);

  // Settings beyond WebAssembly's 4 GiB: refused before any work, in one line; the page
  // then trains again.
  await set('num_hiddens', 100000000);
  await page.click('#train');
  await page.waitForFunction(() => ['error', 'done'].includes(document.getElementById('playground').dataset.state), { timeout: 60000 });
  const refusal = await page.$eval('#status', (el) => el.textContent);
  check((await state()) === 'error' && refusal.includes('at most 4 GiB'), `a hidden width of 100 000 000 is refused before any work: "${refusal}"`);
  await set('num_hiddens', 256);

  // 4.6: the dropout net (its masks from the same seeded generators), 1 epoch on the subset.
  const drop = await trainInPage({ experiment: 'dropout', num_epochs: 1, train_examples: 10000 });
  const dropNative = csv(join(native('dropout', ['--num-epochs', '1', '--train-examples', '10000']), 'metrics.csv'));
  same('dropout, 1 epoch, 10 000 images', drop, dropNative);

  // Seeds 1 to 4 of both, against the tolerance the page states (seed 0 is above): the
  // browser's kernels add in another order than the native ones, so the numbers agree to
  // rounding, which a first epoch can amplify, to at most TOLERANCE at these settings.
  for (const experiment of ['mlp-scratch', 'dropout']) {
    for (const seed of [1, 2, 3, 4]) {
      const inPage = await trainInPage({ experiment, num_epochs: 1, train_examples: 10000, seed });
      const nativeRows = csv(join(native(experiment, ['--num-epochs', '1', '--train-examples', '10000', '--seed', String(seed)]), 'metrics.csv'));
      const gap = Math.max(...['train_loss', 'train_acc', 'test_acc'].map((k) => Math.abs(inPage[0][k] - nativeRows[0][k])));
      check(gap <= TOLERANCE[experiment], `${experiment}, seed ${seed}: the largest difference from the native run is ${gap.toExponential(2)} (at most ${TOLERANCE[experiment]})`);
    }
  }
  await set('seed', 0);

  // 4.4: the polynomial fits.
  await page.click('#polynomial');
  await waitFor(['done'], 'smallState');
  const fits = JSON.parse(await page.$eval('#small-data', (el) => el.textContent));
  await page.screenshot({ path: join(LOG_DIR, 'playground-polynomial.png'), fullPage: true });
  const fitsNative = JSON.parse(readFileSync(join(native('model-selection', []), 'summary.json'), 'utf8'));
  for (const fit of fits) {
    const n = fitsNative.fits.find((f) => f.name === fit.label);
    const last = fit.records.at(-1);
    check(n && Math.abs(last.train_loss - n.train_loss) < 1e-4 && Math.abs(last.test_loss - n.test_loss) < 1e-4,
      `4.4 ${fit.label} fit: losses in the browser ${last.train_loss.toExponential(5)} / ${last.test_loss.toExponential(5)}, native ${n?.train_loss?.toExponential(5)} / ${n?.test_loss?.toExponential(5)}`);
  }

  // 4.1: an activation and its autograd gradient, from the chapter's own code.
  const drawActivation = async (name, settings = {}) => {
    await page.select('#activation', name);
    for (const [id, value] of Object.entries(settings)) await set(id, value);
    await page.click('#draw-activation');
    await waitFor(['done'], 'activationState', 60);
    return JSON.parse(await page.$eval('#activation-data', (el) => el.textContent));
  };
  const sigmoid = await drawActivation('sigmoid');
  const peak = Math.max(...sigmoid.gradient);
  check(sigmoid.x.length === 160 && Math.abs(peak - 0.25) < 1e-6,
    `4.1: sigmoid on the book's 160-point grid, its gradient largest at ${peak} (the book: 0.25 at 0)`);
  const prelu = await drawActivation('prelu', { alpha: 0.3 });
  check(Math.abs(prelu.gradient[0] - 0.3) < 1e-6 && Math.abs(prelu.gradient[159] - 1) < 1e-6,
    `4.1: pReLU with α = 0.3 has gradient ${prelu.gradient[0]} left of 0 and ${prelu.gradient[159]} right of it`);
  await page.screenshot({ path: join(LOG_DIR, 'playground-activation.png'), fullPage: true });

  // 4.8: the activations' variance layer by layer, against the chapter binary's own run
  // (docs/src/generated/numerical-stability/summary.json: depth 10, width 256, seed 0).
  const nativeDepth = JSON.parse(readFileSync('docs/src/generated/numerical-stability/summary.json', 'utf8')).variance_per_layer;
  const schemes = { 'N(0, 1)': 'standard-normal', 'N(0, 0.01^2)': 'small-normal', 'Xavier normal': 'xavier-normal', 'Xavier uniform': 'xavier-uniform' };
  await set('depth', 10);
  await set('width', 256);
  for (const { scheme, variance } of nativeDepth) {
    await page.select('#scheme', schemes[scheme]);
    await page.click('#draw-depth');
    await waitFor(['done'], 'depthState', 60);
    const profile = JSON.parse(await page.$eval('#depth-data', (el) => el.textContent));
    const gap = Math.max(...variance.map((v, i) => Math.abs(profile.activation_variance[i] / v - 1)));
    check(gap < 1e-4, `4.8 ${scheme}: the variance after each of 10 layers equals the native run's to ${gap.toExponential(1)} (relative)`);
  }
  await page.select('#scheme', 'standard-normal');
  await page.click('#draw-depth');
  await waitFor(['done'], 'depthState', 60);
  const explode = JSON.parse(await page.$eval('#depth-data', (el) => el.textContent)).gradient_variance;
  check(explode.length === 11 && explode[10] === 1 && (explode[0] === null || explode[0] > 1e20),
    `4.8 N(0, 1): the gradient's variance grows from ${explode[10]} at the output to ${explode[0] ?? 'beyond f32'} at the input`);

  // Speed: a full epoch in the browser against the native single-thread epoch, each the
  // second of two (the first includes the WebAssembly compiler's warm-up).
  const full = (await trainInPage({ experiment: 'mlp-scratch', num_epochs: 2, train_examples: 60000 })).at(-1);
  const fullNative = csv(join(native('mlp-scratch', ['--num-epochs', '2', '--threads', '1']), 'timings.csv')).at(-1);
  const ratio = full.seconds / fullNative.seconds;
  check(ratio <= SPEED_BUDGET, `a 60 000-image epoch takes ${full.seconds.toFixed(2)} s in headless Chromium, ${fullNative.seconds.toFixed(2)} s natively on 1 thread: ${ratio.toFixed(2)}x (budget ${SPEED_BUDGET}x)`);
  await page.screenshot({ path: join(LOG_DIR, 'playground-full-epoch.png'), fullPage: true });
} finally {
  await browser.close();
  server.close();
}

const wasm = readFileSync(join(BOOK, 'playground/pkg/d2l_web_bg.wasm'));
const gz = gzipSync(wasm, { level: 9 }).length;
check(gz <= WASM_GZ_BUDGET, `the WebAssembly is ${wasm.length} bytes, ${gz} gzip-compressed (budget ${WASM_GZ_BUDGET})`);

if (failures > 0) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log('the playground matches the native runs');
