package textenc

import (
	"errors"
	"reflect"
)

// joinType is the dynamic type of errors.Join's values.
var joinType = reflect.TypeOf(errors.Join(errors.New("")))

// maxJoinDepth bounds how deep AppendError follows joins inside joins; deeper ones are
// written with their own Error.
const maxJoinDepth = 16

// IsJoin reports whether err is a value of errors.Join, whose text is its parts' texts, one
// per line.
func IsJoin(err error) bool { return err != nil && reflect.TypeOf(err) == joinType }

// AppendError appends err.Error() to b. An errors.Join value builds its string anew on every
// Error call (two allocations each time, paid once per sink and per use); its text is its
// parts' texts joined by newlines, which AppendError writes part by part instead, allocating
// nothing. A panic in an Error method is the caller's to recover, as with Error itself.
func AppendError(b []byte, err error) []byte { return appendError(b, err, 0) }

func appendError(b []byte, err error, depth int) []byte {
	if depth < maxJoinDepth && IsJoin(err) {
		for i, e := range err.(interface{ Unwrap() []error }).Unwrap() {
			if i > 0 {
				b = append(b, '\n')
			}
			b = appendError(b, e, depth+1)
		}
		return b
	}
	return append(b, err.Error()...)
}
