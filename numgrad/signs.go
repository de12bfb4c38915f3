package numgrad

// Signs records which smooth piece a computation lies on, for a model's
// [Piecewise] method: the signs of the quantities at which it has kinks
// (a ReLU's pre-activation, the difference a − b inside max(a, b), the
// argument of |x|). A model keeps one, calls Reset at the start of Cost,
// Add for every such quantity in a fixed order, and answers Piece with it:
//
//	func (m *mlp) Cost(b backprop.Batch) (float64, error) {
//		m.signs.Reset()
//		…
//		m.signs.Add(z) // before a = max(z, 0)
//		…
//	}
//	func (m *mlp) Piece(dst []byte) []byte { return m.signs.Piece(dst) }
//
// Add records whether z > 0, the convention of backprop's ReLU (f′(0) = 0,
// so z = 0 lies on the piece of z < 0). A model whose derivative takes the
// other side at 0 records AddBit(z >= 0) instead: the recorded side must be
// the side whose derivative the model's gradient uses.
//
// The zero value is ready to use. Signs is not safe for concurrent use; a
// model that is evaluated concurrently keeps one per copy.
type Signs struct {
	bits []byte
	n    int
}

// Reset forgets every recorded sign.
func (s *Signs) Reset() { s.bits, s.n = s.bits[:0], 0 }

// Add records whether z > 0. A NaN records false.
func (s *Signs) Add(z float64) { s.AddBit(z > 0) }

// AddBit records b.
func (s *Signs) AddBit(b bool) {
	if s.n%8 == 0 {
		s.bits = append(s.bits, 0)
	}
	if b {
		s.bits[len(s.bits)-1] |= 1 << (s.n % 8)
	}
	s.n++
}

// Len returns the number of signs recorded since the last Reset.
func (s *Signs) Len() int { return s.n }

// Piece appends the signature of the recorded signs to dst and returns it:
// equal for the same signs in the same order, different when any sign or
// their number differs.
func (s *Signs) Piece(dst []byte) []byte {
	n := s.n
	dst = append(dst, byte(n), byte(n>>8), byte(n>>16), byte(n>>24), byte(n>>32), byte(n>>40), byte(n>>48), byte(n>>56))
	return append(dst, s.bits...)
}
