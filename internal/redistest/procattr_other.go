//go:build !linux

package redistest

import "syscall"

// procAttr is empty where there is no parent-death signal: a killed test
// binary leaves its server running.
func procAttr() *syscall.SysProcAttr { return &syscall.SysProcAttr{} }
