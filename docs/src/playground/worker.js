// The playground's Web Worker: it loads the WebAssembly build of the chapter crates
// (crates/web) and Fashion-MNIST, trains what the page asks, and posts every epoch back, so
// the page stays responsive while the model trains. The page stops a run by ending the worker.
import init, { Data, train_fashion, fit_polynomial, weight_decay, activation, depth_profile } from './pkg/d2l_web.js';

// The committed files, served next to the page (docs/playground.sh copies them there).
const FILES = [
  'train-images-idx3-ubyte',
  'train-labels-idx1-ubyte',
  't10k-images-idx3-ubyte',
  't10k-labels-idx1-ubyte',
];

let wasm = null;
let data = null;

async function fashionMnist() {
  if (data === null) {
    const bytes = await Promise.all(FILES.map(async (name) => {
      const url = new URL(`data/${name}.gz`, import.meta.url);
      let response;
      try {
        response = await fetch(url);
      } catch (e) {
        throw new Error(`cannot fetch ${url.pathname} (${e.message})`);
      }
      if (!response.ok) {
        throw new Error(`cannot fetch ${url.pathname} (HTTP ${response.status})`);
      }
      return new Uint8Array(await response.arrayBuffer());
    }));
    data = new Data(...bytes);
  }
  return data;
}

const post = (type) => (json) => self.postMessage({ type, value: JSON.parse(json) });

self.onmessage = async ({ data: message }) => {
  try {
    wasm ??= init();
    await wasm;
    const request = JSON.stringify(message.request ?? {});
    switch (message.kind) {
      case 'load': {
        let d;
        try {
          d = await fashionMnist();
        } catch (e) {
          self.postMessage({
            type: 'error',
            message: `The Fashion-MNIST files could not be loaded: ${e.message}. ` +
              'Serve the book with docs/playground.sh, which puts them next to this page.',
          });
          return;
        }
        self.postMessage({ type: 'loaded', value: { train: d.train_len } });
        break;
      }
      case 'fashion': {
        const result = train_fashion(await fashionMnist(), request, post('epoch'));
        self.postMessage({ type: 'done', value: JSON.parse(result) });
        break;
      }
      case 'polynomial':
        self.postMessage({ type: 'done', value: JSON.parse(fit_polynomial(request, post('record'))) });
        break;
      case 'weight-decay':
        self.postMessage({ type: 'done', value: JSON.parse(weight_decay(request, post('record'))) });
        break;
      case 'activation':
        self.postMessage({ type: 'done', value: JSON.parse(activation(request)) });
        break;
      case 'depth':
        self.postMessage({ type: 'done', value: JSON.parse(depth_profile(request)) });
        break;
      default:
        throw new Error(`unknown request ${message.kind}`);
    }
  } catch (e) {
    self.postMessage({ type: 'error', message: String(e?.message ?? e) });
  }
};
