//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"unsafe"
)

// TestListAllProgressOnTerminal runs `products list --all` with stderr on a
// pseudo-terminal, which testscript cannot set up, and reads the progress
// the command shows there.
func TestListAllProgressOnTerminal(t *testing.T) {
	ptmx, tty := openPTY(t)

	var stdout bytes.Buffer
	cmd := exec.Command("redcore", "--sandbox", "products", "list", "--all", "--limit", "25")
	cmd.Env = append(os.Environ(), "GORACE="+raceOptions())
	cmd.Stdout = &stdout
	cmd.Stderr = tty

	terminal := make(chan string, 1)
	go func() {
		// Reading the controlling side fails with EIO once every copy of
		// the terminal side is closed, which ends the output.
		out, _ := io.ReadAll(ptmx)
		terminal <- string(out)
	}()
	err := cmd.Run()
	_ = tty.Close()
	terminalOutput := <-terminal

	if err != nil {
		t.Fatalf("redcore: %v; terminal output %q", err, terminalOutput)
	}
	for _, want := range []string{
		"\rfetched 25 of 87 products",
		"\rfetched 50 of 87 products",
		"\rfetched 75 of 87 products",
		"\rfetched 87 of 87 products",
	} {
		if !strings.Contains(terminalOutput, want) {
			t.Errorf("terminal output %q lacks %q", terminalOutput, want)
		}
	}
	if !strings.HasSuffix(terminalOutput, "\r\x1b[K") {
		t.Errorf("terminal output %q does not end by erasing the progress line", terminalOutput)
	}
	if got := strings.Count(stdout.String(), "\nprod_"); got != 87 {
		t.Errorf("stdout has %d product rows, want 87", got)
	}
	if strings.Contains(stdout.String(), "fetched") {
		t.Errorf("stdout contains progress: %q", stdout.String())
	}
}

// openPTY opens a pseudo-terminal pair with the Linux ioctls and closes both
// sides after the test.
func openPTY(t *testing.T) (ptmx, tty *os.File) {
	t.Helper()
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("no /dev/ptmx")
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ptmx.Close() })

	var number uint32
	if err := ioctl(ptmx, syscall.TIOCGPTN, unsafe.Pointer(&number)); err != nil {
		t.Fatalf("TIOCGPTN: %v", err)
	}
	var unlock int32
	if err := ioctl(ptmx, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		t.Fatalf("TIOCSPTLCK: %v", err)
	}

	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", number), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = tty.Close() })
	return ptmx, tty
}

func ioctl(f *os.File, request uintptr, arg unsafe.Pointer) error {
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), request, uintptr(arg))
	if errno != 0 {
		return errno
	}
	return nil
}
