// The playground page: settings in, the book's figures out. Training runs in worker.js (the
// chapter crates compiled to WebAssembly); this file only draws what the worker posts.

const $ = (id) => document.getElementById(id);
const root = $('playground');

// ---- The book's figure (d2l.Animator / d2l.plot) on a canvas --------------------------------

// Line styles of the book's plots: blue solid, magenta dashed, green dash-dot, red dotted.
const STYLES = [
  { color: '#1f77b4', dash: [] },
  { color: '#bf00bf', dash: [6, 4] },
  { color: '#008000', dash: [8, 3, 2, 3] },
  { color: '#ff0000', dash: [2, 3] },
];

/** Draws `series` ([{label, points: [[x, y], ...]}]) on `canvas` with matplotlib-like axes. */
function plot(canvas, { title, xlabel, xlim, ylim, logy = false, series }) {
  const ctx = canvas.getContext('2d');
  const { width, height } = canvas;
  const pad = { left: 60, right: 15, top: 30, bottom: 45 };
  ctx.clearRect(0, 0, width, height);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  const ty = (y) => (logy ? Math.log10(Math.max(y, 1e-12)) : y);
  const [y0, y1] = ylim.map(ty);
  const px = (x) => pad.left + ((x - xlim[0]) / (xlim[1] - xlim[0] || 1)) * (width - pad.left - pad.right);
  const py = (y) => height - pad.bottom - ((ty(y) - y0) / (y1 - y0 || 1)) * (height - pad.top - pad.bottom);
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 1;
  ctx.setLineDash([]);
  ctx.strokeRect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
  ctx.fillStyle = '#000';
  ctx.font = '12px sans-serif';
  ctx.textAlign = 'center';
  const xticks = niceTicks(xlim[0], xlim[1], 6);
  for (const x of xticks) {
    ctx.fillText(String(x), px(x), height - pad.bottom + 15);
  }
  ctx.fillText(xlabel, (pad.left + width - pad.right) / 2, height - 10);
  ctx.fillText(title, width / 2, 18);
  ctx.textAlign = 'right';
  const yticks = logy
    ? Array.from({ length: Math.floor(y1) - Math.ceil(y0) + 1 }, (_, i) => 10 ** (Math.ceil(y0) + i))
    : niceTicks(ylim[0], ylim[1], 6);
  for (const y of yticks) {
    ctx.fillText(logy ? `1e${Math.round(Math.log10(y))}` : String(+y.toFixed(2)), pad.left - 5, py(y) + 4);
  }
  ctx.save();
  ctx.beginPath();
  ctx.rect(pad.left, pad.top, width - pad.left - pad.right, height - pad.top - pad.bottom);
  ctx.clip();
  series.forEach((s, i) => {
    const style = STYLES[i % STYLES.length];
    ctx.strokeStyle = style.color;
    ctx.setLineDash(style.dash);
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    s.points.forEach(([x, y], j) => (j ? ctx.lineTo(px(x), py(y)) : ctx.moveTo(px(x), py(y))));
    ctx.stroke();
    // A dot per point, so that the first epoch shows before there is a line.
    ctx.fillStyle = style.color;
    for (const [x, y] of s.points) {
      ctx.beginPath();
      ctx.arc(px(x), py(y), 2.5, 0, 2 * Math.PI);
      ctx.fill();
    }
  });
  ctx.restore();
  // Legend, upper right.
  ctx.textAlign = 'left';
  series.forEach((s, i) => {
    const style = STYLES[i % STYLES.length];
    const y = pad.top + 16 + 16 * i;
    const x = width - pad.right - 120;
    ctx.strokeStyle = style.color;
    ctx.setLineDash(style.dash);
    ctx.beginPath();
    ctx.moveTo(x, y - 4);
    ctx.lineTo(x + 25, y - 4);
    ctx.stroke();
    ctx.fillStyle = '#000';
    ctx.fillText(s.label, x + 30, y);
  });
  ctx.setLineDash([]);
}

function niceTicks(lo, hi, count) {
  const span = hi - lo || 1;
  const step = 10 ** Math.floor(Math.log10(span / count));
  const mult = [1, 2, 5, 10].find((m) => span / (m * step) <= count) ?? 10;
  const s = mult * step;
  const ticks = [];
  for (let t = Math.ceil(lo / s) * s; t <= hi + 1e-9; t += s) ticks.push(+t.toFixed(10));
  return ticks;
}

// ---- The worker ---------------------------------------------------------------------------

let worker = null;
function startWorker(onMessage) {
  worker?.terminate();
  worker = new Worker(new URL('worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = ({ data }) => onMessage(data);
  worker.onerror = (e) => onMessage({ type: 'error', message: e.message || 'the worker failed to start' });
  return worker;
}

// ---- Fashion-MNIST chapters ---------------------------------------------------------------

const BOOK_LR = { 'mlp-scratch': 0.1, 'mlp-concise': 0.1, dropout: 0.5, 'dropout-concise': 0.5 };
const int = (id) => Number.parseInt($(id).value, 10);
const num = (id) => Number.parseFloat($(id).value);

function request() {
  const experiment = $('experiment').value;
  const common = { lr: num('lr'), num_epochs: int('num_epochs'), batch_size: int('batch_size'), seed: int('seed') };
  const config = experiment.startsWith('dropout')
    ? { ...common, num_hiddens1: int('num_hiddens'), num_hiddens2: int('num_hiddens'), dropout1: num('dropout1'), dropout2: num('dropout2') }
    : { ...common, num_hiddens: int('num_hiddens'), num_layers: int('num_layers') };
  return { experiment, config, train_examples: int('train_examples') };
}

function setBusy(busy) {
  $('train').disabled = busy;
  $('stop').disabled = !busy;
  $('polynomial').disabled = busy;
  $('weight-decay').disabled = busy;
}

function drawTraining(req, history) {
  const n = req.train_examples;
  const subset = n < 60000 ? `first ${n.toLocaleString('en')} images (subset)` : 'all 60 000 images';
  const last = history.at(-1);
  const speed = last ? `, ${(history.reduce((s, m) => s + m.seconds, 0) / history.length).toFixed(2)} s/epoch` : '';
  plot($('figure'), {
    title: `${req.experiment}: ${subset}${speed}`,
    xlabel: 'epoch',
    xlim: [1, Math.max(2, req.config.num_epochs)],
    // The book's [0.3, 0.9], widened to the data (a short run starts near ln 10 = 2.3).
    ylim: [
      Math.min(0.3, ...history.map((m) => Math.min(m.train_loss, m.train_acc, m.test_acc))),
      Math.max(0.9, ...history.map((m) => Math.max(m.train_loss, m.train_acc, m.test_acc))),
    ],
    series: [
      { label: 'train loss', points: history.map((m) => [m.epoch, m.train_loss]) },
      { label: 'train acc', points: history.map((m) => [m.epoch, m.train_acc]) },
      { label: 'test acc', points: history.map((m) => [m.epoch, m.test_acc]) },
    ],
  });
}

function addRow(m) {
  const row = document.createElement('tr');
  Object.assign(row.dataset, { epoch: m.epoch, trainLoss: m.train_loss, trainAcc: m.train_acc, testAcc: m.test_acc, seconds: m.seconds });
  for (const v of [m.epoch, m.train_loss.toFixed(4), m.train_acc.toFixed(4), m.test_acc.toFixed(4), m.seconds.toFixed(2)]) {
    const cell = document.createElement('td');
    cell.textContent = v;
    row.append(cell);
  }
  $('metrics').tBodies[0].append(row);
}

function showPredictions(predictions) {
  const box = $('predictions');
  box.replaceChildren();
  for (const p of predictions) {
    const figure = document.createElement('figure');
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 28;
    const image = canvas.getContext('2d').createImageData(28, 28);
    p.pixels.forEach((v, i) => {
      const g = 255 - Math.round(v * 255);
      image.data.set([g, g, g, 255], 4 * i);
    });
    canvas.getContext('2d').putImageData(image, 0, 0);
    const caption = document.createElement('figcaption');
    caption.textContent = `${p.truth}\n${p.predicted}`;
    figure.append(canvas, caption);
    box.append(figure);
  }
}

function train() {
  const req = request();
  const history = [];
  $('metrics').tBodies[0].replaceChildren();
  $('predictions').replaceChildren();
  root.dataset.state = 'training';
  setBusy(true);
  $('status').textContent = `Training ${req.experiment}…`;
  drawTraining(req, history);
  startWorker((message) => {
    if (message.type === 'epoch') {
      history.push(message.value);
      addRow(message.value);
      drawTraining(req, history);
      $('status').textContent = `Training ${req.experiment}: epoch ${message.value.epoch} of ${req.config.num_epochs} (${message.value.seconds.toFixed(2)} s)`;
    } else if (message.type === 'done') {
      const s = message.value.summary;
      showPredictions(message.value.predictions);
      $('status').textContent = `Done: train loss ${s.train_loss.toFixed(4)}, train acc ${s.train_acc.toFixed(4)}, test acc ${s.test_acc.toFixed(4)}`;
      root.dataset.state = 'done';
      setBusy(false);
    } else if (message.type === 'error') {
      $('status').textContent = `Error: ${message.message}`;
      root.dataset.state = 'error';
      setBusy(false);
    }
  }).postMessage({ kind: 'fashion', request: req });
}

function stop() {
  worker?.terminate();
  worker = null;
  const epochs = $('metrics').tBodies[0].rows.length;
  $('status').textContent = `Stopped after ${epochs} epoch(s).`;
  root.dataset.state = 'stopped';
  setBusy(false);
}

// ---- Small-data chapters ------------------------------------------------------------------

function runSmall(kind, jobs, draw) {
  const results = [];
  const records = jobs.map(() => []);
  root.dataset.smallState = 'training';
  setBusy(true);
  const next = (i) => {
    if (i === jobs.length) {
      $('small-result').textContent = results.map((r) => {
        const last = r.records.at(-1);
        const w = r.weights ? `weights [${r.weights.map((v) => v.toFixed(3)).join(', ')}]` : `‖w‖ ${r.w_l2_norm.toFixed(4)}`;
        return `${r.label}: ${w}, train loss ${last.train_loss.toExponential(4)}, test loss ${last.test_loss.toExponential(4)}`;
      }).join('\n');
      $('small-data').textContent = JSON.stringify(results);
      $('small-status').textContent = `Done: ${jobs.length} runs.`;
      root.dataset.smallState = 'done';
      setBusy(false);
      return;
    }
    $('small-status').textContent = `Training ${jobs[i].label}…`;
    startWorker((message) => {
      if (message.type === 'record') {
        records[i].push(message.value);
        draw(records, i);
      } else if (message.type === 'done') {
        results.push({ label: jobs[i].label, ...message.value });
        next(i + 1);
      } else if (message.type === 'error') {
        $('small-status').textContent = `Error: ${message.message}`;
        root.dataset.smallState = 'error';
        setBusy(false);
      }
    }).postMessage({ kind, request: jobs[i].request });
  };
  next(0);
}

function polynomial() {
  const fits = [['normal', 400], ['underfit', 400], ['overfit', 1500]];
  runSmall('polynomial', fits.map(([fit, n]) => ({ label: fit, epochs: n, request: { fit, config: { seed: int('seed') } } })), (records, i) => {
    const [fit, n] = fits[i];
    const r = records[i];
    plot($('small-figure'), {
      title: `4.4 ${fit} fit`, xlabel: 'epoch', xlim: [1, n], ylim: [1e-3, 1e2], logy: true,
      series: [
        { label: 'train', points: r.map((p) => [p.epoch, p.train_loss]) },
        { label: 'test', points: r.map((p) => [p.epoch, p.test_loss]) },
      ],
    });
  });
}

function weightDecay() {
  const lambdas = [0, 3];
  runSmall('weight-decay', lambdas.map((lambda) => ({ label: `λ = ${lambda}`, request: { variant: 'scratch', lambda, config: { seed: int('seed') } } })), (records) => {
    plot($('small-figure'), {
      title: '4.5 weight decay (scratch)', xlabel: 'epochs', xlim: [5, 100], ylim: [1e-3, 1e3], logy: true,
      series: records.flatMap((r, i) => [
        { label: `train λ=${lambdas[i]}`, points: r.map((p) => [p.epoch, p.train_loss]) },
        { label: `test λ=${lambdas[i]}`, points: r.map((p) => [p.epoch, p.test_loss]) },
      ]),
    });
  });
}

// ---- 4.1 and 4.8: figures the book can only show fixed --------------------------------

// Runs one quick request in a fresh worker and hands its result to `done`; the state of the
// section goes to `<key>State` (`working`, `done` or `error`) and its JSON to `#<key>-data`.
function runOnce(key, kind, request, done) {
  root.dataset[`${key}State`] = 'working';
  startWorker((message) => {
    if (message.type === 'done') {
      $(`${key}-data`).textContent = JSON.stringify(message.value);
      done(message.value);
      root.dataset[`${key}State`] = 'done';
    } else if (message.type === 'error') {
      $(`${key}-status`).textContent = `Error: ${message.message}`;
      root.dataset[`${key}State`] = 'error';
    }
  }).postMessage({ kind, request });
}

function drawActivation() {
  const name = $('activation').value;
  runOnce('activation', 'activation', { name, alpha: num('alpha'), beta: num('beta') }, (curve) => {
    const points = (ys) => curve.x.map((x, i) => [x, ys[i]]);
    const all = [...curve.value, ...curve.gradient];
    const [lo, hi] = [Math.min(...all), Math.max(...all)];
    plot($('activation-figure'), {
      title: `4.1 ${name} and its gradient (autograd)`, xlabel: 'x', xlim: [-8, 8],
      ylim: [lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo)],
      series: [
        { label: `${name}(x)`, points: points(curve.value) },
        { label: `grad of ${name}`, points: points(curve.gradient) },
      ],
    });
    const peak = curve.gradient.reduce((m, g, i) => (g > curve.gradient[m] ? i : m), 0);
    $('activation-status').textContent = `${name}: the gradient is largest, ${curve.gradient[peak].toFixed(4)}, at x = ${curve.x[peak].toFixed(1)}`;
  });
}

function drawDepth() {
  const [scheme, depth, width] = [$('scheme').value, int('depth'), int('width')];
  runOnce('depth', 'depth', { scheme, depth, width }, (profile) => {
    const points = (vs) => vs.map((v, i) => [i, v]).filter(([, v]) => Number.isFinite(v) && v > 0);
    const series = [
      { label: 'activations', points: points(profile.activation_variance) },
      { label: 'gradients', points: points(profile.gradient_variance) },
    ];
    const logs = series.flatMap((s) => s.points.map(([, v]) => Math.log10(v)));
    const [lo, hi] = [Math.floor(Math.min(...logs, 0)), Math.ceil(Math.max(...logs, 0))];
    plot($('depth-figure'), {
      title: `4.8 ${scheme}: ${depth} layers of width ${width}`, xlabel: 'layer', xlim: [0, depth],
      ylim: [10 ** lo, 10 ** Math.max(hi, lo + 1)], logy: true, series,
    });
    const last = profile.activation_variance.at(-1);
    const first = profile.gradient_variance[0];
    const show = (v) => (v === null ? 'overflow (beyond f32)' : v.toExponential(2));
    $('depth-status').textContent = `variance of the activations after layer ${depth}: ${show(last)}; of the gradient at the input: ${show(first)}`;
  });
}

// ---- Start-up -----------------------------------------------------------------------------

$('experiment').addEventListener('change', () => {
  $('lr').value = BOOK_LR[$('experiment').value];
  const dropout = $('experiment').value.startsWith('dropout');
  $('num_layers').disabled = dropout;
  $('dropout1').disabled = $('dropout2').disabled = !dropout;
});
$('experiment').dispatchEvent(new Event('change'));
$('train').addEventListener('click', train);
$('stop').addEventListener('click', stop);
$('polynomial').addEventListener('click', polynomial);
$('weight-decay').addEventListener('click', weightDecay);
$('draw-activation').addEventListener('click', drawActivation);
$('draw-depth').addEventListener('click', drawDepth);
setBusy(true);
$('stop').disabled = true;
startWorker((message) => {
  if (message.type === 'loaded') {
    $('status').textContent = `Ready: Fashion-MNIST loaded (${message.value.train.toLocaleString('en')} training images). Press Train.`;
    root.dataset.state = 'ready';
    setBusy(false);
  } else if (message.type === 'error') {
    $('status').textContent = message.message;
    root.dataset.state = 'error';
    $('polynomial').disabled = $('weight-decay').disabled = false;
  }
}).postMessage({ kind: 'load' });
