package netio

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// MaxQuote is the most bytes of a user's text (a cell, a name, a number)
// that an error message quotes: enough to recognise it, short enough that
// the message stays one readable line however long the text is.
const MaxQuote = 40

// Quote returns s quoted as %q does, or, for a string longer than
// [MaxQuote] bytes, its first bytes quoted and its length:
// "aaaaaaaa…" (1048576 bytes).
func Quote(s string) string {
	if len(s) <= MaxQuote {
		return strconv.Quote(s)
	}
	cut := MaxQuote
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:cut]), len(s))
}

// quote is Quote, for this package's messages.
func quote(s string) string { return Quote(s) }
