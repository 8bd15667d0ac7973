package testkit

// Struct values with a field of every basic kind, exported and not, for the tests that check
// a struct printer's per-type plan against the printer it stands in for (valuefmt's %+v
// against fmt, filelog's JSON against encoding/json).

// Flat is the usual logged struct: a few exported basic fields.
type Flat struct {
	ID    string
	Index int
	Flag  bool
}

// Level is a named basic type without methods.
type Level int

// AllKinds has a field of each basic kind, exported, unexported and blank.
type AllKinds struct {
	B   bool
	I   int
	I8  int8
	I16 int16
	I32 int32
	I64 int64
	U   uint
	U8  uint8
	U16 uint16
	U32 uint32
	U64 uint64
	Ptr uintptr
	F32 float32
	F64 float64
	S   string
	L   Level
	b   bool
	i   int
	f   float64
	s   string
	_   int
}

// Nested holds the others, exported and not, and an empty struct.
type Nested struct {
	A Flat
	b Flat
	K AllKinds
	E struct{}
}

// Kinds builds a Flat, an AllKinds and a Nested from a test case's inputs.
func Kinds(s string, i int64, u uint64, f float64, b bool) (Flat, AllKinds, Nested) {
	k := AllKinds{B: b, I: int(i), I8: int8(i), I16: int16(i), I32: int32(i), I64: i, U: uint(u),
		U8: uint8(u), U16: uint16(u), U32: uint32(u), U64: u, Ptr: uintptr(u), F32: float32(f), F64: f,
		S: s, L: Level(i), b: !b, i: int(-i), f: -f, s: s + s}
	fl := Flat{ID: s, Index: int(i), Flag: b}
	return fl, k, Nested{A: fl, b: Flat{ID: s + "x"}, K: k}
}
