//go:build race

package markup

const raceDetector = true
