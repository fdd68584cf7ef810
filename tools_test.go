package redcoreapi_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// requireFile skips the test when a tool it runs is not installed, except in
// CI (CI set), where every guard must run and a missing tool fails the test.
func requireFile(t *testing.T, path, install string) {
	t.Helper()
	if _, err := os.Stat(path); err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s is missing in CI; %s", path, install)
	}
	t.Skipf("%s is missing; %s to run this test", path, install)
}

// writeFile writes data to name in dir and returns the file's path.
func writeFile(t *testing.T, dir, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// run runs a command in the repository root and returns its combined output
// and whether it exited 0. Any other failure to run it stops the test.
func run(t *testing.T, name string, args ...string) (string, bool) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	out, err := cmd.CombinedOutput()
	if _, exited := err.(*exec.ExitError); err != nil && !exited {
		t.Fatalf("run %s: %v", name, err)
	}
	return string(out), err == nil
}
