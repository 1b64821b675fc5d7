//go:build !linux

package main

import "net"

// checkPeer lets every client in: the socket's mode 0600 keeps other users
// out.
func checkPeer(*net.UnixConn) error { return nil }
