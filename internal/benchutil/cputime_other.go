//go:build !unix

package benchutil

import "time"

// Time returns 0: the process's CPU time is not measured here, and no cpu-ns/op is reported.
func Time() time.Duration { return 0 }
