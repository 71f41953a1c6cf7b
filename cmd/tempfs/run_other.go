//go:build !unix

package main

import "os"

// forwardedSignals are the signals tempfs run passes on to CMD.
func forwardedSignals() []os.Signal { return []os.Signal{os.Interrupt} }

// exitStatus is CMD's exit status.
func exitStatus(ps *os.ProcessState) int { return ps.ExitCode() }
