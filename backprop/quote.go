package backprop

import (
	"fmt"
	"strconv"
	"unicode/utf8"
)

// quoteName quotes a name read from a user for an error message: whole if
// it is at most 40 bytes, otherwise its first 40 bytes and its length, so
// that a hostile megabyte of text does not become a megabyte of message.
func quoteName(s string) string {
	const max = 40
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s… (%d bytes)", strconv.Quote(s[:cut]), len(s))
}
