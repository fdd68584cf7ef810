package main

import (
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/redcore/redcore-go/redcore/redcoretest"
)

// TestMain lets the test binary run as the redcore command, so that the
// scripts exec the real main function in a child process.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"redcore": main,
	})
}

// TestScripts runs testdata/script/*.txtar. Each script gets these
// variables, all on 127.0.0.1:
//
//	SANDBOX_URL    base URL of a redcoretest sandbox that lives as long as the script
//	SANDBOX_ORIGIN the same sandbox without the version path /v1
//	SANDBOX_TOKEN  the sandbox's full-scope token
//	SCRIPTED       origin of a scriptedServer: $SCRIPTED/MODE/v1 is the base URL of one mode
//	CLOSED_URL     base URL on a port that nothing listens on
//
// The sandbox gives new users the ids usr_new1, usr_new2 and so on.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:   "testdata/script",
		Setup: setupScript,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){
			"exitcode":    cmdExitcode,
			"requests":    cmdRequests,
			"waitrequest": cmdWaitRequest,
		},
	})
}

// scriptedKey is the key of the script's scripted server in Env.Values.
type scriptedKey struct{}

// setupScript starts the servers of one script and closes them after it.
func setupScript(env *testscript.Env) error {
	env.Setenv("GORACE", raceOptions())

	// New users get the ids usr_new1, usr_new2 and so on, which the
	// scripts can name in later commands.
	var created atomic.Int64
	newID := func(prefix string) string {
		return prefix + "new" + strconv.FormatInt(created.Add(1), 10)
	}
	handler, err := redcoretest.NewHandler(redcoretest.WithIDGenerator(newID))
	if err != nil {
		return fmt.Errorf("sandbox handler: %w", err)
	}
	sandbox := httptest.NewServer(handler)
	env.Defer(func() {
		sandbox.Close()
		_ = handler.Close()
	})
	env.Setenv("SANDBOX_URL", sandbox.URL+"/v1")
	env.Setenv("SANDBOX_ORIGIN", sandbox.URL)
	env.Setenv("SANDBOX_TOKEN", redcoretest.DefaultToken)

	scripted := newScriptedServer()
	env.Defer(scripted.close)
	env.Values[scriptedKey{}] = scripted
	env.Setenv("SCRIPTED", scripted.server.URL)

	closedURL, err := closedPortURL()
	if err != nil {
		return err
	}
	env.Setenv("CLOSED_URL", closedURL)
	return nil
}

// raceOptions returns $GORACE with the race detector's wait at exit turned
// off. By default a program built with -race sleeps one second before it
// exits, which would make every exec in the scripts take a second.
func raceOptions() string {
	return strings.TrimSpace(os.Getenv("GORACE") + " atexit_sleep_ms=0")
}

// closedPortURL returns a base URL on a loopback port that was free a moment
// ago and is closed now, so that a connection to it is refused.
func closedPortURL() (string, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	addr := listener.Addr().String()
	if err := listener.Close(); err != nil {
		return "", err
	}
	return "http://" + addr + "/v1", nil
}

// cmdExitcode runs `exitcode N PROGRAM ARGS...`: it execs the program like
// exec and fails unless the exit code is N. Its stdout and stderr are then
// checked with the stdout and stderr commands.
func cmdExitcode(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exitcode N program [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exitcode: invalid code %q", args[0])
	}

	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("exitcode: %v", err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("exit code %d, want %d", got, want)
	}
}

// cmdRequests runs `requests MODE N`: it fails unless the scripted server
// has received N requests for MODE, or for all modes with MODE "all".
func cmdRequests(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: requests MODE N")
	}
	want, err := strconv.Atoi(args[1])
	if err != nil {
		ts.Fatalf("requests: invalid count %q", args[1])
	}
	got := ts.Value(scriptedKey{}).(*scriptedServer).count(args[0])
	if got != want {
		ts.Fatalf("%d requests for %s, want %d", got, args[0], want)
	}
}

// cmdWaitRequest runs `waitrequest MODE`: it waits until the scripted server
// has received a request for MODE, for a command started in the background.
func cmdWaitRequest(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: waitrequest MODE")
	}
	scripted := ts.Value(scriptedKey{}).(*scriptedServer)
	deadline := time.Now().Add(10 * time.Second)
	for scripted.count(args[0]) == 0 {
		if time.Now().After(deadline) {
			ts.Fatalf("no request for %s within 10s", args[0])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
