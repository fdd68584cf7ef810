package redcoretest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/redcore/redcore-go/api"
)

// stateVersion is the format version of the state file that saves write.
// Version 2 added the random token and compares the JSON bodies of
// idempotency keys in canonical form. Version 1 files are still read. A
// file of any other version is rejected rather than misread.
const (
	stateVersion       = 2
	oldestStateVersion = 1
)

// stateFixHint is the advice for a state file that cannot be read.
const stateFixHint = "fix the file, or delete it to start again from the sample data"

// stateDocument is the content of the state file: the random token of
// WithRandomToken, the users of every organization, the invitations, and
// the recorded idempotency keys. The products are fixtures and are not
// kept.
type stateDocument struct {
	Version     int                   `json:"version"`
	Token       string                `json:"token,omitempty"`
	Users       map[string][]api.User `json:"users"`
	Invitations []Invitation          `json:"invitations"`
	Idempotency []idempotencyRecord   `json:"idempotency"`
}

// stateFile writes the sandbox's data to one file. Each save writes the
// whole document to a temporary file in the same directory and syncs it.
// Then it renames the temporary file over the old one and syncs the
// directory, so the file on disk is either the old or the new complete
// document, never a mix.
//
// Every save rewrites the whole document, so a write costs time in
// proportion to the data: fine for a sandbox of thousands of users and,
// by estimate, slow past about a hundred thousand.
//
// NOTE: nothing stops two processes from using one state file. Each
// rewrites the whole file, so the last save wins and the other's writes are
// lost.
type stateFile struct {
	path string
	mu   sync.Mutex
}

// load reads the document at f.path. A missing file gives ok false. Each
// error names the file, what is wrong with it and what to do.
func (f *stateFile) load() (doc stateDocument, ok bool, err error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return stateDocument{}, false, nil
	}
	if err != nil {
		return stateDocument{}, false, fmt.Errorf("cannot read state file %q: %w; make it a readable file or choose another path",
			f.path, pathCause(err))
	}

	var syntaxErr *json.SyntaxError
	err = json.Unmarshal(data, &doc)
	switch {
	case errors.As(err, &syntaxErr):
		return stateDocument{}, false, fmt.Errorf("state file %q is not valid JSON (%s at %s); %s",
			f.path, syntaxErr, position(data, syntaxErr.Offset-1), stateFixHint)
	case err != nil:
		return stateDocument{}, false, fmt.Errorf("state file %q is not a sandbox state file (%w); %s", f.path, err, stateFixHint)
	case doc.Version == 0:
		return stateDocument{}, false, fmt.Errorf("state file %q has no version, so it is not a sandbox state file; %s", f.path, stateFixHint)
	case doc.Version < oldestStateVersion || doc.Version > stateVersion:
		return stateDocument{}, false, fmt.Errorf("state file %q has version %d, but this sandbox reads versions %d to %d; %s",
			f.path, doc.Version, oldestStateVersion, stateVersion, stateFixHint)
	}

	if doc.Version == 1 {
		for i := range doc.Idempotency {
			doc.Idempotency[i].RawBodyFingerprint = true
		}
	}
	return doc, true, nil
}

// pathCause returns the cause of an *fs.PathError, such as "permission
// denied", without the path that the caller names itself.
func pathCause(err error) error {
	var pathErr *fs.PathError
	if errors.As(err, &pathErr) {
		return pathErr.Err
	}
	return err
}

// save writes the document that snapshot returns. Saves are serialized and
// each takes its snapshot after the previous save finished, so a later save
// never writes older data than an earlier one.
func (f *stateFile) save(snapshot func() stateDocument) error {
	f.mu.Lock()
	defer f.mu.Unlock()

	data, err := json.Marshal(snapshot())
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}

	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(f.path)+".tmp-*")
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot write state file %q: directory %q does not exist; create it or choose another path", f.path, dir)
	}
	if err != nil {
		return fmt.Errorf("cannot write state file %q: %w; check the permissions of directory %q", f.path, pathCause(err), dir)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write state file %q: %w", f.path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync state file %q: %w", f.path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write state file %q: %w", f.path, err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("replace state file %q: %w", f.path, pathCause(err))
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync state directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync state directory: %w", err)
	}
	return nil
}

// snapshot returns the data the state file keeps, taken under the locks of
// the store and of the idempotency keys.
func (h *Handler) snapshot() stateDocument {
	h.store.mu.RLock()
	users := h.store.snapshotUsersLocked()
	invitations := append([]Invitation(nil), h.store.invitations...)
	h.store.mu.RUnlock()

	h.idempotency.mu.Lock()
	records := h.idempotency.snapshotLocked()
	h.idempotency.mu.Unlock()

	return stateDocument{
		Version:     stateVersion,
		Token:       h.randomToken,
		Users:       users,
		Invitations: invitations,
		Idempotency: records,
	}
}

// restore replaces the users and invitations with those of doc and adds its
// idempotency keys.
func (h *Handler) restore(doc stateDocument) {
	for org, users := range doc.Users {
		h.store.putUsers(org, users)
	}
	h.store.mu.Lock()
	h.store.invitations = doc.Invitations
	h.store.mu.Unlock()
	h.idempotency.restore(doc.Idempotency)
}
