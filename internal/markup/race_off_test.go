//go:build !race

package markup

const raceDetector = false
