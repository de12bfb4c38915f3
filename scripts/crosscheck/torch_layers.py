#!/usr/bin/python3
"""PyTorch fixtures for the worked examples of issue #15 (examples/).

    /usr/bin/python3 scripts/crosscheck/torch_layers.py            # from the repository root
    /usr/bin/python3 scripts/crosscheck/torch_layers.py --seed 15 --out examples/testdata/torch

Needs Debian's torch (python3-torch, see ../shared/peers/README.md); CI has no
PyTorch, so the output is committed and the examples' Go tests read it
(examples/internal/torchfix). The output is a function of --seed (numpy's
PCG64 seeded per example and case, torch on one thread, CPU float64).

What it writes, one JSON file per example, floats as Python's repr (exact
float64):

    layernorm.json  F.layer_norm over the last axis of x (3 x 5), gamma and
                    beta (5), eps 1e-5: args {x, gamma, beta}, a random
                    upstream gradient dy (3 x 5), y, and the VJP
                    {x, gamma, beta} = autograd.grad(<dy, y>, args)
    softmax.json    torch.softmax over the rows of x (2 x 4), one case with a
                    confident logit; args {x}, dy, y, vjp {x}
    conv1d.json     F.conv1d of x (2 x 7) with w (3 x 2 x 3) and b (3), stride
                    1, no padding (a cross-correlation, as the example
                    defines it): args {x, w, b}, dy (3 x 5), y, vjp
    attention.json  one head: Q = X Wq, K = X Wk, V = X Wv (X 3 x 5, W 5 x 4),
                    Y = softmax(Q K^T / 2) V: args {X, Wq, Wk, Wv}, dy, y, vjp
    hvp.json        gradcheck's cost (backprop/doc.go) of a [4, 6, 3] network,
                    tanh then identity, softmax cross-entropy with soft
                    targets, mean over 5 samples: theta in backprop's dense
                    layout (W1 [6][4] row-major, b1, W2 [3][6], b2), the data,
                    a direction v, the loss, the gradient and the Hessian-
                    vector product H v = autograd.grad(<grad, v>, theta)
                    (double backward)

Every array is flat, row-major, in the shapes above; the Go tests hold their
layout to these shapes.
"""
import argparse
import json
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
torch.set_default_dtype(torch.float64)


def rng_for(seed, example, case):
    return np.random.Generator(np.random.PCG64([seed, example, case]))


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def vjp_case(fn, args, out_shape, rng):
    """args: dict name -> numpy array; fn(**tensors) -> y."""
    ts = {k: torch.tensor(v, requires_grad=True) for k, v in args.items()}
    y = fn(**ts)
    dy = torch.tensor(rng.standard_normal(out_shape))
    grads = torch.autograd.grad((y * dy).sum(), list(ts.values()))
    return {
        "args": {k: flat(torch.tensor(v)) for k, v in args.items()},
        "dy": flat(dy),
        "y": flat(y),
        "vjp": {k: flat(g) for k, g in zip(ts.keys(), grads)},
    }


def layernorm(seed):
    cases = []
    for c in range(3):
        r = rng_for(seed, 1, c)
        args = {"x": r.standard_normal((3, 5)), "gamma": r.standard_normal(5), "beta": r.standard_normal(5)}
        cases.append(vjp_case(lambda x, gamma, beta: F.layer_norm(x, (5,), gamma, beta, eps=1e-5), args, (3, 5), r))
    return cases


def softmax(seed):
    cases = []
    for c in range(3):
        r = rng_for(seed, 2, c)
        x = 2 * r.standard_normal((2, 4))
        if c == 2:
            x[1, 1] += 25  # a confident row
        cases.append(vjp_case(lambda x: torch.softmax(x, dim=-1), {"x": x}, (2, 4), r))
    return cases


def conv1d(seed):
    cases = []
    for c in range(3):
        r = rng_for(seed, 3, c)
        args = {"x": r.standard_normal((2, 7)), "w": r.standard_normal((3, 2, 3)), "b": r.standard_normal(3)}
        cases.append(vjp_case(lambda x, w, b: F.conv1d(x[None], w, b)[0], args, (3, 5), r))
    return cases


def attention(seed):
    def head(X, Wq, Wk, Wv):
        Q, K, V = X @ Wq, X @ Wk, X @ Wv
        return torch.softmax(Q @ K.T / 2.0, dim=-1) @ V
    cases = []
    for c in range(3):
        r = rng_for(seed, 4, c)
        args = {k: 0.7 * r.standard_normal(s) for k, s in [("X", (3, 5)), ("Wq", (5, 4)), ("Wk", (5, 4)), ("Wv", (5, 4))]}
        cases.append(vjp_case(head, args, (3, 4), r))
    return cases


def hvp(seed):
    sizes = [4, 6, 3]
    cases = []
    for c in range(3):
        r = rng_for(seed, 5, c)
        W1 = r.standard_normal((6, 4)) / 2
        b1 = 0.2 * r.standard_normal(6)
        W2 = r.standard_normal((3, 6)) / 2.5
        b2 = 0.2 * r.standard_normal(3)
        theta = torch.tensor(np.concatenate([W1.ravel(), b1, W2.ravel(), b2]), requires_grad=True)
        X = r.standard_normal((5, 4))
        Y = r.dirichlet(np.ones(3), size=5)
        v = torch.tensor(r.standard_normal(theta.numel()))
        Xt, Yt = torch.tensor(X), torch.tensor(Y)

        def cost(th):
            w1 = th[:24].reshape(6, 4)
            c1 = th[24:30]
            w2 = th[30:48].reshape(3, 6)
            c2 = th[48:51]
            z2 = torch.tanh(Xt @ w1.T + c1) @ w2.T + c2
            return -(Yt * torch.log_softmax(z2, dim=-1)).sum(dim=-1).mean()

        loss = cost(theta)
        (g,) = torch.autograd.grad(loss, theta, create_graph=True)
        (hv,) = torch.autograd.grad((g * v).sum(), theta)
        cases.append({"sizes": sizes, "activations": ["tanh", "identity"], "loss_name": "softmax-cross-entropy",
                      "theta": flat(theta), "x": flat(Xt), "y": flat(Yt), "v": flat(v),
                      "loss": float(loss), "grad": flat(g), "hv": flat(hv)})
    return cases


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--out", default="examples/testdata/torch")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for name, gen in [("layernorm", layernorm), ("softmax", softmax), ("conv1d", conv1d), ("attention", attention), ("hvp", hvp)]:
        doc = {"example": name, "torch": torch.__version__, "seed": a.seed, "cases": gen(a.seed)}
        path = os.path.join(a.out, name + ".json")
        with open(path, "w") as f:
            json.dump(doc, f, indent=1)
            f.write("\n")
        print("wrote", path, file=sys.stderr)


if __name__ == "__main__":
    main()
