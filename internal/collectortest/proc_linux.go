package collectortest

import (
	"os/exec"
	"syscall"
)

// setProcAttr makes the kernel end the collector when the test process dies
// (a panic or a -timeout), so that no collector outlives its test.
func setProcAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
