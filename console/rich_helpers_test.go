package console

import (
	"os/exec"
	"sync"
	"testing"
)

// richPython returns a Python interpreter that can import Rich (Debian's python3-rich, which
// scripts/install-python3-rich.sh installs), or skips the test when there is none. The
// system's /usr/bin/python3 comes first: a python3 earlier on PATH (pyenv, a venv) may not
// see Debian's packages.
func richPython(t *testing.T) string {
	t.Helper()
	richOnce.Do(func() {
		for _, py := range []string{"/usr/bin/python3", "python3"} {
			if exec.Command(py, "-c", "import rich.logging").Run() == nil {
				richPy = py
				return
			}
		}
	})
	if richPy == "" {
		t.Skip("no python3 with Rich here (python3-rich missing): run scripts/install-python3-rich.sh")
	}
	return richPy
}

var (
	richOnce sync.Once
	richPy   string
)
