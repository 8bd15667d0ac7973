package resolve_test

import (
	"fmt"
	"log/slog"

	"github.com/logbridge/logbridge/internal/resolve"
)

type user struct{ id int }

func (u user) LogValue() slog.Value {
	return slog.GroupValue(slog.Int("id", u.id), slog.String("role", "admin"))
}

func ExampleAttrs() {
	attrs := resolve.Attrs([]slog.Attr{slog.Any("user", user{7})})
	fmt.Println(attrs[0].Value.Kind(), attrs[0].Value)
	// Output: Group [id=7 role=admin]
}
