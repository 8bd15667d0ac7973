//go:build !unix

package console_test

import "time"

// cpuTime is not measured here: no cpu-ns/op is reported.
func cpuTime() time.Duration { return 0 }
