package datasets

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
)

func TestIris(t *testing.T) {
	d := Iris()
	if d.N != 150 || d.In != 4 || d.Out != 3 {
		t.Fatalf("iris: %d samples of %d inputs and %d targets, want 150, 4, 3", d.N, d.In, d.Out)
	}
	count := [3]int{}
	for i := range d.N {
		_, y := d.Sample(i)
		for k, v := range y {
			if v == 1 {
				count[k]++
			}
		}
	}
	if count != [3]int{50, 50, 50} {
		t.Errorf("species counts %v, want 50 each", count)
	}
	for c := range d.In {
		var s, s2 float64
		for i := range d.N {
			v := d.X[i*d.In+c]
			s += v
			s2 += v * v
		}
		// Mean 0 and variance 1 up to the rounding of 150 terms.
		if math.Abs(s/150) > 1e-13 || math.Abs(s2/150-1) > 1e-13 {
			t.Errorf("column %d: mean %g, variance %g after standardising", c, s/150, s2/150)
		}
	}
}

func TestTextbook(t *testing.T) {
	if err := Textbook().Validate(); err != nil {
		t.Fatal(err)
	}
}

func TestRandom(t *testing.T) {
	c := backprop.Config{Sizes: []int{3, 4, 2}, Loss: backprop.SoftmaxCrossEntropy}
	a := Random(rand.New(rand.NewPCG(1, 2)), c, 5)
	b := Random(rand.New(rand.NewPCG(1, 2)), c, 5)
	if err := a.Validate(); err != nil {
		t.Fatal(err)
	}
	for i := range a.X {
		if a.X[i] != b.X[i] || a.X[i] < -1 || a.X[i] > 1 {
			t.Fatalf("input %d: %v and %v from the same seed, want equal and in [−1, 1]", i, a.X[i], b.X[i])
		}
	}
	for s := range a.N {
		_, y := a.Sample(s)
		if y[0]+y[1] != 1 {
			t.Errorf("sample %d: targets %v are not one-hot", s, y)
		}
	}
}
