// Package richtest finds Rich, the Python library logbridge's console and markup follow, for
// tests that compare their output with Rich's own.
//
// Debian's python3-rich provides it (scripts/install-python3-rich.sh installs it; `make test`
// runs that script). A test calling [Python] skips, saying why, where no Python can import
// Rich.
package richtest

import (
	"os/exec"
	"sync"
	"testing"
)

var (
	once   sync.Once
	python string
)

// Python returns a Python interpreter that can import Rich, or skips the test when there is
// none. The system's /usr/bin/python3 comes first: a python3 earlier on PATH (pyenv, a
// virtual environment) may not see Debian's packages.
func Python(t testing.TB) string {
	t.Helper()
	once.Do(func() {
		for _, py := range []string{"/usr/bin/python3", "python3"} {
			if exec.Command(py, "-c", "import rich.logging").Run() == nil {
				python = py
				return
			}
		}
	})
	if python == "" {
		t.Skip("no Python with Rich here (python3-rich missing): run scripts/install-python3-rich.sh")
	}
	return python
}
