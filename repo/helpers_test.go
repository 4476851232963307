package repo_test

// Shared helpers of the store's tests against a real database. Every test
// that calls newStore gets its own migrated database (testenv.Database);
// rows are made through the store's own insert and save functions, except
// the reference data (units, categories) that only migrations and admins
// write:
//
//	s := newStore(t)                        // a store over a fresh database
//	s.units(t, "U1", "U2")                  // units by code
//	s.categories(t, "C1")                   // categories by code
//	it := s.item(t, func(it *repo.Item) {   // an item, changed before it is saved
//		it.Status = "dispatched"
//	})

import (
	"context"
	"fmt"
	"testing"
	"time"

	"hotline/repo"
	"hotline/testenv"
)

// testStore is a store over a fresh database.
type testStore struct {
	*repo.Store
	ctx context.Context
	n   int // items made, for unique tracking codes
}

// newStore opens a store over a fresh migrated database, closed when the
// test ends.
func newStore(t *testing.T) *testStore {
	t.Helper()
	ctx := context.Background()
	s, err := repo.Open(ctx, testenv.Database(t), 4)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return &testStore{Store: s, ctx: ctx}
}

// units makes active units with the given codes.
func (s *testStore) units(t *testing.T, codes ...string) {
	t.Helper()
	for _, c := range codes {
		if _, err := s.DB().ExecContext(s.ctx, `INSERT INTO units (code, name) VALUES ($1, $2)`, c, "单位"+c); err != nil {
			t.Fatalf("insert unit %s: %v", c, err)
		}
	}
}

// categories makes categories with the given codes.
func (s *testStore) categories(t *testing.T, codes ...string) {
	t.Helper()
	for _, c := range codes {
		if _, err := s.DB().ExecContext(s.ctx, `INSERT INTO categories (code, name) VALUES ($1, $2)`, c, "类别"+c); err != nil {
			t.Fatalf("insert category %s: %v", c, err)
		}
	}
}

// item stores a received call (received now), applies change to it, saves it
// and returns it as stored. change may set any field InsertItemWithEvent or SaveItem
// writes.
func (s *testStore) item(t *testing.T, change func(*repo.Item)) repo.Item {
	t.Helper()
	s.n++
	it := repo.Item{TrackingCode: fmt.Sprintf("T%08d", s.n), Channel: "hotline", Kind: "complaint",
		Title: "路灯不亮", Content: "小区门口路灯坏了", Status: "received", ReceivedAt: time.Now()}
	if change != nil {
		change(&it)
	}
	stored, err := s.Q().InsertItemWithEvent(s.ctx, it, repo.Event{At: it.ReceivedAt, Actor: "system", Action: "created"})
	if err != nil {
		t.Fatalf("insert item: %v", err)
	}
	it.ID, it.UpdatedAt = stored.ID, stored.UpdatedAt
	if it.CoUnitCodes == nil {
		it.CoUnitCodes = stored.CoUnitCodes // the column is not null
	}
	if err := s.Q().SaveItem(s.ctx, it); err != nil {
		t.Fatalf("save item: %v", err)
	}
	out, err := s.Q().GetItem(s.ctx, it.ID)
	if err != nil {
		t.Fatalf("read item back: %v", err)
	}
	return out
}

// ptr is a pointer to v.
func ptr[T any](v T) *T { return &v }
