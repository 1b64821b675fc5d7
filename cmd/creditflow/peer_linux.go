package main

import (
	"fmt"
	"net"
	"os"
	"syscall"

	"github.com/creditflow/creditflow"
)

// checkPeer refuses a client that runs as another user than the server
// (the socket's mode should already have kept it out).
func checkPeer(c *net.UnixConn) error {
	raw, err := c.SyscallConn()
	if err != nil {
		return err
	}
	var cred *syscall.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = syscall.GetsockoptUcred(int(fd), syscall.SOL_SOCKET, syscall.SO_PEERCRED)
	}); err != nil {
		return err
	}
	if credErr != nil {
		return fmt.Errorf("peer credentials: %w", credErr)
	}
	if int(cred.Uid) != os.Getuid() {
		return fmt.Errorf("%w: user %d may not run commands in the server of user %d", creditflow.ErrForbidden, cred.Uid, os.Getuid())
	}
	return nil
}
