#!/usr/bin/env python3
"""PyTorch on CPU as a contender of @batchwise/bench, driven as a child process.

The bench starts one child per thread count (OMP_NUM_THREADS, MKL_NUM_THREADS
and BATCHWISE_BENCH_THREADS set by the parent) and talks JSON lines: one
request per line on stdin, one reply per line on stdout; long requests
(`fit`, `memory`) send {"id", "event", ...} lines before their reply. Arrays
travel in a binary file written by the parent (see read_arrays): an 8-byte
little-endian header length, a JSON header, then the raw little-endian data.

Models are built from the bench's own layer list (src/models/specs.ts), with
Keras conventions: NHWC weights converted to PyTorch's layouts, batch norm
with momentum 0.01 (Keras 0.99) and epsilon 1e-3. PyTorch's forward pass
normalizes with the biased batch variance as Keras does; its running variance
is updated with the unbiased one, which nothing here can change.

Nothing here is imported by the tests of the package: the bench's tests run
it as the bench does.
"""
import json
import math
import os
import resource
import struct
import sys
import time


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def read_arrays(torch, path):
    """Arrays by name from the parent's binary file, as torch tensors (float32, or int32 for labels)."""
    with open(path, "rb") as f:
        blob = bytearray(f.read())
    (header_len,) = struct.unpack_from("<Q", blob, 0)
    header = json.loads(blob[8 : 8 + header_len].decode("utf-8"))
    base = 8 + header_len
    out = {}
    for name, a in header["arrays"].items():
        dtype = {"float32": torch.float32, "int32": torch.int32}[a["dtype"]]
        count = a["length"]
        t = torch.frombuffer(blob, dtype=dtype, count=count, offset=base + a["offset"]) if count > 0 else torch.zeros(0, dtype=dtype)
        out[name] = t.reshape(a["shape"])
    return out


def now_ms():
    return time.perf_counter() * 1000.0


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Model:
    """A model of the bench's layer list, its optimizer and its weight loader."""

    def __init__(self, torch, spec, layout):
        nn = torch.nn
        self.torch = torch
        self.spec = spec
        self.layout = layout
        shape = list(spec["inputShape"])  # NHWC without the batch axis, or [features]
        mods = []
        # Per weighted layer: (module, kind, the (h, w, c) a dense layer's input was flattened from).
        self.weighted = []
        flattened = None
        for layer in spec["layers"]:
            t = layer["type"]
            if t == "conv2d":
                k = layer["kernelSize"]
                conv = nn.Conv2d(shape[2], layer["filters"], k, padding="same", bias=layer["useBias"])
                mods.append(conv)
                self.weighted.append((conv, "conv2d", None))
                shape = [shape[0], shape[1], layer["filters"]]
            elif t == "batchNormalization":
                bn = (nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d)(shape[-1], eps=1e-3, momentum=0.01)
                mods.append(bn)
                self.weighted.append((bn, "batchNormalization", None))
            elif t == "activation":
                mods.append({"relu": nn.ReLU, "sigmoid": nn.Sigmoid}[layer["activation"]]())
            elif t == "maxPooling2d":
                p = layer["poolSize"]
                mods.append(nn.MaxPool2d(p))
                shape = [shape[0] // p, shape[1] // p, shape[2]]
            elif t == "flatten":
                mods.append(nn.Flatten())
                # Keras flattens NHWC rows in (h, w, c) order, PyTorch in (c, h, w): the next
                # dense kernel's rows are permuted once when its weights are loaded.
                flattened = list(shape)
                shape = [shape[0] * shape[1] * shape[2]]
            elif t == "dense":
                dense = nn.Linear(shape[0], layer["units"], bias=layer["useBias"])
                mods.append(dense)
                self.weighted.append((dense, "dense", flattened))
                flattened = None
                shape = [layer["units"]]
                # A final softmax is folded into the loss (cross_entropy on logits) and applied in predict.
            elif t == "dropout":
                mods.append(nn.Dropout(layer["rate"]))
            else:
                raise ValueError(f"unknown layer type {t}")
        self.net = nn.Sequential(*mods)
        self.images = len(spec["inputShape"]) == 3
        if self.images and layout == "channels-last":
            self.net = self.net.to(memory_format=torch.channels_last)
        opt = spec["optimizer"]
        params = self.net.parameters()
        if opt["name"] == "sgd":
            self.optimizer = torch.optim.SGD(params, lr=opt["learningRate"])
        else:
            # Keras' Adam epsilon (1e-7); PyTorch adds it to sqrt(v_hat), Keras to sqrt(v): a difference only for |g| near 1e-7.
            self.optimizer = torch.optim.Adam(params, lr=opt["learningRate"], betas=(0.9, 0.999), eps=1e-7)

    def input(self, x):
        """The parent's NHWC batch as this layout wants it: a permuted view of NHWC is already channels-last."""
        if not self.images:
            return x.reshape(x.shape[0], -1)
        nchw = x.permute(0, 3, 1, 2)
        return nchw if self.layout == "channels-last" else nchw.contiguous()

    def load(self, arrays, prefix, trainable_only=False):
        """Loads Keras-layout weights named <prefix><i>.<name>, i over weighted layers."""
        torch = self.torch
        with torch.no_grad():
            for i, (mod, kind, hwc) in enumerate(self.weighted):
                get = lambda name: arrays[f"{prefix}{i}.{name}"]
                if kind == "conv2d":
                    w = get("kernel").permute(3, 2, 0, 1)  # HWIO -> OIHW
                    mod.weight.copy_(w)
                    if mod.bias is not None:
                        mod.bias.copy_(get("bias"))
                elif kind == "dense":
                    w = get("kernel")  # [in, out]
                    if hwc is not None:
                        h, wd, c = hwc
                        w = w.reshape(h, wd, c, -1).permute(2, 0, 1, 3).reshape(h * wd * c, -1)
                    mod.weight.copy_(w.t())
                    if mod.bias is not None:
                        mod.bias.copy_(get("bias"))
                else:
                    mod.weight.copy_(get("gamma"))
                    mod.bias.copy_(get("beta"))
                    if not trainable_only:
                        mod.running_mean.copy_(get("moving_mean"))
                        mod.running_var.copy_(get("moving_variance"))

    def weight_diff(self, arrays, prefix):
        """Largest |difference| between the trainable weights and Keras-layout arrays."""
        other = Model(self.torch, self.spec, self.layout)
        other.load(arrays, prefix, trainable_only=True)
        worst = 0.0
        for a, b in zip(self.net.parameters(), other.net.parameters()):
            worst = max(worst, (a - b).abs().max().item())
        return worst

    def train_step(self, x, labels):
        F = self.torch.nn.functional
        self.optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(self.net(x), labels)
        loss.backward()
        self.optimizer.step()
        return loss.item()

    def predict(self, x):
        with self.torch.inference_mode():
            return self.torch.softmax(self.net(x), dim=1)


def labels_of(torch, y):
    return y.argmax(dim=1).to(torch.int64)


class Child:
    def __init__(self, torch, threads):
        self.torch = torch
        self.threads = threads
        self.handles = {}
        self.next_handle = 1

    def hello(self):
        torch = self.torch
        return {
            "ready": True,
            "torch": torch.__version__,
            "python": sys.version.split()[0],
            "threads": torch.get_num_threads(),
            "interopThreads": torch.get_num_interop_threads(),
            "mkldnn": bool(torch.backends.mkldnn.is_available()),
            "config": torch.__config__.show(),
            "parallel": torch.__config__.parallel_info(),
        }

    def check(self, spec, layout, a):
        """The model against batchwise on the same weights: eval predictions, and (SGD) one training step."""
        torch = self.torch
        out = {}
        m = Model(torch, spec, layout)
        m.load(a, "after.")
        m.net.eval()
        p = m.predict(m.input(a["checkX"]))
        out["predictDiff"] = (p - a["after.predict"].reshape(p.shape)).abs().max().item()
        if spec["optimizer"]["name"] == "sgd":
            m = Model(torch, spec, layout)
            m.load(a, "before.")
            m.net.train()
            loss = m.train_step(m.input(a["checkX"]), labels_of(torch, a["checkY"]))
            ref = a["before.loss"].item()
            out["lossDiff"] = abs(loss - ref) / max(abs(ref), 1e-12)
            out["weightDiff"] = m.weight_diff(a, "after.")
        return out

    def op_prepare(self, req):
        torch = self.torch
        a = read_arrays(torch, req["data"])
        spec, layout, mode = req["spec"], req["layout"], req["mode"]
        checked = self.check(spec, layout, a) if "checkX" in a else None
        m = Model(torch, spec, layout)
        m.load(a, "after.")
        x = m.input(a["x"].clone())
        if mode == "train":
            m.net.train()
            labels = labels_of(torch, a["y"])
            run = lambda: m.train_step(x, labels)
        else:
            m.net.eval()
            run = lambda: m.predict(x)
        run()  # the first call fails here rather than while timed
        h = self.next_handle
        self.next_handle += 1
        self.handles[h] = run
        return {"handle": h, "check": checked}

    def op_time(self, req):
        """Timed back-to-back calls after the bench's lead-in (src/measure.ts), both inside this process: mean ms per call."""
        run = self.handles[req["handle"]]
        lead = req.get("leadIn")
        begin = now_ms()
        calls = 0
        while lead is not None:
            elapsed = now_ms() - begin
            if elapsed >= lead["leadInMs"] or (elapsed >= lead["leadInMinMs"] and calls >= lead["leadInCalls"]):
                break
            run()
            calls += 1
        count = max(1, int(req.get("calls", 1)))
        start = now_ms()
        for _ in range(count):
            run()
        return {"ms": (now_ms() - start) / count}

    def op_release(self, req):
        self.handles.pop(req["handle"], None)
        return {}

    def evaluate(self, m, x, labels, batch):
        torch = self.torch
        m.net.eval()
        correct = 0
        with torch.inference_mode():
            for i in range(0, x.shape[0], batch):
                logits = m.net(m.input(x[i : i + batch]))
                correct += (logits.argmax(dim=1) == labels[i : i + batch]).sum().item()
        m.net.train()
        return correct / x.shape[0]

    def op_fit(self, req):
        """Trains until the test accuracy reaches the target (or the epochs run out); evaluation is not timed."""
        torch = self.torch
        a = read_arrays(torch, req["data"])
        spec, layout = req["spec"], req["layout"]
        m = Model(torch, spec, layout)
        m.load(a, "before.")
        m.net.train()
        x, labels = a["trainX"], a["trainLabels"].to(torch.int64)
        tx, tlabels = a["testX"], a["testLabels"].to(torch.int64)
        n, batch = x.shape[0], req["batchSize"]
        steps_per_epoch = math.ceil(n / batch)
        g = torch.Generator().manual_seed(req["seed"])
        lr0, decay = spec["optimizer"]["learningRate"], req["lrDecay"]
        trained_ms = 0.0
        step = 0
        evals = []
        for epoch in range(req["maxEpochs"]):
            for group in m.optimizer.param_groups:
                group["lr"] = lr0 * decay**epoch  # exponential decay per epoch, as fit's learningRateScheduler
            order = torch.randperm(n, generator=g)
            start = now_ms()
            for b in range(steps_per_epoch):
                idx = order[b * batch : (b + 1) * batch]
                m.train_step(m.input(x[idx]), labels[idx])
                step += 1
                if step % req["evalEvery"] == 0 or b == steps_per_epoch - 1:
                    trained_ms += now_ms() - start
                    e0 = now_ms()
                    acc = self.evaluate(m, tx, tlabels, req["evalBatchSize"])
                    ev = {"step": step, "epoch": step / steps_per_epoch, "seconds": trained_ms / 1000, "accuracy": acc, "evalSeconds": (now_ms() - e0) / 1000}
                    evals.append(ev)
                    reply({"id": req["id"], "event": "eval", **ev})
                    if req["stopAtTarget"] and acc >= req["target"]:
                        return {"evals": evals}
                    start = now_ms()
        return {"evals": evals}

    def op_memory(self, req):
        """Resident memory over one training epoch: before it, its peak (sampled every step and the kernel's maximum)."""
        torch = self.torch
        a = read_arrays(torch, req["data"])
        m = Model(torch, req["spec"], req["layout"])
        m.load(a, "before.")
        m.net.train()
        x, labels = a["trainX"], a["trainLabels"].to(torch.int64)
        batch = req["batchSize"]
        before = rss_bytes()
        peak = before
        steps = 0
        for i in range(0, x.shape[0], batch):
            m.train_step(m.input(x[i : i + batch]), labels[i : i + batch])
            peak = max(peak, rss_bytes())
            steps += 1
        max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
        return {"rssBefore": before, "rssPeakSampled": peak, "maxRss": max_rss, "rssAfter": rss_bytes(), "steps": steps}


def main():
    threads = int(os.environ.get("BATCHWISE_BENCH_THREADS", "1"))
    try:
        import torch
    except Exception as e:  # reported as the contender's one-line reason
        reply({"ready": False, "error": f"{type(e).__name__}: {e}"})
        return
    # Inter-op threads first: PyTorch refuses to change them after any parallel work.
    torch.set_num_interop_threads(1)
    torch.set_num_threads(threads)
    child = Child(torch, threads)
    reply(child.hello())
    ops = {"prepare": child.op_prepare, "time": child.op_time, "release": child.op_release, "fit": child.op_fit, "memory": child.op_memory}
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        try:
            op = ops.get(req.get("op"))
            if op is None:
                raise ValueError(f"op must be one of {', '.join(ops)}, received {req.get('op')!r}")
            result = op(req)
            reply({"id": req["id"], "ok": True, **result})
        except Exception as e:
            reply({"id": req.get("id"), "ok": False, "error": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main()
