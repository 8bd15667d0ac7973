//go:build race

package otlpsink_test

const raceEnabled = true
