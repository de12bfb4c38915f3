package soundness

// MixSeed seeds every case of the suite: same seed, same cases.
const MixSeed = 13

// Category is one generator of the committed mix, with the number of
// cases it contributes to the full and the short form.
type Category struct {
	Name        string
	Full, Short int
	// Smooth marks the category of ordinary smooth cases, where no
	// component may be Undecided.
	Smooth bool
	gen    func(*gen)
	doc    string
}

// Mix is the committed generator mix: 2,550 cases in the full form, 54
// in the short one. Changing it changes the suite; the report names the
// counts it ran.
var Mix = []Category{
	{Name: "smooth-ordinary", Full: 300, Short: 6, Smooth: true, gen: genSmooth,
		doc: "tanh/sigmoid/softplus, weights N(0,1)/√fan-in, biases 0.1, inputs N(0,1)"},
	{Name: "relu-ordinary", Full: 300, Short: 6, gen: genReLU,
		doc: "relu/leaky-relu, He weights, biases 0.1, inputs N(0,1); kinks where they fall"},
	{Name: "kink-exact", Full: 300, Short: 6, gen: genKinkExact,
		doc: "z exactly 0: a bias solved in backprop's order (5/10), dyadic values exact in every order (3/10), a zero input with zero biases where kinks of consecutive layers meet (2/10)"},
	{Name: "kink-near", Full: 400, Short: 10, gen: genKinkNear,
		doc: "one to three z at ±d from 0, d = 1e-3 … 1e-12 in turn, solved through a bias in backprop's order"},
	{Name: "tiny-weights", Full: 300, Short: 6, gen: genTiny,
		doc: "weights 1e-4 … 1e-12 in turn (all layers or the first), relu-family 3/5 or smooth; biases 0, tiny or ordinary"},
	{Name: "saturated", Full: 200, Short: 4, gen: genSaturated,
		doc: "tanh or sigmoid layers at z = ±20 … ±700 through their biases (first hidden layer, sometimes the second and the output)"},
	{Name: "confident-softmax", Full: 200, Short: 4, gen: genSoftmax,
		doc: "cross-entropy with one logit 20 … 40 above the rest; targets one-hot on it, one-hot elsewhere, or soft"},
	{Name: "hand-written", Full: 330, Short: 6, gen: genHand,
		doc: "three hand-written MLPs (not backprop.Network; their own layouts and summation order; complex and dual extensions from one forward pass over backprop.Scalar, no other declaration) under the conditions of the other categories; pieces-yes is the same model with a numgrad.Signs recorder"},
	{Name: "wrappers", Full: 220, Short: 6, gen: genWrapper,
		doc: "a struct embedding *backprop.Network (declares everything) or holding it in a named field (declares nothing), smooth or relu-family, under the conditions of the other categories"},
}

// Cases returns the cases of category cat: n of them from the seed.
func (cat *Category) Cases(seed uint64, n int) []*Case {
	out := make([]*Case, n)
	for i := range out {
		out[i] = cat.Case(seed, i)
	}
	return out
}

// Case returns case i of the category.
func (cat *Category) Case(seed uint64, i int) *Case {
	g := newGen(seed, cat.Name, i)
	cat.gen(g)
	return g.c
}
