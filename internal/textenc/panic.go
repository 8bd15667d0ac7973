package textenc

import (
	"fmt"
	"reflect"
)

// NilText is what a nil value, and a nil pointer whose method panicked, shows.
const NilText = "<nil>"

// PanicValue is what a value whose method panicked with r shows: NilText for a nil pointer
// (the likely cause), like fmt and slog, else PanicText(r).
func PanicValue(x, r any) string {
	if v := reflect.ValueOf(x); v.Kind() == reflect.Pointer && v.IsNil() {
		return NilText
	}
	return PanicText(r)
}

// PanicText is "!PANIC: " and the panic value r, safe from a panic while printing r.
func PanicText(r any) (s string) {
	defer func() {
		if recover() != nil {
			s = "!PANIC: (panic value panicked when printed)"
		}
	}()
	return fmt.Sprintf("!PANIC: %v", r)
}
