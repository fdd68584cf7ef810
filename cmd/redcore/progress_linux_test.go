//go:build linux

package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync/atomic"
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

// TestRetryNoticesOnTerminal runs `users list` against a server that
// answers 429 twice, with stderr on a pseudo-terminal: each retry wait
// shows one line there.
func TestRetryNoticesOnTerminal(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if requests.Add(1) <= 2 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = io.WriteString(w, `{"error":{"code":"RATE_LIMIT_EXCEEDED","message":"slow down","request_id":"req_1"}}`)
			return
		}
		_, _ = io.WriteString(w, `{"data":[],"meta":{"total":0,"limit":20,"offset":0}}`)
	}))
	defer srv.Close()
	ptmx, tty := openPTY(t)

	cmd := exec.Command("redcore", "--base-url", srv.URL+"/v1", "--token", "test_token", "users", "list")
	cmd.Env = append(os.Environ(), "GORACE="+raceOptions())
	cmd.Stderr = tty
	terminalOutput, err := runOnTerminal(cmd, ptmx, tty)

	if err != nil {
		t.Fatalf("redcore: %v; terminal output %q", err, terminalOutput)
	}
	for _, want := range []string{
		"rate limited (429); retrying in 0s (attempt 2 of 3)\r\n",
		"rate limited (429); retrying in 0s (attempt 3 of 3)\r\n",
	} {
		if got := strings.Count(terminalOutput, want); got != 1 {
			t.Errorf("terminal output %q has %q %d times, want once", terminalOutput, want, got)
		}
	}
}

// TestDeleteWithStdinFromDevNull runs `users delete` without --yes and with
// standard input from /dev/null, a character device but no terminal: the
// command must not ask, and must exit 2 naming --yes without a request.
func TestDeleteWithStdinFromDevNull(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()

	var stderr bytes.Buffer
	cmd := exec.Command("redcore", "--base-url", srv.URL+"/v1", "--token", "test_token", "users", "delete", "usr_1")
	cmd.Env = append(os.Environ(), "GORACE="+raceOptions())
	cmd.Stdin = devNull
	cmd.Stderr = &stderr
	err = cmd.Run()

	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != exitUsage {
		t.Fatalf("redcore: %v, want exit code %d; stderr %q", err, exitUsage, stderr.String())
	}
	if !strings.Contains(stderr.String(), "--yes") {
		t.Errorf("stderr %q does not name --yes", stderr.String())
	}
	if strings.Contains(stderr.String(), "[y/N]") {
		t.Errorf("stderr %q has the confirmation prompt", stderr.String())
	}
	if n := requests.Load(); n != 0 {
		t.Errorf("server got %d requests, want 0", n)
	}
}

func TestIsTerminal(t *testing.T) {
	_, tty := openPTY(t)
	devNull, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer devNull.Close()
	reader, writer, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	defer writer.Close()

	tests := []struct {
		name string
		file *os.File
		want bool
	}{
		{"pseudo-terminal", tty, true},
		{"dev null", devNull, false},
		{"pipe", reader, false},
		{"nil", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isTerminal(tt.file); got != tt.want {
				t.Errorf("isTerminal() = %t, want %t", got, tt.want)
			}
		})
	}
}

// runOnTerminal runs cmd, whose standard error or output is tty, and
// returns what it wrote to the terminal.
func runOnTerminal(cmd *exec.Cmd, ptmx, tty *os.File) (string, error) {
	terminal := make(chan string, 1)
	go func() {
		// Reading the controlling side fails with EIO once every copy of
		// the terminal side is closed, which ends the output.
		out, _ := io.ReadAll(ptmx)
		terminal <- string(out)
	}()
	err := cmd.Run()
	_ = tty.Close()
	return <-terminal, err
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
