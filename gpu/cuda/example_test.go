package cuda_test

import (
	"errors"
	"fmt"
	"log"

	"github.com/gradcheck/gradcheck/gpu/cuda"
	"github.com/gradcheck/gradcheck/gpu/kernels"
)

// One SGD step on the GPU: w −= eta·g for four float64 weights. Without a GPU, Open says
// why. (No Output: the result depends on the machine.)
func Example() {
	c, err := cuda.Open(0)
	if errors.Is(err, cuda.ErrUnavailable) {
		fmt.Println("skipping:", err)
		return
	}
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()

	w := []float64{1, 2, 3, 4}
	g := []float64{10, 10, 10, 10}
	err = c.Do(func(t *cuda.Thread) error {
		m, err := t.LoadModule(kernels.PTX())
		if err != nil {
			return err
		}
		sgd, err := t.Function(m, kernels.F64.SGDUpdate)
		if err != nil {
			return err
		}
		wp, err := t.Alloc(8 * len(w))
		if err != nil {
			return err
		}
		gp, err := t.Alloc(8 * len(g))
		if err != nil {
			return err
		}
		if err := errors.Join(cuda.ToDevice(t, wp, w), cuda.ToDevice(t, gp, g)); err != nil {
			return err
		}
		// sgd_update_f64(int n, const double* G, double* W, double eta)
		if err := t.Launch(sgd, cuda.Dim(1), cuda.Dim(256), 0, cuda.Int(len(w)), cuda.Ptr(gp), cuda.Ptr(wp), cuda.F64(0.05)); err != nil {
			return err
		}
		return cuda.FromDevice(t, w, wp) // waits for the kernel
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(w) // [0.5 1.5 2.5 3.5]
}
