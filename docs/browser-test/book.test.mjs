// The course book as a student reads it: every page of the built book (docs/playground.sh)
// in Debian's Chromium, headless, offline. It fails when a page
//   - asks for anything that is not on the book's own server (a CDN, a font service),
//   - links to a page, image or anchor that does not exist, or loads a file that is missing,
//   - shows math left raw (`$$`, `\(`, `\frac`, ... in its visible text), or has math that
//     KaTeX's fonts do not render.
// Usage (from the repository root, after docs/playground.sh): node docs/browser-test/book.test.mjs [LOG_DIR]
import { mkdirSync, mkdtempSync, readdirSync, statSync, createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, relative } from 'node:path';
import puppeteer from 'puppeteer-core';

const BOOK = 'docs/book';
const LOG_DIR = process.argv[2] ?? '.ci/logs';
const RAW_MATH = ['$$', '\\(', '\\)', '\\[', '\\frac', '\\mathbf', '\\partial', '\\lambda', '\\|'];

let failures = 0;
function check(ok, what) {
  if (!ok) {
    console.log(`FAIL ${what}`);
    failures += 1;
  }
  return ok;
}

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.wasm': 'application/wasm', '.svg': 'image/svg+xml', '.png': 'image/png', '.json': 'application/json', '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf' };
function fileOf(urlPath) {
  const path = normalize(decodeURIComponent(urlPath)).replace(/^(\.\.[/\\])+/, '');
  return join(BOOK, path.endsWith('/') ? `${path}index.html` : path);
}
function exists(file) {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
const server = createServer((req, res) => {
  const file = fileOf(new URL(req.url, 'http://x').pathname);
  if (!exists(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(res);
});
await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
const origin = `http://127.0.0.1:${server.address().port}`;

// Every page mdBook wrote, but its print view and search index.
function pages(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return ['FontAwesome', 'fonts', 'css', 'katex', 'playground'].includes(name) ? [] : pages(path);
    return name.endsWith('.html') && !['print.html', '404.html', 'toc.html'].includes(name) ? [relative(BOOK, path)] : [];
  });
}

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  userDataDir: mkdtempSync(join(tmpdir(), 'chromium-')),
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
mkdirSync(LOG_DIR, { recursive: true });
try {
  const all = pages(BOOK).filter((p) => p !== 'playground.html');
  check(all.length >= 12, `the book has its pages (${all.length} found)`);
  let mathPages = 0;
  for (const name of all) {
    const page = await browser.newPage();
    await page.setViewport({ width: 1100, height: 1400 });
    const foreign = [];
    const missing = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    page.on('response', (r) => {
      if (r.status() >= 400) missing.push(r.url());
    });
    await page.goto(`${origin}/${name}`, { waitUntil: 'networkidle0' });
    await page.evaluate(() => document.fonts.ready);
    check(foreign.length === 0, `${name}: asks the network for ${foreign.join(', ')}`);
    check(missing.length === 0, `${name}: missing ${missing.join(', ')}`);
    const facts = await page.evaluate(() => {
      const main = document.querySelector('main');
      // Open every answer, so that its text is visible text too.
      main.querySelectorAll('details').forEach((d) => (d.open = true));
      const text = main.innerText;
      const links = [...main.querySelectorAll('a[href], img[src]')].map((e) => e.href || e.src);
      const ids = [...document.querySelectorAll('[id]')].map((e) => e.id);
      const math = main.querySelectorAll('.katex').length;
      // The KaTeX faces the page needed have loaded from the book's own server, none failed.
      const faces = [...document.fonts].filter((f) => f.family.replace(/"/g, '').startsWith('KaTeX'));
      const fontOk = faces.some((f) => f.status === 'loaded') && !faces.some((f) => f.status === 'error');
      return { text, links, ids, math, fontOk };
    });
    for (const raw of RAW_MATH) check(!facts.text.includes(raw), `${name}: raw math "${raw}" in the visible text`);
    if (facts.math > 0) {
      mathPages += 1;
      check(facts.fontOk, `${name}: KaTeX's fonts did not load`);
    }
    for (const link of facts.links) {
      if (!link.startsWith(origin)) continue;
      const url = new URL(link);
      const file = fileOf(url.pathname);
      if (!check(exists(file), `${name}: the link or image ${url.pathname} does not exist`)) continue;
      if (url.hash && file === fileOf(new URL(`${origin}/${name}`).pathname)) {
        check(facts.ids.includes(decodeURIComponent(url.hash.slice(1))), `${name}: no anchor ${url.hash}`);
      }
    }
    if (name.endsWith('backprop.html')) await page.screenshot({ path: join(LOG_DIR, 'book-backprop.png'), fullPage: true });
    await page.close();
  }
  check(mathPages >= 1, `pages with rendered math: ${mathPages}`);
  console.log(`${all.length} pages read, ${mathPages} with rendered math`);
} finally {
  await browser.close();
  server.close();
}
if (failures > 0) {
  console.log(`${failures} failure(s)`);
  process.exit(1);
}
console.log('the book: every page offline, every link and image there, all math rendered');
