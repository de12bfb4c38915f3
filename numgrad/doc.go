// Package numgrad computes numerical derivatives and checks analytic
// gradients against them.
//
// Finite-difference schemes are data ([Formula]), evaluated one coordinate at
// a time by [Gradient] from a fresh copy of the point, which is never
// modified.
package numgrad
