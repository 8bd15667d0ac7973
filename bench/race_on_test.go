//go:build race

package bench

// raceDetector says whether the race detector is on (it allocates, so allocation tests skip).
const raceDetector = true
