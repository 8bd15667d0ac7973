//go:build !race

package handoff

const raceDetector = false
