// Package textenc holds the text-encoding primitives the console and the file sink share, so
// that each rule exists once: which runes are unsafe to show (the security rule), when a
// string needs quoting, how text is escaped, RFC 3339 timestamps, source locations and the
// text a panicking value shows.
//
// Most of it is written by hand for speed: each such piece says in its comment which
// benchmark beside the standard library call (bench_test.go) shows that it pays.
package textenc
