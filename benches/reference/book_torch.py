#!/usr/bin/env python3
"""The book's Fashion-MNIST experiments in PyTorch, the book's own code, timed per epoch for
the side-by-side with d2l-rs (benches/reference/compare.sh):

  --exp scratch  section 4.2: 784-256-10 from scratch, N(0, 0.01^2) weights, zero biases,
                 max(X, 0), lr 0.1 (--num-hiddens, --num-layers as in d2l-rs);
  --exp concise  section 4.3: nn.Sequential(Flatten, Linear, ReLU, Linear), N(0, 0.01^2)
                 weights, lr 0.1;
  --exp dropout  section 4.6: the scratch Net (784-256-256-10, PyTorch's default init,
                 dropout_layer 0.2 / 0.5 with torch.rand masks), lr 0.5.

All: per-example cross-entropy (mean for SGD), torch.optim.SGD, batch 256; each epoch is
the training pass plus the test-accuracy pass, as in the book's train_ch3, timed as one
(d2l-rs's timings.csv times the same span).

Two input pipelines:
  resident   - both splits decoded once into float tensors; each epoch shuffles with
               randperm and slices batches (the fair comparison with d2l-rs);
  dataloader - the book's way: a per-example Dataset converting uint8 images like
               torchvision's ToTensor, batched by DataLoader(shuffle=True, num_workers=4).

Prints one JSON line: {"pipeline":..., "threads":..., "seconds_per_epoch":[...], ...}.
"""
import argparse, gzip, json, os, time

import numpy as np
import torch
from torch import nn


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


class ToTensorDataset(torch.utils.data.Dataset):
    def __init__(self, images, labels):
        self.images, self.labels = images, labels

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        x = torch.from_numpy(self.images[i].copy()).float().div(255).unsqueeze(0)
        return x, int(self.labels[i])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", default=os.path.join(os.path.dirname(__file__), "../../datasets/fashion-mnist"))
    ap.add_argument("--exp", choices=["scratch", "concise", "dropout"], default="scratch")
    ap.add_argument("--num-hiddens", type=int, default=256)
    ap.add_argument("--num-layers", type=int, default=1)
    ap.add_argument("--pipeline", choices=["resident", "dataloader"], default="resident")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    d = args.data_dir
    tr_x, tr_y = read_idx(f"{d}/train-images-idx3-ubyte.gz"), read_idx(f"{d}/train-labels-idx1-ubyte.gz")
    te_x, te_y = read_idx(f"{d}/t10k-images-idx3-ubyte.gz"), read_idx(f"{d}/t10k-labels-idx1-ubyte.gz")

    widths = [784] + [args.num_hiddens] * args.num_layers + [10]
    if args.exp == "scratch":
        params = []
        for fan_in, fan_out in zip(widths, widths[1:]):
            params += [nn.Parameter(torch.randn(fan_in, fan_out) * 0.01), nn.Parameter(torch.zeros(fan_out))]

        def relu(X):
            return torch.max(X, torch.zeros_like(X))

        def net(X):
            H = X.reshape(-1, 784)
            for k in range(0, len(params) - 2, 2):
                H = relu(H @ params[k] + params[k + 1])
            return H @ params[-2] + params[-1]

        lr = 0.1
    elif args.exp == "concise":
        layers = [nn.Flatten()]
        for fan_in, fan_out in zip(widths, widths[1:]):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        net = nn.Sequential(*layers[:-1])

        def init_weights(m):
            if type(m) == nn.Linear:
                nn.init.normal_(m.weight, std=0.01)

        net.apply(init_weights)
        params = list(net.parameters())
        lr = 0.1
    else:
        def dropout_layer(X, dropout):
            assert 0 <= dropout <= 1
            if dropout == 1:
                return torch.zeros_like(X)
            if dropout == 0:
                return X
            mask = (torch.rand(X.shape) > dropout).float()
            return mask * X / (1.0 - dropout)

        class Net(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin1 = nn.Linear(784, 256)
                self.lin2 = nn.Linear(256, 256)
                self.lin3 = nn.Linear(256, 10)
                self.relu = nn.ReLU()

            def forward(self, X):
                H1 = self.relu(self.lin1(X.reshape((-1, 784))))
                if self.training:
                    H1 = dropout_layer(H1, 0.2)
                H2 = self.relu(self.lin2(H1))
                if self.training:
                    H2 = dropout_layer(H2, 0.5)
                return self.lin3(H2)

        net = Net()
        params = list(net.parameters())
        lr = 0.5

    loss = nn.CrossEntropyLoss(reduction="none")
    opt = torch.optim.SGD(params, lr=lr)
    train_mode = getattr(net, "train", lambda mode=True: None)

    if args.pipeline == "resident":
        Xtr = torch.from_numpy(tr_x.reshape(-1, 784).astype(np.float32) / 255)
        Ytr = torch.from_numpy(tr_y.astype(np.int64))
        Xte = torch.from_numpy(te_x.reshape(-1, 784).astype(np.float32) / 255)
        Yte = torch.from_numpy(te_y.astype(np.int64))

        def train_batches():
            perm = torch.randperm(len(Ytr))
            for i in range(0, len(perm), 256):
                idx = perm[i:i + 256]
                yield Xtr[idx], Ytr[idx]

        def test_batches():
            for i in range(0, len(Yte), 256):
                yield Xte[i:i + 256], Yte[i:i + 256]
    else:
        train_loader = torch.utils.data.DataLoader(ToTensorDataset(tr_x, tr_y), 256, shuffle=True, num_workers=4)
        test_loader = torch.utils.data.DataLoader(ToTensorDataset(te_x, te_y), 256, shuffle=False, num_workers=4)
        train_batches = lambda: iter(train_loader)
        test_batches = lambda: iter(test_loader)

    times, last = [], {}
    for epoch in range(args.epochs):
        start = time.perf_counter()
        total_loss = correct = n = 0.0
        train_mode(True)
        for X, y in train_batches():
            y_hat = net(X)
            l = loss(y_hat, y)
            opt.zero_grad()
            l.mean().backward()
            opt.step()
            total_loss += float(l.detach().sum())
            correct += float((y_hat.argmax(1) == y).sum())
            n += len(y)
        train_mode(False)
        with torch.no_grad():
            hits = total = 0
            for X, y in test_batches():
                hits += int((net(X).argmax(1) == y).sum())
                total += len(y)
        times.append(time.perf_counter() - start)
        last = {"train_loss": total_loss / n, "train_acc": correct / n, "test_acc": hits / total}
    print(json.dumps({"impl": "pytorch", "exp": args.exp, "torch": torch.__version__, "pipeline": args.pipeline,
                      "threads": args.threads, "seconds_per_epoch": times, **last}))


if __name__ == "__main__":
    main()
