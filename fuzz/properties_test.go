package fuzz

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/gradcheck/gradcheck/properties"
)

// FuzzProperties runs the properties of package properties (the gradient
// is the mean of the samples' gradients, invariant to order and
// duplicates; an update is exactly w − η·g; the batch modes' schedules;
// …) on networks from properties.Networks, through rapid.MakeFuzz: the
// fuzzer's bytes are rapid's random bitstream, so coverage guidance steers
// the draws. which chooses the property (modulo their number).
//
// The bytes are padded with zeros to propLen: rapid refuses (skips) an
// input whose bitstream runs out, and reads zeros as its simplest choices,
// so every input is a case and its tail the smallest one.
func FuzzProperties(f *testing.F) {
	f.Add(uint8(0), []byte{})
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		if len(data) > propLen {
			return
		}
		p := properties.Properties[int(which)%len(properties.Properties)]
		padded := make([]byte, propLen)
		copy(padded, data)
		rapid.MakeFuzz(p.Prop(properties.Networks(), nil))(t, padded)
	})
}

// propLen is the length of rapid's bitstream for FuzzProperties: 32 KiB,
// 4096 draws of 64 bits, more than the properties draw for the largest
// network and dataset of properties.Networks. (8 KiB sufficed for 16
// samples; with the trainer properties' 40 (DefaultMaxTrainSamples),
// of 100 random inputs per trainer property 16 to 30 ran out at 8 KiB and
// were skipped, 0 to 4 at 16 KiB, none at 32 KiB.)
const propLen = 32 << 10
