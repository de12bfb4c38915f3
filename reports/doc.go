// Package reports measures what the chain rule saves: it times backprop
// against the per-weight methods of numgrad/naive over sweeps of network
// widths, depths and batch sizes, and writes a report.
//
// [Run] measures; [Report.Write] writes into a directory
//
//	report.md        what was measured and how, the machine, tables of time,
//	                 multiply-adds and ratio to backprop, fitted growth
//	                 exponents, the cheap-gradient ratio, notes where a
//	                 measurement disagrees with the theory
//	results.csv      every measurement, one row per method and size
//	results.json     the same, with the machine and the sweeps
//	*.svg, *.png     the figures (gonum/plot)
//
// `gradcheck report` is the command line for it.
//
// # Measurements
//
// Work is counted by the methods themselves (naive.Count) and checked
// against the closed forms of numgrad/naive; a mismatch stops the run.
// Time is the process's CPU time where the system has it (wall-clock time
// otherwise, and always for a GPU), per gradient; each size is repeated and
// every repetition kept, and the tables, ratios, fits and plots use the
// fastest, the estimate that other processes on the machine disturb least.
//
// # Budget
//
// Every method has a budget of seconds per gradient at one size, by the
// report's clock (Settings.MaxSeconds). Before a size runs, its time is predicted from its
// closed-form multiply-adds and the method's measured time per multiply-add
// at its largest size so far; a size predicted over budget is reported as
// "over budget" with the extrapolated time, never dropped.
//
// # Fits
//
// Growth exponents are least-squares lines through the logarithms, over a
// window of each sweep ([Sweep].FitFrom, FitTo) where the machine runs the
// dense products at a steady speed. The time exponent is exactly the work
// exponent plus the exponent of the time per multiply-add, and the report
// gives all three, so that a disagreement with the theory is explained by
// the numbers rather than hidden.
//
// # GPU
//
// [GPU] is the hook for the GPU port: a Settings.GPU adds its gradient as
// one more method of every sweep. Without one the report says that no GPU
// was found.
package reports
