// Package datasets holds the small datasets built into gradcheck, so that
// `go run ./cmd/gradcheck` works with nothing but Go.
//
//   - [Textbook]: the two-feature, one-target example of the backpropagation
//     chapter the project grew from.
//   - [Iris]: Fisher's iris data (1936; public domain), 150 samples of four
//     measurements in centimetres and a one-hot species among three. The
//     copy is the one Debian's python3-sklearn ships (iris.csv), written in
//     this project's CSV layout: four inputs, then three targets.
package datasets
