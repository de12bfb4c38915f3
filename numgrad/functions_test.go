package numgrad_test

import (
	"math"

	"github.com/gradcheck/gradcheck/backprop"
	"gonum.org/v1/gonum/optimize/functions"
)

// testFunc is a function of gonum's optimize/functions with its analytic
// gradient, and the same function written once over backprop.Scalar so
// that it runs in complex and dual arithmetic. TestFunctionsMatchGonum
// checks that the generic form computes gonum's values.
type testFunc struct {
	name    string
	gonum   gonumFunc
	x       []float64
	complex func([]backprop.Complex) backprop.Complex
	dual    func([]backprop.Dual) backprop.Dual
	real    func([]backprop.Real) backprop.Real
}

type gonumFunc interface {
	Func(x []float64) float64
	Grad(grad, x []float64)
}

// testFuncs are the fixtures: More, Garbow and Hillstrom's standard
// starting points (ACM TOMS 7, 1981) as gonum documents them.
func testFuncs() []testFunc {
	mk := func(name string, g gonumFunc, x []float64, r func([]backprop.Real) backprop.Real, c func([]backprop.Complex) backprop.Complex, d func([]backprop.Dual) backprop.Dual) testFunc {
		return testFunc{name: name, gonum: g, x: x, real: r, complex: c, dual: d}
	}
	return []testFunc{
		mk("Beale", functions.Beale{}, []float64{1, 1}, beale[backprop.Real], beale[backprop.Complex], beale[backprop.Dual]),
		mk("BiggsEXP6", functions.BiggsEXP6{}, []float64{1, 2, 1, 1, 1, 1}, biggs6[backprop.Real], biggs6[backprop.Complex], biggs6[backprop.Dual]),
		mk("Box3D", functions.Box3D{}, []float64{0, 10, 20}, box3d[backprop.Real], box3d[backprop.Complex], box3d[backprop.Dual]),
		mk("BrownBadlyScaled", functions.BrownBadlyScaled{}, []float64{1, 1}, brownBadly[backprop.Real], brownBadly[backprop.Complex], brownBadly[backprop.Dual]),
		mk("ExtendedPowellSingular", functions.ExtendedPowellSingular{}, []float64{3, -1, 0, 3, 3, -1, 0, 3}, powellSingular[backprop.Real], powellSingular[backprop.Complex], powellSingular[backprop.Dual]),
		mk("ExtendedRosenbrock", functions.ExtendedRosenbrock{}, []float64{-1.2, 1, -1.2, 1, -1.2, 1}, rosenbrock[backprop.Real], rosenbrock[backprop.Complex], rosenbrock[backprop.Dual]),
		mk("Gaussian", functions.Gaussian{}, []float64{0.4, 1, 0}, gaussian[backprop.Real], gaussian[backprop.Complex], gaussian[backprop.Dual]),
		mk("PenaltyI", functions.PenaltyI{}, []float64{1, 2, 3, 4}, penalty1[backprop.Real], penalty1[backprop.Complex], penalty1[backprop.Dual]),
		mk("PenaltyII", functions.PenaltyII{}, []float64{0.5, 0.5, 0.5, 0.5}, penalty2[backprop.Real], penalty2[backprop.Complex], penalty2[backprop.Dual]),
		mk("PowellBadlyScaled", functions.PowellBadlyScaled{}, []float64{0, 1}, powellBadly[backprop.Real], powellBadly[backprop.Complex], powellBadly[backprop.Dual]),
		mk("VariablyDimensioned", functions.VariablyDimensioned{}, []float64{5.0 / 6, 4.0 / 6, 3.0 / 6, 2.0 / 6, 1.0 / 6}, varDim[backprop.Real], varDim[backprop.Complex], varDim[backprop.Dual]),
		mk("Watson", functions.Watson{}, []float64{0, 0, 0, 0, 0, 0}, watson[backprop.Real], watson[backprop.Complex], watson[backprop.Dual]),
		mk("Wood", functions.Wood{}, []float64{-3, -1, -3, -1}, wood[backprop.Real], wood[backprop.Complex], wood[backprop.Dual]),
	}
}

func k[T backprop.Scalar[T]](v float64) T { var z T; return z.Const(v) }

func sq[T backprop.Scalar[T]](v T) T { return v.Mul(v) }

func beale[T backprop.Scalar[T]](x []T) T {
	one := k[T](1)
	f1 := k[T](1.5).Sub(x[0].Mul(one.Sub(x[1])))
	f2 := k[T](2.25).Sub(x[0].Mul(one.Sub(x[1].Mul(x[1]))))
	f3 := k[T](2.625).Sub(x[0].Mul(one.Sub(x[1].Mul(x[1]).Mul(x[1]))))
	return sq(f1).Add(sq(f2)).Add(sq(f3))
}

func biggs6[T backprop.Scalar[T]](x []T) T {
	sum := k[T](0)
	for i := 1; i <= 13; i++ {
		z := float64(i) / 10
		y := math.Exp(-z) - 5*math.Exp(-10*z) + 3*math.Exp(-4*z)
		e := func(a T) T { return a.Mul(k[T](-z)).Exp() }
		f := x[2].Mul(e(x[0])).Sub(x[3].Mul(e(x[1]))).Add(x[5].Mul(e(x[4]))).Sub(k[T](y))
		sum = sum.Add(sq(f))
	}
	return sum
}

func box3d[T backprop.Scalar[T]](x []T) T {
	sum := k[T](0)
	for i := 1; i <= 10; i++ {
		c := -float64(i) / 10
		y := math.Exp(c) - math.Exp(10*c)
		f := k[T](c).Mul(x[0]).Exp().Sub(k[T](c).Mul(x[1]).Exp()).Sub(x[2].Mul(k[T](y)))
		sum = sum.Add(sq(f))
	}
	return sum
}

func brownBadly[T backprop.Scalar[T]](x []T) T {
	f1 := x[0].Sub(k[T](1e6))
	f2 := x[1].Sub(k[T](2e-6))
	f3 := x[0].Mul(x[1]).Sub(k[T](2))
	return sq(f1).Add(sq(f2)).Add(sq(f3))
}

func powellSingular[T backprop.Scalar[T]](x []T) T {
	sum := k[T](0)
	for i := 0; i < len(x); i += 4 {
		f1 := x[i].Add(k[T](10).Mul(x[i+1]))
		f2 := x[i+2].Sub(x[i+3])
		f3 := sq(x[i+1].Sub(k[T](2).Mul(x[i+2])))
		f4 := sq(x[i].Sub(x[i+3]))
		sum = sum.Add(sq(f1)).Add(k[T](5).Mul(sq(f2))).Add(sq(f3)).Add(k[T](10).Mul(sq(f4)))
	}
	return sum
}

func rosenbrock[T backprop.Scalar[T]](x []T) T {
	sum := k[T](0)
	for i := 0; i+1 < len(x); i++ {
		a := k[T](1).Sub(x[i])
		b := x[i+1].Sub(x[i].Mul(x[i]))
		sum = sum.Add(sq(a)).Add(k[T](100).Mul(sq(b)))
	}
	return sum
}

var gaussianY = [16]float64{0, 0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989, 0.3521, 0.2420, 0.1295, 0.0540, 0.0175, 0.0044, 0.0009}

func gaussian[T backprop.Scalar[T]](x []T) T {
	sum := k[T](0)
	for i := 1; i <= 15; i++ {
		c := 0.5 * float64(8-i)
		d := sq(k[T](c).Sub(x[2]))
		e := k[T](-0.5).Mul(x[1]).Mul(d).Exp()
		sum = sum.Add(sq(x[0].Mul(e).Sub(k[T](gaussianY[i]))))
	}
	return sum
}

func penalty1[T backprop.Scalar[T]](x []T) T {
	sum := k[T](0)
	for _, v := range x {
		sum = sum.Add(sq(v.Sub(k[T](1))))
	}
	sum = sum.Mul(k[T](1e-5))
	s := k[T](0)
	for _, v := range x {
		s = s.Add(v.Mul(v))
	}
	return sum.Add(sq(s.Sub(k[T](0.25))))
}

func penalty2[T backprop.Scalar[T]](x []T) T {
	dim := len(x)
	s := k[T](-1)
	for i, v := range x {
		s = s.Add(k[T](float64(dim - i)).Mul(v).Mul(v))
	}
	sum := k[T](0)
	e10 := func(v T) T { return v.Div(k[T](10)).Exp() }
	for i := 1; i < dim; i++ {
		yi := math.Exp(float64(i+1)/10) + math.Exp(float64(i)/10)
		sum = sum.Add(sq(e10(x[i]).Add(e10(x[i-1])).Sub(k[T](yi))))
	}
	for i := 1; i < dim; i++ {
		sum = sum.Add(sq(e10(x[i]).Sub(k[T](math.Exp(-1.0 / 10)))))
	}
	sum = sum.Mul(k[T](1e-5))
	sum = sum.Add(sq(x[0].Sub(k[T](0.2))))
	return sum.Add(sq(s))
}

func powellBadly[T backprop.Scalar[T]](x []T) T {
	f1 := k[T](1e4).Mul(x[0]).Mul(x[1]).Sub(k[T](1))
	f2 := x[0].Neg().Exp().Add(x[1].Neg().Exp()).Sub(k[T](1.0001))
	return sq(f1).Add(sq(f2))
}

func varDim[T backprop.Scalar[T]](x []T) T {
	sum := k[T](0)
	for _, v := range x {
		sum = sum.Add(sq(v.Sub(k[T](1))))
	}
	s := k[T](0)
	for i, v := range x {
		s = s.Add(k[T](float64(i + 1)).Mul(v.Sub(k[T](1))))
	}
	s = s.Mul(s)
	sum = sum.Add(s)
	s = s.Mul(s)
	return sum.Add(s)
}

func watson[T backprop.Scalar[T]](x []T) T {
	sum := k[T](0)
	for i := 1; i <= 29; i++ {
		d1 := float64(i) / 29
		d2 := 1.0
		s1 := k[T](0)
		for j := 1; j < len(x); j++ {
			s1 = s1.Add(k[T](float64(j) * d2).Mul(x[j]))
			d2 *= d1
		}
		d2 = 1.0
		s2 := k[T](0)
		for _, v := range x {
			s2 = s2.Add(k[T](d2).Mul(v))
			d2 *= d1
		}
		sum = sum.Add(sq(s1.Sub(s2.Mul(s2)).Sub(k[T](1))))
	}
	t := x[1].Sub(x[0].Mul(x[0])).Sub(k[T](1))
	return sum.Add(x[0].Mul(x[0])).Add(sq(t))
}

func wood[T backprop.Scalar[T]](x []T) T {
	f1 := x[1].Sub(x[0].Mul(x[0]))
	f2 := k[T](1).Sub(x[0])
	f3 := x[3].Sub(x[2].Mul(x[2]))
	f4 := k[T](1).Sub(x[2])
	f5 := x[1].Add(x[3]).Sub(k[T](2))
	f6 := x[1].Sub(x[3])
	return k[T](100).Mul(sq(f1)).Add(sq(f2)).Add(k[T](90).Mul(sq(f3))).Add(sq(f4)).Add(k[T](10).Mul(sq(f5))).Add(k[T](0.1).Mul(sq(f6)))
}
