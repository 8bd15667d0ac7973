package vocab_test

import (
	"fmt"

	"github.com/logbridge/logbridge/vocab"
)

func ExampleParseColorMode() {
	mode, err := vocab.ParseColorMode("on") // e.g. from MYAPP_LOG_COLOR
	fmt.Println(mode, err)
	// Output: always <nil>
}

func ExampleParseLevel() {
	l, err := vocab.ParseLevel("warning")
	fmt.Println(vocab.LevelName(l), vocab.LevelKey(l), err)
	// Output: WARNING warn <nil>
}

func ExampleLogRecords() {
	fmt.Println(vocab.LogRecords(1))
	fmt.Println(vocab.LogRecords(7))
	// Output:
	// 1 log record
	// 7 log records
}
