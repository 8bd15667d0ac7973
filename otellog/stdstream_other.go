//go:build !unix

package otellog

import (
	"context"
	"io"
)

// ownDescriptor returns w: only on Unix does a write to standard output or error that meets a
// closed pipe end the process (see stdstream_unix.go).
func ownDescriptor(w io.Writer) (io.Writer, func(context.Context) error) { return w, nil }
