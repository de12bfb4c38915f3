package netio

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// maxToken bounds one string or number of a JSON file. Every string of a
// model file is a short name and a float64 needs at most 24 characters
// ("-2.2250738585072014e-308"); 4 KiB leaves room for any honest spelling
// and keeps a hostile token from filling memory.
const maxToken = 4 << 10

// decoder reads one JSON value from a stream, the caller walking its
// schema: memory is what the caller keeps plus one bounded token, and every
// error names the file, the line and column of the token and the field.
//
// It differs from encoding/json where that package is silent: a key given
// twice (also in another case, as encoding/json matches keys
// case-insensitively) and null are errors, and a leading UTF-8 byte-order
// mark is skipped (RFC 8259 §8.1 allows parsers to ignore one).
type decoder struct {
	r     *bufio.Reader
	name  string
	limit int64 // the most bytes read; one more is an error
	read  int64 // bytes read so far
	line  int   // line of the next byte, 1-based
	col   int   // column (in bytes) of the next byte, 1-based

	// The token last read by next.
	kind      byte   // one of '{', '}', '[', ']', ':', ',', '"' (string), '0' (number), 't', 'f', 'n' (null), 0 (end of file)
	text      []byte // a string's raw bytes between the quotes, or a number
	tokLine   int
	tokCol    int
	peeked    bool
	prevWidth int // column advance of the last byte read, for unread

	kept, maxKept int64 // numbers kept by the caller, and their bound
}

// keep counts n more numbers kept for field and fails past the bound.
func (d *decoder) keep(n int64, field string) error {
	d.kept += n
	if d.kept > d.maxKept {
		return &LimitError{Name: d.name, Line: d.tokLine, Col: d.tokCol, Field: field, Limit: d.maxKept, Unit: "values"}
	}
	return nil
}

// newDecoder returns a decoder of r that reads at most limit bytes.
func newDecoder(r io.Reader, name string, limit int64) *decoder {
	d := &decoder{r: bufio.NewReaderSize(r, 64<<10), name: name, limit: limit, line: 1, col: 1}
	if b, err := d.r.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
		d.r.Discard(3)
		d.read = 3
	}
	return d
}

// errorf returns an error at the last token's position.
func (d *decoder) errorf(format string, args ...any) error {
	return fmt.Errorf("%s:%d:%d: %s", d.name, d.tokLine, d.tokCol, fmt.Sprintf(format, args...))
}

// readByte returns the next byte; at the end of the stream it returns 0 and
// io.EOF.
func (d *decoder) readByte() (byte, error) {
	b, err := d.r.ReadByte()
	if err != nil {
		if err == io.EOF {
			return 0, io.EOF
		}
		return 0, fmt.Errorf("%s: %w", d.name, err)
	}
	d.read++
	if d.read > d.limit {
		return 0, &LimitError{Name: d.name, Line: d.line, Col: d.col, Limit: d.limit, Unit: "bytes"}
	}
	d.prevWidth = d.col
	if b == '\n' {
		d.line++
		d.col = 1
	} else {
		d.col++
	}
	return b, nil
}

// unreadByte puts back the last byte read, which was not a line break.
func (d *decoder) unreadByte() {
	d.r.UnreadByte()
	d.read--
	d.col = d.prevWidth
}

// next reads the next token into d.kind and d.text.
func (d *decoder) next() error {
	if d.peeked {
		d.peeked = false
		return nil
	}
	var b byte
	for {
		var err error
		b, err = d.readByte()
		if err == io.EOF {
			d.kind, d.tokLine, d.tokCol = 0, d.line, d.col
			return nil
		}
		if err != nil {
			return err
		}
		if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
			break
		}
	}
	d.tokLine, d.tokCol = d.line, d.col-1
	d.text = d.text[:0]
	switch {
	case strings.IndexByte("{}[]:,", b) >= 0:
		d.kind = b
		return nil
	case b == '"':
		d.kind = '"'
		return d.readString()
	case b == '-' || '0' <= b && b <= '9':
		d.kind = '0'
		d.text = append(d.text, b)
		return d.readNumber()
	case b == 't' || b == 'f' || b == 'n':
		d.kind = b
		want := map[byte]string{'t': "true", 'f': "false", 'n': "null"}[b]
		for i := 1; i < len(want); i++ {
			c, err := d.readByte()
			if err != nil && err != io.EOF {
				return err
			}
			if err == io.EOF || c != want[i] {
				return d.errorf("invalid literal (want %s)", want)
			}
		}
		return nil
	}
	return d.errorf("invalid character %s looking for a JSON value", quoteByte(b))
}

// readString reads a string's bytes up to its closing quote, which it
// consumes. Escapes are checked and decoded by str.
func (d *decoder) readString() error {
	escaped := false
	for {
		b, err := d.readByte()
		if err == io.EOF {
			return d.errorf("unexpected end of file in a string")
		}
		if err != nil {
			return err
		}
		switch {
		case escaped:
			escaped = false
		case b == '\\':
			escaped = true
		case b == '"':
			return nil
		case b < 0x20:
			return d.errorf("control character %s in a string", quoteByte(b))
		}
		if len(d.text) >= maxToken {
			return d.errorf("a string longer than %d bytes", maxToken)
		}
		d.text = append(d.text, b)
	}
}

// readNumber reads the rest of a number token; the byte after it is left
// unread.
func (d *decoder) readNumber() error {
	for {
		b, err := d.readByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if !('0' <= b && b <= '9' || b == '.' || b == 'e' || b == 'E' || b == '+' || b == '-') {
			if b == '\n' {
				// A line break ends the number; it is whitespace, so it need
				// not be put back (and unreadByte cannot restore the column).
				break
			}
			d.unreadByte()
			break
		}
		if len(d.text) >= maxToken {
			return d.errorf("a number longer than %d characters", maxToken)
		}
		d.text = append(d.text, b)
	}
	if !validNumber(d.text) {
		return d.errorf("%s is not a JSON number", quote(string(d.text)))
	}
	return nil
}

// validNumber reports whether s is a number in JSON's grammar:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func validNumber(s []byte) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// found describes the last token for an error message.
func (d *decoder) found() string {
	switch d.kind {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case '"':
		return "the string " + quote(string(d.text))
	case '0':
		return "the number " + quote(string(d.text))
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return quoteByte(d.kind)
}

// expect reads the next token and fails unless it is kind.
func (d *decoder) expect(field string, kind byte, what string) error {
	if err := d.next(); err != nil {
		return err
	}
	if d.kind != kind {
		return d.unexpected(field, what)
	}
	return nil
}

// unexpected returns the error for a token where field wanted what.
func (d *decoder) unexpected(field, what string) error {
	if field != "" {
		field += ": "
	}
	if d.kind == 0 {
		return d.errorf("%sunexpected end of file (want %s)", field, what)
	}
	return d.errorf("%swant %s, found %s", field, what, d.found())
}

// object reads an object, calling member for each key with the field's
// name; member must read the value. A key given twice, also in another
// case, is an error naming both places. Keys are passed in lower case.
func (d *decoder) object(field string, member func(key, sub string) error) error {
	if err := d.expect(field, '{', "an object"); err != nil {
		return err
	}
	type place struct {
		key       string
		line, col int
	}
	seen := map[string]place{}
	for first := true; ; first = false {
		if err := d.next(); err != nil {
			return err
		}
		if d.kind == '}' && first {
			return nil
		}
		if d.kind != '"' {
			return d.unexpected(fieldOr(field, "the object"), "a key (a string)")
		}
		key, err := d.str()
		if err != nil {
			return err
		}
		sub := keyName(key)
		if field != "" {
			sub = field + "." + sub
		}
		lower := strings.ToLower(key)
		if p, ok := seen[lower]; ok {
			again := ""
			if p.key != key {
				again = fmt.Sprintf(" (as %s)", quote(p.key))
			}
			return d.errorf("%s: the key is given twice; first%s at %d:%d", quote(sub), again, p.line, p.col)
		}
		keyLine, keyCol := d.tokLine, d.tokCol
		seen[lower] = place{key, keyLine, keyCol}
		if err := d.expect(sub, ':', "a colon after the key"); err != nil {
			return err
		}
		if err := member(lower, sub); err != nil {
			if errors.Is(err, errUnknownKey) {
				d.tokLine, d.tokCol = keyLine, keyCol
				return d.errorf("unknown field %s", quote(sub))
			}
			return err
		}
		if err := d.next(); err != nil {
			return err
		}
		switch d.kind {
		case ',':
		case '}':
			return nil
		default:
			return d.unexpected(fieldOr(field, "the object"), "a comma or }")
		}
	}
}

// keyName is key as a field's name in messages: itself if it is a short
// word, otherwise quoted by a bounded prefix.
func keyName(key string) string {
	if len(key) == 0 || len(key) > MaxQuote {
		return quote(key)
	}
	for _, r := range key {
		if !(r == '_' || r == '-' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return quote(key)
		}
	}
	return key
}

// errUnknownKey is what a member function returns for a key the schema
// does not have.
var errUnknownKey = errors.New("unknown key")

func fieldOr(field, alt string) string {
	if field == "" {
		return alt
	}
	return field
}

// array reads an array, calling elem with each element's index and field
// name; elem must read the element.
func (d *decoder) array(field string, elem func(i int, sub string) error) error {
	if err := d.expect(field, '[', "an array"); err != nil {
		return err
	}
	for i := 0; ; i++ {
		if err := d.next(); err != nil {
			return err
		}
		if d.kind == ']' && i == 0 {
			return nil
		}
		d.peeked = true
		if err := elem(i, fmt.Sprintf("%s[%d]", field, i)); err != nil {
			return err
		}
		if err := d.next(); err != nil {
			return err
		}
		switch d.kind {
		case ',':
		case ']':
			return nil
		default:
			return d.unexpected(field, "a comma or ]")
		}
	}
}

// str returns the string token just read, decoded.
func (d *decoder) str() (string, error) {
	raw := make([]byte, 0, len(d.text)+2)
	raw = append(append(append(raw, '"'), d.text...), '"')
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", d.errorf("invalid string %s: %v", quote(string(d.text)), err)
	}
	return s, nil
}

// String reads a string value.
func (d *decoder) String(field string) (string, error) {
	if err := d.expect(field, '"', "a string"); err != nil {
		return "", err
	}
	return d.str()
}

// Float reads a finite number.
func (d *decoder) Float(field string) (float64, error) {
	if err := d.expect(field, '0', "a number"); err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(string(d.text), 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, d.errorf("%s: %s is beyond the range of float64", field, quote(string(d.text)))
	}
	return v, nil
}

// Int reads an integer that fits an int.
func (d *decoder) Int(field string) (int, error) {
	if err := d.expect(field, '0', "an integer"); err != nil {
		return 0, err
	}
	v, err := strconv.ParseInt(string(d.text), 10, strconv.IntSize)
	if err != nil {
		return 0, d.errorf("%s: %s is not an integer within the range of int", field, quote(string(d.text)))
	}
	return int(v), nil
}

// Uint64 reads an integer in [0, 2⁶⁴).
func (d *decoder) Uint64(field string) (uint64, error) {
	if err := d.expect(field, '0', "an integer"); err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(string(d.text), 10, 64)
	if err != nil {
		return 0, d.errorf("%s: %s is not an integer in [0, 2^64)", field, quote(string(d.text)))
	}
	return v, nil
}

// end fails unless only whitespace follows the value.
func (d *decoder) end() error {
	if err := d.next(); err != nil {
		return err
	}
	if d.kind != 0 {
		return d.errorf("data after the JSON value")
	}
	return nil
}

// start fails on an empty file, naming it.
func (d *decoder) start() error {
	if err := d.next(); err != nil {
		return err
	}
	if d.kind == 0 {
		return fmt.Errorf("%s: empty file", d.name)
	}
	d.peeked = true
	return nil
}

// quoteByte renders b for an error message.
func quoteByte(b byte) string {
	if b < utf8Self {
		return strconv.QuoteRune(rune(b))
	}
	return fmt.Sprintf("byte 0x%02x", b)
}

const utf8Self = 0x80
