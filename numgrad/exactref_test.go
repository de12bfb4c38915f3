package numgrad_test

import (
	"math"
	"testing"

	"github.com/gradcheck/gradcheck/backprop"
	"github.com/gradcheck/gradcheck/numgrad"
	"github.com/gradcheck/gradcheck/numgrad/runerr"
)

// TestComplexStepSubnormal is soundness finding 9: at a saturated tanh
// (z ≈ ±680) components are ~1e-294, so Im f(x + ih·e_i) = h·∂f ≈ 8.5e-315
// is subnormal and the complex step's derivative is off by up to
// 2⁻¹⁰⁷⁴/h per rounding; its bound must allow that, or a right claim fails.
func TestComplexStepSubnormal(t *testing.T) {
	net, b := saturatedNet()
	p, err := numgrad.NetworkProblem(net, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := numgrad.CheckProblem(p, &numgrad.CheckSettings{Method: numgrad.MethodComplex, Sweeps: -1})
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Components[20]; c.Status.Failed() { // got FAIL
		t.Errorf("a right component fails: %+v\n%s", c, r)
	}
}

// TestExactReferenceDeadUnit is soundness finding 10: a dead unit whose
// pre-activation is exactly 0 in backprop's order and ≈1e-17 in CostAt's;
// the weight out of it has derivative 0 for the claim and −9e-17 for the
// reference, both right within the forward error of the unit's activation.
func TestExactReferenceDeadUnit(t *testing.T) {
	net, b := deadUnitNet()
	p, err := numgrad.NetworkProblem(net, b, nil)
	if err != nil {
		t.Fatal(err)
	}
	r, err := numgrad.CheckProblem(p, &numgrad.CheckSettings{Method: numgrad.MethodComplex, Sweeps: -1})
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Components[11]; c.Status.Failed() { // got FAIL
		t.Errorf("a right component fails: %+v\n%s", c, r)
	}
}

func saturatedNet() (*backprop.Network, backprop.Batch) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{4, 6, 5}, Activations: []backprop.Activation{backprop.Tanh, backprop.Identity}, Loss: backprop.SoftmaxCrossEntropy})
	net.SetParams([]float64{-0.707102940493223, 0.3768100853922579, -0.39140643265261327, -0.3781514705180017, 0.6486865213684294, 0.05228300679839076, 0.17706266175963647, 0.2791016337360448, -0.19892614518922636, 0.3770016565064348, 0.6111029751673915, -0.20706615467853307, -0.6481363498540159, 0.4877920414743713, -0.5063628078902974, 0.1520446840140588, -0.9933431176034102, -0.15941740662880843, 0.5085920859760742, 0.49048963385408983, 0.5895864645139097, 0.8486146060457883, 0.07992000767548146, -0.4361021193801523, 114.11810298884069, 32.91359360221204, -0.10231241936340274, 109.99885345322134, -361.4099885824227, -339.3443893580227, -0.1314281100223614, -0.007620672585854478, 0.17799709629198038, -0.5209391091533081, -0.17980501118585687, -0.4384212878145388, -0.055717122892725894, -0.05102260722450533, 0.7807202535248492, 0.5938639310957718, 0.1381731561398235, 0.02499871755687276, -0.812541596228912, -0.49770438810219814, -1.4074127512859376, -0.15256224296910337, -0.04343241628277537, -0.3308323489059807, -0.2692548451064178, 0.35094833444252244, -0.3557372288528234, 0.03437337414891512, 0.23550043981887409, -0.05466642529189102, 0.33127046103382, 0.36905451036554754, 0.3164800028139686, -0.30306738307738285, 0.16347000036764742, 0.29090426556706905, -0.030516016833387373, 0.04539930944850791, -0.04740278606370312, -0.14862050224531412, -0.04440593189395734})
	b := backprop.Batch{Data: &backprop.Dataset{N: 20, In: 4, Out: 5, X: []float64{0.1038056404881933, -0.15742621543083646, 0.10431480010051422, -0.38379215575717357, 0.8662848657963462, 0.07345852271453124, 0.30869563212616336, 1.0497117093858557, -2.3026255277072716, -0.44376587861851696, -1.6298214650382676, -0.012827990328752703, -0.5392230293667786, 1.4716810508159839, -0.1930929538349333, 0.11943380964268835, 0.08434636028558257, 0.8172946159901029, -0.783724294043524, 0.395496309737581, -0.38243681894563397, -1.0153138416063472, 0.09701077827423893, 0.03367878433090124, 0.8427665643077878, 1.5759156003976407, 1.1908116736907335, 0.006389687156971302, 1.9379032588123866, -0.14616059535143555, 2.495918055418646, -0.05576633144592488, -0.7827234927734239, 1.6017523810778869, -1.3687546891273294, -0.9573851408099587, 0.0327904636870921, 0.8397199346584591, 1.147734366310185, -0.12998128144040422, 1.1563471139472767, 1.117218873099663, 1.4532382400995996, 0.2983824698126907, -0.48230084672513074, -0.5956044231587585, 0.669082196825844, -1.8091420897452437, 0.5455283942892328, 0.41618826493299954, -0.5491571869482589, -0.945263639681178, -0.620998442344111, 0.8122182228370535, -0.2963291269295891, -1.235059162681455, -1.38034345997326, -0.6394840188174059, -0.2676878283517903, 0.9904006541127295, -0.5799326820717303, -1.6152843226911633, -1.0336651782780744, 1.2184816158756626, -0.7769942590421377, 1.2326104247860883, 1.6679857590759175, 0.6927596579553019, 0.5128482942749852, 0.03415637723354313, -0.9002731102493278, -0.6573825955450827, 0.5217041279389841, 0.5411672819903868, -0.3206782833756694, -0.6643549432900676, 0.29210926950535054, -0.1977264247479842, 1.0443230920847113, -0.4307519203361653}, Y: []float64{0.1275479861229184, 0.04889850627179735, 0.37088389438831015, 0.19228515867791482, 0.2603844545390593, 0.20881908226110416, 0.32062593610086265, 0.3872137174935916, 0.062479861878606845, 0.020861402265834737, 0.2257527716523439, 0.09007314299955024, 0.21427710046725082, 0.201581747895193, 0.2683152369856622, 0.07711985325445353, 0.07065416804015479, 0.7193962292667192, 0.003849252249661935, 0.1289804971890106, 0.07386354245449675, 0.8314956673899669, 0.0752353866057898, 0.013221935473425206, 0.006183468076321526, 1, 0, 0, 0, 0, 0.3876205158781788, 0.36488432993543646, 0.12751164389027259, 0.0926632406943777, 0.02732026960173444, 0.620150290629194, 0.09294131556993422, 0.027190262204708576, 0.02098661089406708, 0.23873152070209622, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0.14332519621303882, 0.40195080614449347, 0.12215237306722206, 0.15412805181906217, 0.17844357275618344, 0.22931275025670494, 0.09941183491481612, 0.2740874033358629, 0.1733362401171095, 0.2238517713755067, 0.046426435117092074, 0.12654867155799868, 0.11874232610096944, 0.3009991799632161, 0.4072833872607238, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0.013845422653360653, 0.2314764642278147, 0.6768003340317372, 0.04582315143378656, 0.032054627653300825, 0.20311947225398183, 0.3797254606493935, 0.24033231988833473, 0.08221977677915264, 0.09460297042913729}}, Rows: []int{1, 5, 13, 10, 16, 19, 9, 11, 17, 12, 3, 18, 4, 6, 0, 14}}
	return net, b
}

func deadUnitNet() (*backprop.Network, backprop.Batch) {
	net := backprop.MustNew(backprop.Config{Sizes: []int{2, 3, 5, 4}, Activations: []backprop.Activation{backprop.LeakyReLU, backprop.LeakyReLU, backprop.Identity}, Loss: backprop.SquaredError})
	net.SetParams([]float64{-0.5912668592859339, -0.3149547902316498, -0.38983261225407295, -0.10879463782542587, 0.9438764091391165, 1.1133090503127967, -0.10014893889282737, -0.012822959011356085, 0.9534862824683399, -0.3389691575819323, 1.117775369743362, 0.5154655718202472, 0.8854020960479444, 0.3847145916054861, 0.303523848891746, -1.358606143899593, 0.1030696086680643, -0.05529139698612338, 0.15193941479723866, -0.6953406893028424, 0.737871207071971, -0.32008297969514893, -1.1342151395488678, 0.10943643919006524, -0.1645708976158672, -0.028700742102005086, 0.11793930983849102, -0.0004353601081653169, 0.4074386070481551, -0.44941783140174457, 0.2100909849665368, -1.2655410434405991, 0.9938858770872169, -0.2930984252316894, 0.793144984944264, -0.22899244315219014, 0.37689144517225, 0.8058950927925348, -0.6144694585816028, -0.6065112140475462, 0.1997880337243344, -0.17654769495948555, -0.02189965661180374, 0.3183206867271667, 0.3540238070127184, -0.31542182667553814, 0.00646209493950664, 0.4071222472923342, -0.18356715928691444, 0.04211773061459065, 0.0341269666835157, 0.08559609168840449, -0.2794808954134497})
	b := backprop.Batch{Data: &backprop.Dataset{N: 1, In: 2, Out: 4, X: []float64{-0.5937089377758993, -0.3530901164381799}, Y: []float64{-0.4657287041459218, 0.8017005635133582, 0.3744199575574994, -0.4213764917502486}}, Rows: []int{0}}
	return net, b
}

// TestRichardsonZeroScale is a finding of the layer suite (issue 15):
// f(w, x, b) = relu(w·x + b) at w·x + b = 1e-5, with pieces and the
// complex extension, by Richardson extrapolation. Every nonzero
// component's ladder (steps from 2⁻⁷ relative) crosses the kink, so no
// first estimate holds its bound; the gradient's scale must still come
// from f (here from the exact reference the arbiter asks), or the blind
// allowance and the reference's bound are 0 and the exact claim −1.75
// fails against the complex step's −1.7500000000000002 (one ulp).
func TestRichardsonZeroScale(t *testing.T) {
	var signs numgrad.Signs
	f := func(v []float64) (float64, error) {
		signs.Reset()
		z := v[2] + v[0]*v[1]
		signs.Add(z)
		return max(z, 0), nil
	}
	p := &numgrad.Problem{Func: f, X: []float64{1.5, -1.75, 2.62501}, Claimed: []float64{-1.75, 1.5, 1}, Piece: signs.Piece,
		Complex: func(v []backprop.Complex) (backprop.Complex, error) {
			return backprop.Activate(backprop.ReLU, v[2].Add(v[0].Mul(v[1]))), nil
		}}
	for _, m := range []numgrad.Method{numgrad.MethodRichardson, numgrad.MethodCentral, numgrad.MethodComplex} {
		r, err := numgrad.CheckProblem(p, &numgrad.CheckSettings{Method: m})
		if err != nil {
			t.Fatal(err)
		}
		if r.Passed != 3 {
			t.Errorf("%v: a right claim, exact to an ulp, is not passed:\n%s", m, r)
		}
	}
}

// softmax1 is the second output of a softmax of two logits, shifted by the
// larger real part (a constant).
func softmax1[T backprop.Scalar[T]](x []T) T {
	m := math.Max(x[0].Re(), x[1].Re())
	e0, e1 := x[0].Sub(x[0].Const(m)).Exp(), x[1].Sub(x[1].Const(m)).Exp()
	return e1.Div(e0.Add(e1))
}

// TestExactReferenceCancels is a finding of the layer suite (issue 15):
// p₁ = softmax(x)₁ at x = (0, 30). The claim ∂p₁/∂x₁ = p₀·p₁ = 9.3576e-14
// is accurate to an ulp, but dual numbers through the same forward pass
// compute it as (1 − p₁)/s, a cancellation that loses 10 digits
// (9.3481e-14, 1e-3 off). A problem without a term scale says nothing of
// its extension's rounding, so the reference's disagreement alone is no
// evidence: the claim may be Undecided, never Fail. A claim wrong by more
// than finite differences resolve must still fail.
//
// With the same forward pass over runerr.Value (Problem.Bounded) the
// reference's rounding is known: the running bound charges the
// cancellation (4.3e-14, most of it the shift x₁ − 30, exact but charged
// at its terms' size), so the accurate claim passes under every method,
// and the claim twice the derivative, wrong by p₀p₁ = 9.4e-14, fails under
// MethodDual. Of p₁ − 1, whose float64 value is a staircase of ulps of 1
// that no step resolves, Richardson's sweep cannot settle ∂/∂x₁: there
// the bounded reference as the arbiter passes what the blind one leaves
// Undecided.
func TestExactReferenceCancels(t *testing.T) {
	x := []float64{0, 30}
	p0, p1 := math.Exp(-30)/(1+math.Exp(-30)), 1/(1+math.Exp(-30))
	for _, tc := range []struct {
		name    string
		bounded bool
		less1   bool // p₁ − 1
	}{{"dual, p₁", false, false}, {"bounded, p₁", true, false}, {"dual, p₁ − 1", false, true}, {"bounded, p₁ − 1", true, true}} {
		problem := func(claimed []float64) *numgrad.Problem {
			p := &numgrad.Problem{X: x, Claimed: claimed}
			p.Func = func(v []float64) (float64, error) {
				y := softmax1([]backprop.Real{backprop.Real(v[0]), backprop.Real(v[1])})
				if tc.less1 {
					y -= 1
				}
				return float64(y), nil
			}
			if tc.bounded {
				p.Bounded = func(v []runerr.Value) (runerr.Value, error) {
					y := softmax1(v)
					if tc.less1 {
						y = y.Sub(y.Const(1))
					}
					return y, nil
				}
			} else {
				p.Dual = func(v []backprop.Dual) (backprop.Dual, error) {
					y := softmax1(v)
					if tc.less1 {
						y = y.Sub(y.Const(1))
					}
					return y, nil
				}
			}
			return p
		}
		for _, m := range []numgrad.Method{numgrad.MethodDual, numgrad.MethodCentral, numgrad.MethodRichardson} {
			r, err := numgrad.CheckProblem(problem([]float64{-p0 * p1, p0 * p1}), &numgrad.CheckSettings{Method: m})
			if err != nil {
				t.Fatal(err)
			}
			if r.Failed > 0 {
				t.Errorf("%s, %v: an accurate claim fails against a reference that cancels:\n%s", tc.name, m, r)
			}
			if tc.bounded && r.Passed != 2 {
				t.Errorf("%s, %v: an accurate claim is not passed against a reference of known rounding:\n%s", tc.name, m, r)
			}
			r, err = numgrad.CheckProblem(problem([]float64{-p0 * p1, 2 * p0 * p1}), &numgrad.CheckSettings{Method: m})
			if err != nil {
				t.Fatal(err)
			}
			c := r.Components[1]
			if c.Status != numgrad.Fail && c.Floor < p0*p1 {
				t.Errorf("%s, %v: a claim twice the derivative is %v under a floor of %.2g:\n%s", tc.name, m, c.Status, c.Floor, r)
			}
			if tc.bounded && m == numgrad.MethodDual && c.Status != numgrad.Fail {
				t.Errorf("%s, %v: a claim twice the derivative is %v against a reference of known rounding:\n%s", tc.name, m, c.Status, r)
			}
		}
	}
}
