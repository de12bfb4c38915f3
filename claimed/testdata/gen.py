#!/usr/bin/python3
"""Generate the claimed-gradient fixtures of package claimed with PyTorch.

    /usr/bin/python3 claimed/testdata/gen.py    # from the repository root

An implementation independent of gradcheck's Go code (torch autograd in
float64) computes, for each network below, the gradient of gradcheck's cost
(README, "Checking a gradient from another implementation"):

    squared error:          C = mean_s sum_k (yhat_sk - y_sk)^2      (no 1/2)
    softmax cross-entropy:  C = mean_s -sum_k y_sk log softmax(yhat_s)_k

and writes, per network NAME under claimed/testdata/NAME/:

    model.json   the model file, with explicit weights
    data.csv     the dataset (inputs, then targets; a header line)
    grad.json    {"loss": C, "layers": [{"weights": dC/dW, "biases": dC/db}]}
    *.json       copies with one planted mistake each (see PLANTED)

and claimed/testdata/fixtures.json, the manifest the Go tests read: for each
planted copy, the layer and group where the check must locate the mistake
and a phrase its likely cause must contain. Floats are written with
Python's repr, the shortest decimal that reads back to the same float64, so
the Go tests see exactly the values torch computed. The output is the same
bits on every run (seeded numpy generators, deterministic CPU float64 ops).
"""

import csv
import io
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))

# Activations as PyTorch users write them. Softplus is log(1 + e^z) without
# F.softplus's threshold (which returns z itself for z > 20); the fixtures
# keep |z| < 20 anyway.
ACT = {
    "identity": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky-relu": lambda z: F.leaky_relu(z, 0.01),
    "softplus": lambda z: torch.logaddexp(z, torch.zeros_like(z)),
}
KINKED = ("relu", "leaky-relu")

# The networks: together every activation and both losses, each with a
# square layer to transpose where it has more than one layer.
NETWORKS = [
    dict(name="sigmoid-tanh-se", sizes=[3, 4, 4, 2], acts=["sigmoid", "tanh", "identity"],
         loss="squared-error", samples=8, seed=1,
         planted=[("scaled", 2), ("transposed", 1), ("dropped-derivative", 1), ("bias-sign", 0), ("half-loss", None)]),
    dict(name="relu-leaky-sigmoid-se", sizes=[4, 5, 5, 3], acts=["relu", "leaky-relu", "sigmoid"],
         loss="squared-error", samples=10, seed=2,
         planted=[("scaled", 0), ("transposed", 1), ("dropped-derivative", 2), ("bias-sign", 1), ("mse-mean", None)]),
    dict(name="softplus-relu-ce", sizes=[4, 6, 6, 3], acts=["softplus", "relu", "identity"],
         loss="softmax-cross-entropy", targets="one-hot", samples=12, seed=3,
         planted=[("scaled", 1), ("transposed", 1), ("dropped-derivative", 0), ("bias-sign", 2)]),
    dict(name="leaky-tanh-ce-soft", sizes=[3, 5, 5, 4], acts=["leaky-relu", "tanh", "identity"],
         loss="softmax-cross-entropy", targets="soft", samples=9, seed=4,
         planted=[("scaled", 2), ("transposed", 1), ("dropped-derivative", 0), ("bias-sign", 0)]),
    dict(name="deep-tanh-softplus-se", sizes=[2, 3, 3, 3, 2], acts=["tanh", "softplus", "sigmoid", "identity"],
         loss="squared-error", samples=5, seed=5,
         planted=[("scaled", 3), ("transposed", 2), ("dropped-derivative", 1), ("bias-sign", 2)]),
    dict(name="linear-se", sizes=[2, 1], acts=["identity"],
         loss="squared-error", samples=6, seed=6,
         planted=[("scaled", 0), ("bias-sign", 0)]),
]


def forward(linears, acts, x, drop=None):
    """The network's output; drop=l keeps layer l's activation in the forward
    pass but gives it derivative 1 in the backward pass (straight through):
    the dropped activation derivative, made by autograd itself."""
    a = x
    for l, (lin, act) in enumerate(zip(linears, acts)):
        z = lin(a)
        a = ACT[act](z)
        if l == drop:
            a = z + (a - z).detach()
    return a


def cost(loss, yhat, y):
    if loss == "squared-error":
        return ((yhat - y) ** 2).sum(1).mean()
    return -(y * F.log_softmax(yhat, 1)).sum(1).mean()


def gradient(net, x, y, drop=None, mse_mean=False):
    """Loss and per-layer gradient lists, by torch autograd."""
    for lin in net["linears"]:
        lin.zero_grad()
    yhat = forward(net["linears"], net["acts"], x, drop)
    if mse_mean:
        # The common PyTorch mistake: F.mse_loss's mean over B·n_out.
        c = F.mse_loss(yhat, y)
    else:
        c = cost(net["loss"], yhat, y)
    c.backward()
    layers = [{"weights": lin.weight.grad.tolist(), "biases": lin.bias.grad.tolist()} for lin in net["linears"]]
    return c.item(), layers


def build(spec):
    rng = np.random.default_rng(spec["seed"])
    sizes, acts = spec["sizes"], spec["acts"]
    # Draw weights and data until every ReLU and leaky-ReLU pre-activation
    # is at least 0.05 away from its kink and some are negative: no stencil
    # of the checker straddles a kink, and a dropped derivative shows.
    for _ in range(1000):
        ws = [rng.uniform(-1, 1, (o, i)) * np.sqrt(3.0 / i) for i, o in zip(sizes, sizes[1:])]
        bs = [rng.uniform(-0.5, 0.5, o) for o in sizes[1:]]
        x = rng.normal(0, 1, (spec["samples"], sizes[0]))
        if spec["loss"] == "squared-error":
            y = rng.normal(0, 1, (spec["samples"], sizes[-1]))
        elif spec["targets"] == "one-hot":
            y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], spec["samples"])]
        else:
            y = rng.dirichlet(np.ones(sizes[-1]), spec["samples"])
        a, ok = x, True
        for w, b, act in zip(ws, bs, acts):
            z = a @ w.T + b
            if np.abs(z).max() >= 20:
                ok = False
            if act in KINKED and (np.abs(z).min() < 0.05 or (z < 0).sum() == 0):
                ok = False
            a = ACT[act](torch.from_numpy(z)).numpy()
        if ok:
            break
    else:
        raise SystemExit(spec["name"] + ": no draw keeps the pre-activations off the kinks")
    linears = []
    for w, b in zip(ws, bs):
        lin = torch.nn.Linear(w.shape[1], w.shape[0])  # weight [out, in], like gradcheck's
        with torch.no_grad():
            lin.weight.copy_(torch.from_numpy(w))
            lin.bias.copy_(torch.from_numpy(b))
        linears.append(lin)
    return dict(linears=linears, acts=acts, loss=spec["loss"]), ws, bs, x, y


def transpose(rows):
    return [list(col) for col in zip(*rows)]


def write_json(path, obj):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def main():
    manifest = []
    for spec in NETWORKS:
        name = spec["name"]
        net, ws, bs, x, y = build(spec)
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)
        d = os.path.join(HERE, name)
        os.makedirs(d, exist_ok=True)
        model = {"sizes": spec["sizes"], "activations": spec["acts"], "loss": spec["loss"], "seed": 0,
                 "layers": [{"weights": w.tolist(), "biases": b.tolist()} for w, b in zip(ws, bs)]}
        write_json(os.path.join(d, "model.json"), model)
        buf = io.StringIO()
        out = csv.writer(buf, lineterminator="\n")
        out.writerow(["x%d" % (i + 1) for i in range(x.shape[1])] + ["y%d" % (k + 1) for k in range(y.shape[1])])
        for xs, ys in zip(x, y):
            out.writerow([repr(float(v)) for v in list(xs) + list(ys)])
        with open(os.path.join(d, "data.csv"), "w") as f:
            f.write(buf.getvalue())

        loss, layers = gradient(net, tx, ty)
        if spec["loss"] == "softmax-cross-entropy":
            # The README's equivalence: F.cross_entropy with probability
            # targets is the same cost (mean over samples).
            other = F.cross_entropy(forward(net["linears"], net["acts"], tx), ty).item()
            assert abs(other - loss) <= 1e-14 * max(1, abs(loss)), (name, other, loss)
        write_json(os.path.join(d, "grad.json"), {"loss": loss, "layers": layers})
        entry = {"name": name, "model": name + "/model.json", "data": name + "/data.csv",
                 "grad": name + "/grad.json", "loss": spec["loss"], "activations": spec["acts"], "planted": []}

        for kind, l in spec["planted"]:
            p_loss, p_layers = loss, json.loads(json.dumps(layers))
            want = {"kind": kind, "file": "%s/%s.json" % (name, kind)}
            if kind == "scaled":
                # One layer's gradient doubled, weights and biases.
                p_layers[l]["weights"] = [[2 * v for v in row] for row in p_layers[l]["weights"]]
                p_layers[l]["biases"] = [2 * v for v in p_layers[l]["biases"]]
                want.update(layer=l, group="weights", cause="factor 2 too many", why="layer %d's gradient times 2" % l)
            elif kind == "transposed":
                w = p_layers[l]["weights"]
                assert len(w) == len(w[0]), "transposed needs a square layer"
                p_layers[l]["weights"] = transpose(w)
                want.update(layer=l, group="weights", cause="transpose", why="layer %d's weight gradient transposed" % l)
            elif kind == "dropped-derivative":
                p_loss, p_layers = gradient(net, tx, ty, drop=l)
                assert p_loss == loss
                cause = "output activation's derivative" if l == len(spec["acts"]) - 1 else "missing or wrong activation derivative"
                want.update(layer=l, group="weights", cause=cause,
                            why="layer %d's %s derivative dropped in the backward pass" % (l, spec["acts"][l]))
            elif kind == "bias-sign":
                b = p_layers[l]["biases"]
                j = max(range(len(b)), key=lambda j: abs(b[j]))
                b[j] = -b[j]
                want.update(layer=l, group="biases", cause="sign flip", why="the sign of layer %d's bias %d flipped" % (l, j))
            elif kind == "mse-mean":
                p_loss, p_layers = gradient(net, tx, ty, mse_mean=True)
                want.update(layer=len(spec["acts"]) - 1, group="weights", cause="F.mse_loss",
                            why="F.mse_loss's mean over B·n_out: loss and gradient divided by n_out = %d" % spec["sizes"][-1])
            elif kind == "half-loss":
                p_loss = loss / 2
                want.update(layer=None, group=None, cause="no ½", why="the gradient is right, the loss has a ½")
            else:
                raise SystemExit("unknown planted mistake " + kind)
            write_json(os.path.join(HERE, want["file"]), {"loss": p_loss, "layers": p_layers})
            entry["planted"].append(want)
        manifest.append(entry)
    write_json(os.path.join(HERE, "fixtures.json"), {
        "generator": "claimed/testdata/gen.py (torch %s, numpy %s, float64)" % (torch.__version__, np.__version__),
        "fixtures": manifest})


if __name__ == "__main__":
    main()
