// Package layer checks a layer's own backward pass: a [Layer] has a
// Forward (arguments → outputs) and a Backward (arguments and upstream
// gradients → a gradient per argument), and [Check] judges the backward
// pass against the forward one in one call, with every argument named:
//
//	r, err := layer.Check(ln, []layer.Arg{
//		layer.In("x", x, 3, 5), layer.Param("gamma", g, 5), layer.Param("beta", b, 5),
//		layer.Out("y", 3, 5),
//	}, nil)
//
// The check is package numgrad/vector's VJP check: for random upstream
// gradients dy (or every basis dy: the full Jacobian), Backward's result
// is the gradient of ⟨dy, Forward⟩, which numgrad checks entry by entry
// with its guarantee (Pass, Fail, Kink, NonFinite, Undecided, each with a
// bound and a detection floor). Failures name the argument and the entry
// ("x[1][3]", "gamma"), with the evidence and the causes a block's pattern
// supports (a sign flip, a factor 2, a block not computed).
//
// A layer may declare more: ForwardComplex, ForwardDual and ForwardBounded
// (its forward pass over backprop.Scalar, for exact references, the last
// over runerr.Value with a bound on its own rounding; [Float64] runs such
// a pass as Forward) and Piece (the signature of the kinks its forward pass
// branched on: ReLU, Abs, Max, which backprop.Abs and backprop.Max decide
// on the real part; record each comparison with a numgrad.Signs).
//
// For tests, fuzz.CheckLayer fails a test on a wrong backward pass and
// fuzz.VerifyLayer returns the verdict and the report; the examples under
// examples/ (LayerNorm, softmax, a 1-D convolution, an attention head)
// each plant one mistake that the check catches and names.
package layer
