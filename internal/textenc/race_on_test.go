//go:build race

package textenc

const raceDetector = true
