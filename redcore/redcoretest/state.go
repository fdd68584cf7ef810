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

// stateVersion is the format version of the state file; a file of another
// version is rejected rather than misread.
const stateVersion = 1

// stateDocument is the content of the state file: the users of every
// organization, the invitations, and the recorded idempotency keys. The
// products are fixtures and are not kept.
type stateDocument struct {
	Version     int                   `json:"version"`
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
// NOTE: nothing stops two processes from using one state file. Each
// rewrites the whole file, so the last save wins and the other's writes are
// lost.
type stateFile struct {
	path string
	mu   sync.Mutex
}

// load reads the document at f.path. A missing file gives ok false.
func (f *stateFile) load() (doc stateDocument, ok bool, err error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return stateDocument{}, false, nil
	}
	if err != nil {
		return stateDocument{}, false, fmt.Errorf("read state file: %w", err)
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return stateDocument{}, false, fmt.Errorf("decode state file %q: %w", f.path, err)
	}
	if doc.Version != stateVersion {
		return stateDocument{}, false, fmt.Errorf("state file %q has version %d, want %d", f.path, doc.Version, stateVersion)
	}
	return doc, true, nil
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
	if err != nil {
		return fmt.Errorf("write state file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write state file: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync state file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write state file: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("replace state file: %w", err)
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

	return stateDocument{Version: stateVersion, Users: users, Invitations: invitations, Idempotency: records}
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
