package cuda

import (
	"fmt"
	"strconv"
)

func itoa(v int64) string   { return strconv.FormatInt(v, 10) }
func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
func hex(v uint64) string   { return fmt.Sprintf("%#x", v) }
