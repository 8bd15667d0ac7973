package otlpsink

import (
	"fmt"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// fieldReader walks the fields of one message: next reads a tag, then one of the value
// methods (or skip) consumes the value. The first error sticks: next then reports false and
// the value methods return zero values.
type fieldReader struct {
	b   []byte
	num protowire.Number
	typ protowire.Type
	err error
}

// next reads the next field's tag, reporting false at the end of the message or after an
// error.
func (f *fieldReader) next() bool {
	if f.err != nil || len(f.b) == 0 {
		return false
	}
	num, typ, n := protowire.ConsumeTag(f.b)
	if n < 0 {
		f.err = protowire.ParseError(n)
		return false
	}
	f.num, f.typ, f.b = num, typ, f.b[n:]
	return true
}

// fail records err, if it is the first error.
func (f *fieldReader) fail(err error) {
	if f.err == nil && err != nil {
		f.err = err
	}
}

// want reports whether the field has wire type typ, failing if it has not.
func (f *fieldReader) want(typ protowire.Type) bool {
	if f.err != nil {
		return false
	}
	if f.typ != typ {
		f.err = fmt.Errorf("%w: field %d has type %d, not %d", errDecodeWireType, f.num, f.typ, typ)
		return false
	}
	return true
}

// consumed advances past a value n bytes long (or fails with protowire's error for n < 0).
func (f *fieldReader) consumed(n int) bool {
	if n < 0 {
		f.fail(protowire.ParseError(n))
		return false
	}
	f.b = f.b[n:]
	return true
}

func (f *fieldReader) varint() uint64 {
	if !f.want(protowire.VarintType) {
		return 0
	}
	v, n := protowire.ConsumeVarint(f.b)
	if !f.consumed(n) {
		return 0
	}
	return v
}

func (f *fieldReader) fixed64() uint64 {
	if !f.want(protowire.Fixed64Type) {
		return 0
	}
	v, n := protowire.ConsumeFixed64(f.b)
	if !f.consumed(n) {
		return 0
	}
	return v
}

func (f *fieldReader) fixed32() uint32 {
	if !f.want(protowire.Fixed32Type) {
		return 0
	}
	v, n := protowire.ConsumeFixed32(f.b)
	if !f.consumed(n) {
		return 0
	}
	return v
}

// bytes returns a length-delimited value, aliasing the message.
func (f *fieldReader) bytes() []byte {
	if !f.want(protowire.BytesType) {
		return nil
	}
	v, n := protowire.ConsumeBytes(f.b)
	if !f.consumed(n) {
		return nil
	}
	return v
}

// str returns a string field's value (a copy), failing if it is not UTF-8, which
// appendRecord refuses to send.
func (f *fieldReader) str() string {
	b := f.bytes()
	if !utf8.Valid(b) {
		f.fail(errDecodeUTF8)
		return ""
	}
	return string(b)
}

// skip consumes the value of a field decodeRecord does not know.
func (f *fieldReader) skip() {
	if f.err != nil {
		return
	}
	f.consumed(protowire.ConsumeFieldValue(f.num, f.typ, f.b))
}
