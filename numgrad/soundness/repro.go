package soundness

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gradcheck/gradcheck/backprop"
)

// goFloats writes v as a Go slice literal that reads back bit for bit.
func goFloats(v []float64) string {
	var b strings.Builder
	b.WriteString("[]float64{")
	for i, x := range v {
		if i > 0 {
			b.WriteString(", ")
		}
		if x == 0 && math.Signbit(x) {
			b.WriteString("math.Copysign(0, -1)")
			continue
		}
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	}
	b.WriteString("}")
	return b.String()
}

func goInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = strconv.Itoa(x)
	}
	return "[]int{" + strings.Join(s, ", ") + "}"
}

func goActs(a []backprop.Activation) string {
	names := map[backprop.Activation]string{backprop.Identity: "Identity", backprop.Sigmoid: "Sigmoid", backprop.Tanh: "Tanh",
		backprop.ReLU: "ReLU", backprop.LeakyReLU: "LeakyReLU", backprop.Softplus: "Softplus"}
	s := make([]string, len(a))
	for i, x := range a {
		s[i] = "backprop." + names[x]
	}
	return "[]backprop.Activation{" + strings.Join(s, ", ") + "}"
}

var methodGo = map[string]string{"central": "MethodCentral", "richardson": "MethodRichardson", "complex": "MethodComplex", "dual": "MethodDual", "fast": "MethodFast"}

// Repro returns a Go test that reproduces the violation: the case's
// network, data and model, the claim (planted where the violation is
// about a planted error), the check as the suite made it, and the
// assertion the suite applies.
func (v *Violation) Repro() string {
	c := v.Case
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	p("// %s: %s, %s", v.Class, c.Name(), v.Variant)
	p("func TestSoundness%s%d(t *testing.T) {", camel(c.Category), c.Index)
	loss := "SquaredError"
	if c.Loss == backprop.SoftmaxCrossEntropy {
		loss = "SoftmaxCrossEntropy"
	}
	p("\tnet := backprop.MustNew(backprop.Config{Sizes: %s, Activations: %s, Loss: backprop.%s})", goInts(c.Sizes), goActs(c.Acts), loss)
	p("\tnet.SetParams(%s)", goFloats(c.Theta))
	rows := "nil"
	if c.Rows != nil {
		rows = goInts(c.Rows)
	}
	p("\tb := backprop.Batch{Data: &backprop.Dataset{N: %d, In: %d, Out: %d, X: %s, Y: %s}, Rows: %s}", c.N, c.In, c.Out, goFloats(c.X), goFloats(c.Y), rows)
	kind := c.Kind
	if kind == KindHand && v.Variant.Pieces {
		kind = KindHandSigned
	}
	p("\tm := soundness.NewModel(soundness.%s, net, soundness.%s)", kind.goName(), c.Layout.goName())
	claim := "nil"
	if v.Delta != 0 {
		claim = "claimed"
		p("\tclaimed := make([]float64, m.NumParams())")
		p("\tif _, err := m.Gradient(claimed, b); err != nil {\n\t\tt.Fatal(err)\n\t}")
		p("\tclaimed[%d] += %s // planted: %.0e·max|g|", v.Comp, strconv.FormatFloat(v.Delta, 'g', -1, 64), v.R)
	}
	p("\tp, err := numgrad.ModelProblem(m, b, %s)", claim)
	p("\tif err != nil {\n\t\tt.Fatal(err)\n\t}")
	if !v.Variant.Pieces && (c.Kind == KindNetwork || c.Kind == KindEmbedded) {
		if c.Smooth() {
			p("\tp.Piece, p.Ambiguous = nil, nil // without piece information")
		} else {
			p("\tp.Piece, p.Ambiguous, p.Stencil = nil, nil, nil // without piece information")
		}
	}
	p("\tr, err := numgrad.CheckProblem(p, &numgrad.CheckSettings{Method: numgrad.%s, Sweeps: -1})", methodGo[v.Variant.Method.String()])
	p("\tif err != nil {\n\t\tt.Fatal(err)\n\t}")
	switch {
	case v.Comp < 0:
		p("\tif !r.OK() { // got %s: %s", v.Status, v.Note)
		p("\t\tt.Errorf(\"a right gradient is WRONG:\\n%%s\", r)\n\t}")
	case v.Delta == 0 || strings.Contains(v.Class, "beside"):
		p("\tif c := r.Components[%d]; c.Status.Failed() { // got %s", v.Comp, v.Status)
		p("\t\tt.Errorf(\"a right component fails: %%+v\\n%%s\", c, r)\n\t}")
	case strings.HasPrefix(v.Class, "fast screen"):
		p("\tif r.OK() { // a planted error ≥ %.3g in component %d passes the screen, whose floor for it is %.3g", v.ErrLo, v.Comp, v.Floor)
		p("\t\tt.Errorf(\"a wrong gradient passes the fast screen:\\n%%s\", r)\n\t}")
	case strings.HasPrefix(v.Class, "Fail but"):
		p("\tif r.OK() {\n\t\tt.Errorf(\"a failed component and the report is RIGHT:\\n%%s\", r)\n\t}")
	default:
		p("\t// the claim's error is at least %.3g (planted %.3g less the claim's own rounding bound)", v.ErrLo, math.Abs(v.Delta))
		p("\tif c := r.Components[%d]; !c.Status.Failed() && c.Floor < %s { // got %s, floor %.3g", v.Comp, strconv.FormatFloat(v.ErrLo, 'g', 4, 64), v.Status, v.Floor)
		p("\t\tt.Errorf(\"a wrong component is %%v within its floor %%.3g: %%+v\", c.Status, c.Floor, c)\n\t}")
	}
	p("}")
	return b.String()
}

// camel turns "kink-near" into "KinkNear".
func camel(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		switch {
		case r == '-' || r == '/' || r == ' ':
			up = true
		case up:
			b.WriteString(strings.ToUpper(string(r)))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
