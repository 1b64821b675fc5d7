//go:build unix

package main

import "syscall"

// withUmask runs f with the process's umask set to mask, so that the files
// f creates have no more permissions than mask lets through.
func withUmask(mask int, f func() error) error {
	old := syscall.Umask(mask)
	defer syscall.Umask(old)
	return f()
}
