// Package peers holds no Go code: its folder keeps the Python scripts that measure
// PyTorch beside gradcheck on the GPU machine (torch_baseline.py, the baseline, and
// gpu_table.py, which sets it against package gpu's benchmarks; scripts/gpu-run.sh runs
// both), and its tests run them here: the baseline's CPU dry run where /usr/bin/python3
// has PyTorch, and the table on fixed inputs, so that the first run on a GPU does not
// spend device time on the scripts' own bugs.
package peers
