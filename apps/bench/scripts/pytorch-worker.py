"""PyTorch side of compare-peers.mjs (run by hand; not part of `pnpm bench`).

Builds the bench models in PyTorch with Keras conventions (batch-norm epsilon
1e-3, moving-average momentum 0.99, i.e. PyTorch momentum 0.01), channels-last,
and answers commands read line by line on stdin, one JSON line each on stdout:
  time <case> <runs>   -> {"ms": [...]}   (one entry per call, wall clock)
  export <case> <path> -> {"ok": true}    (the model as ONNX, for onnxruntime)
Cases: cnnTrain, cnnBnTrain, mlpTrain, cnnPredict<batch>.
"""
import json
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

threads = int(sys.argv[1])
torch.set_num_threads(threads)
torch.manual_seed(0)


def bn2d(c):
    return nn.BatchNorm2d(c, eps=1e-3, momentum=0.01)


def bn1d(c):
    return nn.BatchNorm1d(c, eps=1e-3, momentum=0.01)


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 3, padding=1, bias=False), bn2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1, bias=False), bn2d(64), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(7 * 7 * 64, 10))


def cnn_bn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1, bias=False), bn2d(16), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1, bias=False), bn2d(32), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(7 * 7 * 32, 128, bias=False), bn1d(128), nn.ReLU(), nn.Dropout(0.3),
        nn.Linear(128, 10))


def mlp():
    layers = []
    width = 784
    for _ in range(3):
        layers += [nn.Linear(width, 100, bias=False), bn1d(100), nn.Sigmoid()]
        width = 100
    return nn.Sequential(*layers, nn.Linear(100, 10))


def trainer(model, optimizer, x, y):
    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()
    return step


def make(case):
    if case.startswith('cnnPredict'):
        batch = int(case[len('cnnPredict'):])
        model = cnn().to(memory_format=torch.channels_last).eval()
        x = torch.rand(batch, 1, 28, 28).contiguous(memory_format=torch.channels_last)

        def predict():
            with torch.inference_mode():
                return F.softmax(model(x), dim=1)
        return predict, model, x
    if case == 'mlpTrain':
        model = mlp()
        x, y = torch.rand(60, 784), torch.randint(0, 10, (60,))
        return trainer(model, torch.optim.SGD(model.parameters(), lr=0.01), x, y), model, x
    batch = 64
    model = (cnn() if case == 'cnnTrain' else cnn_bn()).to(memory_format=torch.channels_last).train()
    x = torch.rand(batch, 1, 28, 28).contiguous(memory_format=torch.channels_last)
    y = torch.randint(0, 10, (batch,))
    if case == 'cnnTrain':
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=3e-3, eps=1e-7)
    return trainer(model, opt, x, y), model, x


cache = {}
for line in sys.stdin:
    parts = line.split()
    if not parts:
        continue
    if parts[0] == 'time':
        case, runs = parts[1], int(parts[2])
        if case not in cache:
            cache[case] = make(case)
            for _ in range(3):
                cache[case][0]()
        fn = cache[case][0]
        ms = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            ms.append((time.perf_counter() - t0) * 1000)
        print(json.dumps({'ms': ms}), flush=True)
    elif parts[0] == 'export':
        _, model, x = make(parts[1])
        model.eval()
        torch.onnx.export(model, x.contiguous(), parts[2], opset_version=13, input_names=['x'], output_names=['y'],
                          dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}})
        print(json.dumps({'ok': True}), flush=True)
    elif parts[0] == 'info':
        print(json.dumps({'torch': torch.__version__, 'threads': torch.get_num_threads(),
                          'config': torch.__config__.show().splitlines()[1:6]}), flush=True)
