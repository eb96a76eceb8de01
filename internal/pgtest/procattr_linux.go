package pgtest

import "syscall"

// procAttr makes the server die with the test process: a test binary that
// is killed (a timeout, a signal) leaves no server running behind it.
func procAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
