//go:build noasm

package netfd

// goldenBuild is part of goldenKey: the noasm tag also takes gonum's
// assembly out of the small matrix products, which changes their rounding.
const goldenBuild = " noasm"
