package redcoretest

import (
	"slices"

	"github.com/redcore/redcore-go/api"
)

// storeData is a copy of the users and invitations of a store.
type storeData struct {
	users       map[string][]api.User
	invitations []Invitation
}

// copyData returns a copy of the users and invitations.
func (s *store) copyData() storeData {
	s.mu.RLock()
	defer s.mu.RUnlock()

	return storeData{users: s.snapshotUsersLocked(), invitations: slices.Clone(s.invitations)}
}

// restoreData replaces the users and invitations with a copy that copyData
// returned.
func (s *store) restoreData(d storeData) {
	s.mu.Lock()
	defer s.mu.Unlock()

	s.orgs = map[string]*orgUsers{}
	for org, users := range d.users {
		s.org(org).insertAll(users)
	}
	s.invitations = d.invitations
}

// durableWrite is one write of a sandbox with a state file, which must not
// be acknowledged before the state file has it.
type durableWrite struct {
	h      *Handler
	before storeData
}

// beginWrite starts a write. With a state file, writes run one at a time,
// and the data before the write is kept, so that a write whose save fails
// can be undone in memory without undoing another write. Without a state
// file it returns nil, and writes run concurrently. The caller must call
// end.
//
// NOTE: reads are not held back, so a read that runs while a write waits
// for its save can see a change that a failed save then undoes.
func (h *Handler) beginWrite(method string) *durableWrite {
	if h.state == nil || !isWrite(method) {
		return nil
	}
	h.writeMu.Lock()
	return &durableWrite{h: h, before: h.store.copyData()}
}

// rollback undoes the write's change of the users and invitations.
func (d *durableWrite) rollback() {
	if d != nil {
		d.h.store.restoreData(d.before)
	}
}

// end lets the next write run.
func (d *durableWrite) end() {
	if d != nil {
		d.h.writeMu.Unlock()
	}
}
