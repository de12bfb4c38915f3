# GPU peer baseline: PyTorch MLP gradient and SGD step on the lent GPU, and gradcheck's cost there.
# Run on the device machine: python3 scripts/peers/torch_gpu.py [--no-gradcheck]
# Copied from ../shared/peers/torch_gpu.py (the project's peer-baseline scripts) so that it
# travels with the repository to the GPU machine, which receives only the repository.
# One change: --no-gradcheck skips the closing torch.autograd.gradcheck timings (minutes of
# GPU time the step table does not use). Keep the rest in step with the original.
import time, torch, json, sys
torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = torch.device("cuda")
print("# torch", torch.__version__, torch.cuda.get_device_name(0))

def mlp(sizes, dtype):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i+1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.Sigmoid())
    return torch.nn.Sequential(*layers).to(dev, dtype)

def timeit(fn, reps):
    for _ in range(5): fn()
    torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        s = torch.cuda.Event(enable_timing=True); e = torch.cuda.Event(enable_timing=True)
        s.record(); fn(); e.record(); torch.cuda.synchronize()
        ts.append(s.elapsed_time(e) * 1e3)
    ts.sort(); return ts[len(ts)//2]

rows = []
for name, sizes in [("small",[64,64,64,1]),("mnist",[784,256,256,10]),("big",[1024,1024,1024,1024]),("huge",[4096,4096,4096,4096])]:
    for dtype in (torch.float32, torch.float64):
        for batch in (16, 256, 4096):
            torch.manual_seed(0)
            m = mlp(sizes, dtype)
            x = torch.randn(batch, sizes[0], device=dev, dtype=dtype)
            y = torch.randn(batch, sizes[-1], device=dev, dtype=dtype)
            opt = torch.optim.SGD(m.parameters(), lr=1e-3)
            def fwd():
                with torch.no_grad(): return ((m(x)-y)**2).sum(1).mean()
            def fb():
                m.zero_grad(set_to_none=False); l = ((m(x)-y)**2).sum(1).mean(); l.backward()
            def step():
                opt.zero_grad(set_to_none=False); l = ((m(x)-y)**2).sum(1).mean(); l.backward(); opt.step()
            reps = 50
            tf, tfb, ts = timeit(fwd, reps), timeit(fb, reps), timeit(step, reps)
            P = sum(p.numel() for p in m.parameters())
            flops = 2*batch*sum(sizes[i]*sizes[i+1] for i in range(len(sizes)-1))
            r = dict(size=name, dtype=str(dtype).split('.')[-1], batch=batch, params=P, fwd_us=tf, fwdbwd_us=tfb, step_us=ts,
                     fwd_tflops=flops/tf/1e6, step_tflops=3*flops/ts/1e6)
            rows.append(r)
            print(f"{name:6s} {r['dtype']:8s} b={batch:5d} P={P:9d} fwd {tf:10.1f}us fwd+bwd {tfb:10.1f}us step {ts:10.1f}us  step {r['step_tflops']:.2f} TFLOP/s", flush=True)

# gradcheck (slow and fast mode) on the GPU, float64, as a function of all parameters
from torch.func import functional_call
for sizes in ([] if "--no-gradcheck" in sys.argv else ([16,16,16,1],[64,64,64,1],[128,128,128,1])):
    torch.manual_seed(0)
    m = mlp(sizes, torch.float64)
    x = torch.randn(16, sizes[0], device=dev, dtype=torch.float64); y = torch.randn(16, sizes[-1], device=dev, dtype=torch.float64)
    names = [n for n,_ in m.named_parameters()]
    params = tuple(p.detach().clone().requires_grad_(True) for p in m.parameters())
    def f(*ps):
        out = functional_call(m, dict(zip(names, ps)), (x,))
        return ((out-y)**2).sum(1).mean()
    for fast in (False, True):
        torch.cuda.synchronize(); t0 = time.perf_counter()
        ok = torch.autograd.gradcheck(f, params, fast_mode=fast)
        torch.cuda.synchronize(); t = time.perf_counter()-t0
        P = sum(p.numel() for p in params)
        rows.append(dict(gradcheck=True, sizes=sizes, params=P, fast=fast, seconds=t, ok=ok))
        print(f"gradcheck sizes={sizes} P={P} fast={fast}: {t:.3f}s ok={ok}", flush=True)
import os
out = os.environ.get("OUT", ".")
json.dump(rows, open(os.path.join(out, "torch_gpu.json"), "w"), indent=1)
