#!/usr/bin/python3
"""PyTorch cross-check fixtures for `gradcheck check --claimed` (issue #13).

    /usr/bin/python3 scripts/crosscheck/torch_claims.py            # from the repository root
    /usr/bin/python3 scripts/crosscheck/torch_claims.py --seed 13 --cases 72 --mse-cases 8 \\
        --out cmd/gradcheck/testdata/torch                         # the same, spelled out

Needs Debian's torch (python3-torch, see ../shared/peers/README.md); CI has no
PyTorch, so the output is committed and cmd/gradcheck/crosscheck_test.go reads
it. The output is a function of --seed (numpy generators seeded per case,
torch on one thread, CPU float64); another BLAS library than the one named in
the manifest may change last bits of the claims, never a verdict.

What it writes, under --out (one directory per case, cNNN/ and mNN/):

    model.json    a model file with explicit weights (README "Model files")
    data.csv      the dataset: a header, then inputs and targets, Python repr
                  floats (exact float64)
    right.json    the loss and gradient of gradcheck's cost computed by torch
                  autograd in float64, in the claimed-gradient layout
                  {"loss": C, "layers": [{"weights": dC/dW [out][in],
                  "biases": dC/db}]} (README "Checking a gradient from
                  another implementation"); W[j][i] from input i to output j,
                  nn.Linear.weight's orientation, so nothing is transposed
    *.json        claims with one planted mistake each (below)
    manifest.json every fixture (schema below)

The cost is gradcheck's (backprop/doc.go): C = (1/B) sum_s e_s with the
squared error e = sum_k (yhat_k - y_k)^2 (no 1/2) or the softmax
cross-entropy e = -sum_k y_k log softmax(yhat)_k. Activations as the project
defines them: relu with f'(0) = 0 and leaky-relu (slope 0.01) with
f'(0) = 0.01 are PyTorch's own conventions at 0 (F.relu and
F.leaky_relu(z, 0.01) backward give 0 and 0.01 at z = 0, checked at start-up
by check_conventions); softplus is log(1 + e^z) by torch.logaddexp (not
F.softplus, which returns z above 20).

The cases. Case cNNN draws, from numpy's PCG64 seeded with (seed, NNN):
depth 1-4; widths 1-16, log-uniform (most small, some 16, to keep the
fixtures small); both losses; batch 1-16; activations from a mix in which
about three cases in four have a relu or leaky-relu layer; weights
N(0, gain²/fan_in) (gain √2 before a relu/leaky-relu), biases U(-0.2, 0.2);
inputs N(0, 1); targets N(0, 1) (squared error) or one-hot / Dirichlet
probabilities (cross-entropy). Then the near-kink placement: in each case
with a kinked layer, 1-3 (layer, unit, sample) triples get the
pre-activation z = W a + b of that unit for that sample placed at a distance
d from 0, d cycling over 0, 1e-3, 1e-4, ..., 1e-12, 0 across the cases (the
p-th placement of case k takes entry 5k + p mod 12), with a random sign. Layer by layer from the input (a placement in layer l moves
what layer l+1 reads): the unit's bias is solved, b = t - (W a) with a the
layer's input from torch's forward, and then corrected with torch's own
forward, b <- b + (t - z), until torch's z is t or stops moving. Float64
rounding of the solve means torch's z is t only to about an ulp of |W a|:
the manifest records z_torch, the z that torch's forward reaches (the value
every claim here was computed at), and z_exact, W a + b evaluated exactly in
rationals over the float64 a that torch computed and rounded once (what an
implementation summing in another order approaches). For d = 0 two ways
alternate: "bias" (torch's z is 0; another order of summation may give
±1e-17, so the point is exactly on the kink only in torch's arithmetic) and,
in layer 0, "dyadic" (the sample's inputs rounded to multiples of 1/8, the
unit's weights to multiples of 1/64, and b = -(W x) exactly: z is exactly 0
in every order of summation, a point exactly on the kink for every
implementation).

The fixtures of a case (file name: kind):

    right.json              right: the float64 claim. Verdict RIGHT (exit 0;
                            Undecided components allowed, no Fail).
    scaled-1e-0K.json       planted, K = 2..8: one component g_i (the same i
                            for the sweep; half the cases a component of the
                            placed unit's row or column, the others uniform)
                            moved away from 0 by r·max|g|, r = 10^-K:
                            g_i + sign(g_i)·r·‖g‖∞; for the largest component
                            that is g scaled by (1 + r). abs_error in the
                            manifest is the exact |planted − right|.
                            Verdict WRONG where the error exceeds the
                            component's stated detection floor.
    weights-sign.json       planted: one layer's whole weight block negated
                            (a layer whose weight block holds at least 1 % of
                            max|g|). Located at that layer's weights.
    dropped-derivative.json planted: layer l's activation derivative replaced
                            by 1 in the backward pass (a custom autograd
                            Function: the forward is bitwise the real one, so
                            the loss is right). By the chain rule layers <= l
                            are wrong and layers > l right: located at layer
                            l, the highest failing layer. l is drawn among the
                            non-identity layers where it changes layer l's
                            gradient by at least 1 % of max|g|.
    sum-over-batch.json     planted (B >= 2): e.sum() instead of e.mean():
                            loss and every group B times too large. Located at
                            the last layer.
    float32.json            float32: the same model run in float32 (weights,
                            inputs and targets cast, forward and backward in
                            float32), loss and gradient written as the float64
                            numbers they are. Verdict WRONG without
                            --claimed-precision float32, RIGHT (not WRONG)
                            with it.
    float32-1.01.json       float32-planted: float32.json with one component
                            of |g_i| >= 0.3·max|g| multiplied by 1.01. WRONG
                            with and without the flag, naming the component.

and the mNN cases, squared error with two outputs: right.json and
mse_loss.json, the gradient of F.mse_loss(yhat, y) (reduction='mean': a mean
over B·n_out entries, so loss and gradient are 1/n_out = 1/2 of gradcheck's).
Verdict WRONG; the likely cause must name F.mse_loss's mean over B·n_out, not
only "a 1/2".

manifest.json:

    {"generator": "...", "torch": "...", "numpy": "...", "seed": 13,
     "conventions": {...}, "counts": {kind: n},
     "cases": [{"name", "model", "data", "sizes", "activations", "loss",
                "batch", "params", "kinks": [KINK], "nearest_kink",
                "near_kinks"}],
     "fixtures": [{"name", "case", "model", "data", "claimed", "right",
                   "kind", "mistake", "precision", "verdict",
                   "verdict_float32", "planted", "cause", "why",
                   "nearest_kink", "kinks": [KINK]}]}

    KINK = {"layer", "unit", "sample", "activation", "target", "method"
            ("bias" | "dyadic"), "z_torch", "z_exact", "z_float32"}
    planted = {"components": [flat index], "where": [{"layer", "group",
               "row", "col"}], "r", "abs_error", "rel_to_component",
               "groups": [{"layer", "group", "max_abs_diff", "changed"}],
               "located": {"layer", "group" (null: either group)}}

- kind: right | planted | float32 | float32-planted | mse_loss; mistake:
  "" | scaled | weights-sign | dropped-derivative | sum-over-batch | x1.01 |
  mse_loss-mean.
- right: the claim the planted one was made from (right.json, or
  float32.json for float32-planted); a test diffs the two to know every
  component's planted error.
- verdict: RIGHT or WRONG, without flags; verdict_float32: with
  --claimed-precision float32 (float32 kinds only).
- flat index: layer by layer, the weights row by row, then the biases (the
  README's flat order).
- groups: the groups whose values differ from `right`, the largest |diff| and
  how many components changed.
- nearest_kink: the smallest |z_torch| over every relu/leaky-relu unit and
  sample of the case (null without such a layer); near_kinks: how many lie
  within 1e-6 of 0 (inside the reach of a central stencil of h = 6e-6·|a|).
- cause (mse_loss only): phrases of which the likely cause must contain one.
"""

import argparse
import csv
import io
import json
import math
import os
import sys
from fractions import Fraction

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEFAULT_OUT = os.path.join(ROOT, "cmd", "gradcheck", "testdata", "torch")

ACT = {
    "identity": lambda z: z,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": F.relu,
    "leaky-relu": lambda z: F.leaky_relu(z, 0.01),
    "softplus": lambda z: torch.logaddexp(z, torch.zeros_like(z)),
}
KINKED = ("relu", "leaky-relu")
# The distances of the placed pre-activations, cycled over the cases; 0
# twice (two ways of being exactly on the kink, see the module doc).
DISTANCES = [0.0] + [10.0 ** -k for k in range(3, 13)] + [0.0]
# The planted relative sizes of the scaled component, r·max|g|.
RS = [10.0 ** -k for k in range(2, 9)]
# Activation mixes (name, weight). A "kinked" case has at least one relu or
# leaky-relu layer; about three cases in four are kinked.
HIDDEN_KINKED = [("relu", 0.40), ("leaky-relu", 0.25), ("tanh", 0.12), ("sigmoid", 0.08),
                 ("softplus", 0.10), ("identity", 0.05)]
HIDDEN_SMOOTH = [("tanh", 0.35), ("sigmoid", 0.25), ("softplus", 0.25), ("identity", 0.15)]
OUT_SE = [("identity", 0.45), ("relu", 0.15), ("leaky-relu", 0.15), ("sigmoid", 0.10), ("tanh", 0.10),
          ("softplus", 0.05)]
OUT_CE = [("identity", 0.80), ("leaky-relu", 0.08), ("relu", 0.06), ("tanh", 0.06)]


class StraightThrough(torch.autograd.Function):
    """f(z) in the forward pass, bit for bit; derivative 1 in the backward
    pass: a dropped activation derivative."""

    @staticmethod
    def forward(ctx, z, act):
        return ACT[act](z)

    @staticmethod
    def backward(ctx, g):
        return g, None


def check_conventions():
    """PyTorch's derivatives at the kink are the project's
    (backprop/activation.go: the left piece's, 0 and LeakySlope)."""
    z = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    F.relu(z).sum().backward()
    assert z.grad.item() == 0.0, "relu'(0) = %r, the project's is 0" % z.grad.item()
    z.grad = None
    F.leaky_relu(z, 0.01).sum().backward()
    assert z.grad.item() == 0.01, "leaky_relu'(0) = %r, the project's is 0.01" % z.grad.item()
    return {"relu'(0)": 0.0, "leaky-relu'(0)": 0.01, "leaky-relu slope": 0.01,
            "softplus": "torch.logaddexp(z, 0)", "squared-error": "((yhat - y)**2).sum(1).mean()",
            "softmax-cross-entropy": "-(y * F.log_softmax(yhat, 1)).sum(1).mean()"}


def pick(rng, table):
    names = [n for n, _ in table]
    w = np.array([p for _, p in table])
    return names[rng.choice(len(names), p=w / w.sum())]


def width(rng, lo=1):
    """Log-uniform on lo..16."""
    while True:
        w = int(math.floor(16.0 ** rng.uniform(0, 1) + 0.5))
        if lo <= w <= 16:
            return w


class Net:
    """Plain float64 tensors: W[l] [out, in], b[l], activations, loss."""

    def __init__(self, sizes, acts, loss, ws, bs):
        self.sizes, self.acts, self.loss = sizes, acts, loss
        self.ws, self.bs = ws, bs

    def params(self, dtype=torch.float64):
        ps = []
        for w, b in zip(self.ws, self.bs):
            ps.append(torch.tensor(w, dtype=dtype, requires_grad=True))
            ps.append(torch.tensor(b, dtype=dtype, requires_grad=True))
        return ps

    def forward(self, ps, x, drop=None, zs=None):
        a = x
        for l, act in enumerate(self.acts):
            z = F.linear(a, ps[2 * l], ps[2 * l + 1])
            if zs is not None:
                zs.append(z.detach())
            a = StraightThrough.apply(z, act) if l == drop else ACT[act](z)
        return a

    def zs(self, x, dtype=torch.float64):
        """The pre-activations of every layer, torch's forward."""
        ps = self.params(dtype)
        out = []
        with torch.no_grad():
            self.forward(ps, x.to(dtype), zs=out)
        return out

    def inputs(self, x, l):
        """The input of layer l, torch's forward, float64."""
        ps = self.params()
        a = x
        with torch.no_grad():
            for k in range(l):
                a = ACT[self.acts[k]](F.linear(a, ps[2 * k], ps[2 * k + 1]))
        return a

    def errors(self, yhat, y):
        if self.loss == "squared-error":
            return ((yhat - y) ** 2).sum(1)
        return -(y * F.log_softmax(yhat, 1)).sum(1)

    def claim(self, x, y, dtype=torch.float64, drop=None, reduce="mean"):
        """Loss and per-layer gradient lists by torch autograd, computed in
        dtype and returned as Python floats (the dtype's values exactly)."""
        ps = self.params(dtype)
        yhat = self.forward(ps, x.to(dtype), drop=drop)
        if reduce == "mse_loss":
            c = F.mse_loss(yhat, y.to(dtype))  # reduction='mean': over B·n_out
        elif reduce == "sum":
            c = self.errors(yhat, y.to(dtype)).sum()
        else:
            c = self.errors(yhat, y.to(dtype)).mean()
        c.backward()
        layers = [{"weights": ps[2 * l].grad.tolist(), "biases": ps[2 * l + 1].grad.tolist()}
                  for l in range(len(self.acts))]
        return c.item(), layers


def flatten(layers):
    out = []
    for L in layers:
        for row in L["weights"]:
            out.extend(row)
        out.extend(L["biases"])
    return out


def unflatten(flat, like):
    out, k = [], 0
    for L in like:
        rows = []
        for row in L["weights"]:
            rows.append(flat[k:k + len(row)])
            k += len(row)
        b = flat[k:k + len(L["biases"])]
        k += len(L["biases"])
        out.append({"weights": rows, "biases": b})
    assert k == len(flat)
    return out


def layout(sizes):
    """flat index -> (layer, group, row, col), and the offsets of each group."""
    locs, groups = [], []
    for l, (i, o) in enumerate(zip(sizes, sizes[1:])):
        groups.append((l, "weights", len(locs), o * i))
        for r in range(o):
            for c in range(i):
                locs.append((l, "weights", r, c))
        groups.append((l, "biases", len(locs), o))
        for r in range(o):
            locs.append((l, "biases", r, 0))
    return locs, groups


def group_diffs(sizes, a, b):
    """The groups where flat gradients a and b differ."""
    _, groups = layout(sizes)
    out = []
    for l, g, off, n in groups:
        d = [abs(a[k] - b[k]) for k in range(off, off + n)]
        changed = sum(1 for k in range(off, off + n) if a[k] != b[k])
        if changed:
            out.append({"layer": l, "group": g, "max_abs_diff": max(d), "changed": changed})
    return out


def loc_name(loc):
    """numgrad's name of a component: layer 0 weight [1][2], layer 1 bias 3."""
    l, g, r, c = loc
    return "layer %d weight [%d][%d]" % (l, r, c) if g == "weights" else "layer %d bias %d" % (l, r)


def exact_z(w_row, b, a_row):
    s = Fraction(b)
    for wv, av in zip(w_row, a_row):
        s += Fraction(wv) * Fraction(av)
    return float(s)


def draw_case(rng, idx, n_out=None, loss=None):
    depth = int(rng.integers(1, 5))
    if loss is None:
        loss = "squared-error" if rng.uniform() < 0.5 else "softmax-cross-entropy"
    kinked = rng.uniform() < 0.75
    sizes = [width(rng)] + [width(rng) for _ in range(depth - 1)]
    if n_out is None:
        n_out = width(rng, 2 if loss == "softmax-cross-entropy" else 1)
    sizes.append(n_out)
    acts = [pick(rng, HIDDEN_KINKED if kinked else HIDDEN_SMOOTH) for _ in range(depth - 1)]
    acts.append(pick(rng, OUT_SE if loss == "squared-error" else OUT_CE))
    if not kinked:
        acts[-1] = "identity" if acts[-1] in KINKED else acts[-1]
    elif not any(a in KINKED for a in acts):
        l = int(rng.integers(0, depth))
        acts[l] = pick(rng, [("relu", 0.6), ("leaky-relu", 0.4)])
    B = int(rng.integers(1, 17))
    ws, bs = [], []
    for l, (i, o) in enumerate(zip(sizes, sizes[1:])):
        gain = math.sqrt(2.0) if acts[l] in KINKED else 1.0
        ws.append(rng.normal(0, gain / math.sqrt(i), (o, i)))
        bs.append(rng.uniform(-0.2, 0.2, o))
    x = rng.normal(0, 1, (B, sizes[0]))
    if loss == "squared-error":
        y = rng.normal(0, 1, (B, n_out))
    elif rng.uniform() < 0.5:
        y = np.eye(n_out)[rng.integers(0, n_out, B)]
    else:
        y = rng.dirichlet(np.ones(n_out), B)
    return sizes, acts, loss, ws, bs, x, y


def place_kinks(rng, idx, net, x, nplace):
    """Places nplace pre-activations near 0 (module doc); returns the
    placements, x possibly with a dyadic row."""
    kinked = [l for l, a in enumerate(net.acts) if a in KINKED]
    B = x.shape[0]
    slots = [(l, j) for l in kinked for j in range(net.sizes[l + 1])]
    chosen = [slots[k] for k in rng.permutation(len(slots))[:nplace]]
    chosen.sort()
    placements = []
    for p, (l, j) in enumerate(chosen):
        d = DISTANCES[(5 * idx + p) % len(DISTANCES)]  # 5 is prime to 12: every distance
        sign = 1.0 if rng.uniform() < 0.5 else -1.0
        t = sign * d
        s = int(rng.integers(0, B))
        method = "bias"
        if d == 0 and l == 0 and (idx + p) % 2 == 0:
            method = "dyadic"
            x[s] = np.clip(np.round(x[s] * 8) / 8, -4, 4)
            net.ws[0][j] = np.round(net.ws[0][j] * 64) / 64
            net.bs[0][j] = -float(sum(Fraction(float(w)) * Fraction(float(v)) for w, v in zip(net.ws[0][j], x[s])))
        else:
            a = net.inputs(torch.from_numpy(x), l)[s].numpy()
            net.bs[l][j] = t - float(np.dot(net.ws[l][j], a))
            for _ in range(8):
                z = net.zs(torch.from_numpy(x))[l][s, j].item()
                if z == t:
                    break
                nb = net.bs[l][j] + (t - z)
                if nb == net.bs[l][j]:
                    break
                net.bs[l][j] = nb
        placements.append({"layer": l, "unit": j, "sample": s, "activation": net.acts[l], "target": t,
                           "method": method})
    # Record where they ended, after every placement (a later one in a higher
    # layer does not move a lower one).
    xt = torch.from_numpy(x)
    zs64, zs32 = net.zs(xt), net.zs(xt, torch.float32)
    for pl in placements:
        l, j, s = pl["layer"], pl["unit"], pl["sample"]
        a = net.inputs(xt, l)[s].tolist()
        pl["z_torch"] = zs64[l][s, j].item()
        pl["z_exact"] = exact_z(net.ws[l][j].tolist(), float(net.bs[l][j]), a)
        pl["z_float32"] = zs32[l][s, j].item()
    return placements, zs64, zs32


def write_json(path, obj, indent=None):
    with open(path, "w") as f:
        if indent is None:
            json.dump(obj, f, separators=(",", ":"))
        else:
            json.dump(obj, f, indent=indent)
        f.write("\n")


def write_manifest(path, m):
    """JSON with one case or fixture a line: small, and a diff shows which
    fixture changed."""
    c = lambda v: json.dumps(v, separators=(",", ":"), ensure_ascii=False)
    with open(path, "w") as f:
        f.write("{\n")
        for k, v in m.items():
            if isinstance(v, list):
                f.write("%s:[\n%s\n]" % (c(k), ",\n".join(c(e) for e in v)))
            else:
                f.write("%s:%s" % (c(k), c(v)))
            f.write(",\n" if k != list(m)[-1] else "\n")
        f.write("}\n")


def write_case_files(d, net, x, y):
    os.makedirs(d, exist_ok=True)
    model = {"sizes": net.sizes, "activations": net.acts, "loss": net.loss, "seed": 0,
             "layers": [{"weights": w.tolist(), "biases": b.tolist()} for w, b in zip(net.ws, net.bs)]}
    write_json(os.path.join(d, "model.json"), model)
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["x%d" % (i + 1) for i in range(x.shape[1])] + ["y%d" % (k + 1) for k in range(y.shape[1])])
    for xs, ys in zip(x, y):
        out.writerow([repr(float(v)) for v in list(xs) + list(ys)])
    with open(os.path.join(d, "data.csv"), "w") as f:
        f.write(buf.getvalue())


def where(sizes, k):
    locs, _ = layout(sizes)
    l, g, r, c = locs[k]
    return {"layer": l, "group": g, "row": r, "col": c}


def make_case(args, rng, name, idx, out, mse=False):
    """Draws one case, writes its files; returns (case entry, fixtures)."""
    for attempt in range(200):
        sizes, acts, loss, ws, bs, x, y = draw_case(rng, idx, n_out=2 if mse else None,
                                                    loss="squared-error" if mse else None)
        net = Net(sizes, acts, loss, ws, bs)
        nplace = int(rng.integers(1, 4)) if any(a in KINKED for a in acts) else 0
        placements, zs64, zs32 = place_kinks(rng, idx, net, x, nplace)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)
        loss_v, layers = net.claim(xt, yt)
        g = flatten(layers)
        gmax = max(abs(v) for v in g)
        # A case whose gradient is mostly exact zeros (dead relu layers)
        # tests little: draw again.
        if gmax > 0 and sum(1 for v in g if v == 0) <= 0.5 * len(g) and math.isfinite(loss_v):
            break
    else:
        raise SystemExit(name + ": no usable draw")
    d = os.path.join(out, name)
    write_case_files(d, net, x, y)
    rel = lambda f: name + "/" + f
    kz = [(zs64[l].abs().min().item(), (zs64[l].abs() < 1e-6).sum().item())
          for l, a in enumerate(acts) if a in KINKED]
    nearest = min((m for m, _ in kz), default=None)
    near = sum(n for _, n in kz)
    flips = 0
    for l, a in enumerate(acts):
        if a in KINKED:
            flips += int(((zs64[l] > 0) != (zs32[l].double() > 0)).sum().item())
    case = {"name": name, "model": rel("model.json"), "data": rel("data.csv"), "sizes": sizes,
            "activations": acts, "loss": loss, "batch": int(x.shape[0]), "params": len(g),
            "kinks": placements, "nearest_kink": nearest, "near_kinks": near, "float32_piece_flips": flips}
    base = {"case": name, "model": case["model"], "data": case["data"], "nearest_kink": nearest,
            "kink_distances": [pl["z_torch"] for pl in placements]}
    fixtures = []

    def emit(fname, kind, claim, **kw):
        write_json(os.path.join(d, fname), {"loss": claim[0], "layers": claim[1]})
        f = dict(base, name=rel(fname[:-5]), claimed=rel(fname), kind=kind)
        f.update(kw)
        fixtures.append(f)

    emit("right.json", "right", (loss_v, layers), mistake="", precision="float64", verdict="RIGHT",
         why="torch autograd, float64")

    def planted(p_flat, ref_flat, components, located, **kw):
        """components: the planted ones of a one-component mistake; empty for
        a block-wide one, whose groups say what changed."""
        p = {"components": components, "where": [where(sizes, k) for k in components],
             "groups": group_diffs(sizes, p_flat, ref_flat), "located": located}
        p.update(kw)
        return p

    if mse:
        ml, mlayers = net.claim(xt, yt, reduce="mse_loss")
        mf = flatten(mlayers)
        emit("mse_loss.json", "mse_loss", (ml, mlayers), mistake="mse_loss-mean", precision="float64",
             verdict="WRONG", right=rel("right.json"),
             planted=planted(mf, g, [], {"layer": len(acts) - 1, "group": None}),
             cause=["B·n_out", "F.mse_loss"],
             why="F.mse_loss(yhat, y) (reduction='mean'): a mean over B·n_out = %d·2 entries; "
                 "loss and gradient are 1/2 of gradcheck's" % x.shape[0])
        return case, fixtures

    # Scaled: one component, swept over r.
    locs, groups = layout(sizes)
    near_set = []
    for pl in placements:
        l, j = pl["layer"], pl["unit"]
        for k, (ll, gg, r, c) in enumerate(locs):
            if (ll == l and r == j) or (ll == l + 1 and gg == "weights" and c == j):
                near_set.append(k)
    if near_set and idx % 2 == 0:
        i = int(near_set[rng.integers(0, len(near_set))])
        chose = "a component of a placed unit's row or column"
    else:
        i = int(rng.integers(0, len(g)))
        chose = "a component drawn uniformly"
    for r in RS:
        p = list(g)
        p[i] = g[i] + math.copysign(r * gmax, g[i] if g[i] != 0 else 1.0)
        emit("scaled-%.0e.json" % r, "planted", (loss_v, unflatten(p, layers)), mistake="scaled",
             precision="float64", verdict="WRONG", right=rel("right.json"),
             planted=planted(p, g, [i], {"layer": locs[i][0], "group": locs[i][1]}, r=r,
                             abs_error=abs(p[i] - g[i]),
                             rel_to_component=(abs(p[i] - g[i]) / abs(g[i])) if g[i] != 0 else None),
             why="%s (%s, %.6g) moved by r·max|g| = %.0e × %.3g = %.3g" % (
                 loc_name(locs[i]), chose, g[i], r, gmax, abs(p[i] - g[i])))

    # Weights sign: a layer whose weight block matters.
    cands = [(l, off, n) for l, gg, off, n in groups if gg == "weights" and
             max(abs(v) for v in g[off:off + n]) >= 1e-2 * gmax]
    l, off, n = cands[int(rng.integers(0, len(cands)))]
    p = list(g)
    for k in range(off, off + n):
        p[k] = -g[k]
    emit("weights-sign.json", "planted", (loss_v, unflatten(p, layers)), mistake="weights-sign",
         precision="float64", verdict="WRONG", right=rel("right.json"),
         planted=planted(p, g, [], {"layer": l, "group": "weights"}),
         why="layer %d's weight gradient block negated" % l)

    # Dropped activation derivative.
    cand = [l for l, a in enumerate(acts) if a != "identity"]
    for l in [cand[k] for k in rng.permutation(len(cand))]:
        dl, dlayers = net.claim(xt, yt, drop=l)
        assert dl == loss_v, (name, dl, loss_v)
        df = flatten(dlayers)
        lo = groups[2 * l][2]
        hi = groups[2 * l + 1][2] + groups[2 * l + 1][3]
        if max(abs(df[k] - g[k]) for k in range(lo, hi)) >= 1e-2 * gmax:
            emit("dropped-derivative.json", "planted", (dl, dlayers), mistake="dropped-derivative",
                 precision="float64", verdict="WRONG", right=rel("right.json"),
                 planted=planted(df, g, [], {"layer": l, "group": None}),
                 why="layer %d's %s derivative replaced by 1 in the backward pass; layers <= %d wrong" % (
                     l, acts[l], l))
            break
    else:
        print("%s: no layer where a dropped derivative shows; none planted" % name, file=sys.stderr)

    # Sum over the batch instead of the mean.
    B = x.shape[0]
    if B >= 2:
        sl, slayers = net.claim(xt, yt, reduce="sum")
        sf = flatten(slayers)
        emit("sum-over-batch.json", "planted", (sl, slayers), mistake="sum-over-batch", precision="float64",
             verdict="WRONG", right=rel("right.json"),
             planted=planted(sf, g, [], {"layer": len(acts) - 1, "group": None}),
             why="e.sum() instead of e.mean(): loss and gradient B = %d times too large" % B)

    # float32, and float32 with one component 1 % off.
    fl, flayers = net.claim(xt, yt, dtype=torch.float32)
    ff = flatten(flayers)
    emit("float32.json", "float32", (fl, flayers), mistake="", precision="float32", verdict="WRONG",
         verdict_float32="RIGHT", right=rel("right.json"),
         float32_piece_flips=flips,
         why="torch in float32 (weights, data cast); max |float32 - float64| = %.3g of max|g| %.3g" % (
             max(abs(a - b) for a, b in zip(ff, g)), gmax))
    big = [k for k in range(len(ff)) if abs(ff[k]) >= 0.3 * max(abs(v) for v in ff)]
    k = int(big[rng.integers(0, len(big))])
    p = list(ff)
    p[k] = ff[k] * 1.01
    emit("float32-1.01.json", "float32-planted", (fl, unflatten(p, flayers)), mistake="x1.01",
         precision="float32", verdict="WRONG", verdict_float32="WRONG", right=rel("float32.json"),
         planted=planted(p, ff, [k], {"layer": locs[k][0], "group": locs[k][1]}, abs_error=abs(p[k] - ff[k]),
                         rel_to_component=0.01),
         float32_piece_flips=flips,
         why="float32.json with %s (%.6g) multiplied by 1.01" % (loc_name(locs[k]), ff[k]))
    return case, fixtures


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--cases", type=int, default=72, help="right cases with planted mistakes (cNNN)")
    ap.add_argument("--mse-cases", type=int, default=8, help="two-output F.mse_loss cases (mNN)")
    ap.add_argument("--out", default=DEFAULT_OUT)
    args = ap.parse_args()
    torch.set_num_threads(1)
    conventions = check_conventions()
    os.makedirs(args.out, exist_ok=True)
    cases, fixtures = [], []
    for idx in range(args.cases):
        rng = np.random.default_rng([args.seed, idx])
        c, fs = make_case(args, rng, "c%03d" % idx, idx, args.out)
        cases.append(c)
        fixtures.extend(fs)
    for idx in range(args.mse_cases):
        rng = np.random.default_rng([args.seed, 1000 + idx])
        c, fs = make_case(args, rng, "m%02d" % idx, 1000 + idx, args.out, mse=True)
        cases.append(c)
        fixtures.extend(fs)
    counts = {}
    for f in fixtures:
        counts[f["kind"]] = counts.get(f["kind"], 0) + 1
    cmd = "scripts/crosscheck/torch_claims.py --seed %d --cases %d --mse-cases %d" % (
        args.seed, args.cases, args.mse_cases)
    write_manifest(os.path.join(args.out, "manifest.json"), {
        "generator": cmd, "torch": torch.__version__, "numpy": np.__version__,
        "blas": blas_name(), "seed": args.seed, "conventions": conventions, "counts": counts,
        "cases": cases, "fixtures": fixtures})
    total = 0
    for dp, _, fns in os.walk(args.out):
        total += sum(os.path.getsize(os.path.join(dp, f)) for f in fns)
    print("%d cases, %d fixtures %s, %.2f MB in %s" % (len(cases), len(fixtures), counts, total / 1e6, args.out))


def blas_name():
    """The BLAS library torch mapped (last bits of the claims depend on it)."""
    try:
        with open("/proc/self/maps") as f:
            libs = {os.path.basename(line.split()[-1]) for line in f if "blas" in line.lower()}
        return ", ".join(sorted(libs)) or "unknown"
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
