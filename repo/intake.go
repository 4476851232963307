package repo

import (
	"context"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/jmoiron/sqlx"
)

// Group commit of intake. Items arriving at once are stored by one
// statement, so that one commit — one WAL flush — makes many of them durable;
// each request still gets its answer only after its own item is committed.
// A committer takes the first item waiting and whatever else is waiting at
// that moment, so an item arriving alone waits for nobody. Several
// committers run at once, so that one batch is being collected while another
// commits.

const (
	// intakeCommitters is how many batches may be committing at once: two,
	// so that a slow commit does not hold up intake, and few, so that under
	// load each batch carries many items (measured: one to four committers at
	// 16 connections).
	intakeCommitters = 2
	// maxIntakeBatch is the most items one statement carries.
	maxIntakeBatch = 256
	// intakeBatchTimeout bounds a batch whose requests carry no deadline.
	intakeBatchTimeout = 10 * time.Second
)

// ErrNotGrouped says an item was not stored with a group: an item with an
// idempotency key or an upstream id, or one the group's statement could not
// take (a code taken, a missing reference). The caller stores it alone
// (InsertItemWithEvent), which says what was wrong with it, if anything.
var ErrNotGrouped = errors.New("item not stored with its group")

// intake is the group committer of a Store.
type intake struct {
	store *Store
	// stmt is the grouped insert, prepared on first use (the tables do not
	// exist before the migrations run), so Postgres plans it once per
	// connection rather than for every batch
	stmtMu sync.Mutex
	stmt   *sqlx.Stmt
	reqs   chan *intakeReq
	stop   chan struct{}
	once   sync.Once
	wg     sync.WaitGroup
}

type intakeReq struct {
	ctx  context.Context
	item Item
	ev   Event
	done chan intakeResult // buffered: a committer never waits for its requester
}

type intakeResult struct {
	item Item
	err  error
}

func newIntake(s *Store) *intake {
	in := &intake{store: s, reqs: make(chan *intakeReq), stop: make(chan struct{})}
	for range intakeCommitters {
		in.wg.Add(1)
		go in.run()
	}
	return in
}

// close stops the committers after the batches they are committing.
func (in *intake) close() {
	in.once.Do(func() { close(in.stop) })
	in.wg.Wait()
	if in.stmt != nil {
		_ = in.stmt.Close()
	}
}

// statement is the prepared grouped insert.
func (in *intake) statement(ctx context.Context) (*sqlx.Stmt, error) {
	in.stmtMu.Lock()
	defer in.stmtMu.Unlock()
	if in.stmt == nil {
		st, err := in.store.db.PreparexContext(ctx, insertItemsSQL)
		if err != nil {
			return nil, dbError("prepare the grouped insert", err)
		}
		in.stmt = st
	}
	return in.stmt, nil
}

// InsertItemGrouped stores a new item with its first event (e, whose ItemID
// is ignored) and its statistics mark, like InsertItemWithEvent, in one
// statement with the other items arriving at the same time. It returns
// ErrNotGrouped for an item the caller must store alone.
func (s *Store) InsertItemGrouped(ctx context.Context, it Item, e Event) (Item, error) {
	if idemClaimFrom(ctx) != nil || it.SourceRef != nil || it.IdemKey != nil {
		return Item{}, ErrNotGrouped
	}
	req := &intakeReq{ctx: ctx, item: it, ev: e, done: make(chan intakeResult, 1)}
	select {
	case s.intake.reqs <- req:
	case <-s.intake.stop:
		return Item{}, ErrNotGrouped
	case <-ctx.Done():
		return Item{}, contextEnded(ctx, ctx.Err())
	}
	// once taken, the item's fate is known only when its batch ends, which
	// the batch's deadline (the latest of its requests') bounds
	r := <-req.done
	return r.item, r.err
}

func (in *intake) run() {
	defer in.wg.Done()
	for {
		var first *intakeReq
		select {
		case first = <-in.reqs:
		case <-in.stop:
			return
		}
		batch := []*intakeReq{first}
	collect:
		for len(batch) < maxIntakeBatch {
			select {
			case r := <-in.reqs:
				batch = append(batch, r)
			default:
				break collect
			}
		}
		in.commit(batch)
	}
}

// commit stores a batch and answers each of its requests.
func (in *intake) commit(batch []*intakeReq) {
	live := batch[:0]
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.done <- intakeResult{err: contextEnded(r.ctx, err)}
			continue
		}
		live = append(live, r)
	}
	if len(live) == 0 {
		return
	}
	ctx, cancel := batchContext(live)
	defer cancel()
	// on an error the statement stored nothing: each item is then stored
	// alone, which names what was wrong, or fails the same way if the
	// database is gone
	stored, _ := in.insertItems(ctx, live)
	for _, r := range live {
		it, ok := stored[r.item.TrackingCode]
		if !ok {
			r.done <- intakeResult{err: ErrNotGrouped}
			continue
		}
		r.done <- intakeResult{item: it}
	}
}

// batchContext ends at the latest deadline of the batch's requests.
func batchContext(batch []*intakeReq) (context.Context, context.CancelFunc) {
	var latest time.Time
	for _, r := range batch {
		d, ok := r.ctx.Deadline()
		if !ok {
			d = time.Now().Add(intakeBatchTimeout)
		}
		if d.After(latest) {
			latest = d
		}
	}
	return context.WithDeadline(context.Background(), latest)
}

// intakeRow is one item and its first event as the grouped statement reads
// them (json_to_recordset): the item's own JSON form, its secret's hash in
// bytea's text form (the item's JSON leaves the hash out), and the event's
// fields under names of their own.
type intakeRow struct {
	Item
	SecretHash   *string   `json:"secret_hash"`
	EventAt      time.Time `json:"e_at"`
	EventActorID *int64    `json:"e_actor_id"`
	EventActor   string    `json:"e_actor"`
	EventAction  string    `json:"e_action"`
	EventFrom    *string   `json:"e_from"`
	EventTo      *string   `json:"e_to"`
	EventNote    string    `json:"e_note"`
	EventUnit    *string   `json:"e_unit"`
}

func intakeRowOf(it Item, e Event) intakeRow {
	r := intakeRow{Item: it, EventAt: e.At, EventActorID: e.ActorID, EventActor: e.Actor, EventAction: e.Action,
		EventFrom: e.FromStatus, EventTo: e.ToStatus, EventNote: e.Note, EventUnit: e.UnitCode}
	if it.SecretHash != nil {
		h := `\x` + hex.EncodeToString(it.SecretHash)
		r.SecretHash = &h
	}
	return r
}

// insertItems stores a batch in one statement and returns the stored items
// by tracking code. An item whose code is taken is left out (ON CONFLICT DO
// NOTHING), so it is missing from the answer.
func (in *intake) insertItems(ctx context.Context, batch []*intakeReq) (map[string]Item, error) {
	rows := make([]intakeRow, len(batch))
	for i, r := range batch {
		rows[i] = intakeRowOf(r.item, r.ev)
	}
	doc, err := asJSON("items", rows)
	if err != nil {
		return nil, err
	}
	st, err := in.statement(ctx)
	if err != nil {
		return nil, err
	}
	var out []Item
	if err := dbError("insert items", st.SelectContext(ctx, &out, doc)); err != nil {
		return nil, err
	}
	stored := make(map[string]Item, len(out))
	for _, it := range out {
		stored[it.TrackingCode] = it
	}
	return stored, nil
}

// insertItemsSQL stores the items of a JSON document ($1) with their created
// events and statistics marks.
const insertItemsSQL = `WITH r AS MATERIALIZED (SELECT * FROM json_to_recordset($1::json) AS r(
		tracking_code text, secret_hash bytea, channel text, kind text, category_code text, title text, content text,
		status text, urgent boolean, confidential boolean, citizen_name text, citizen_phone text, citizen_email text,
		author_id text, region text, source_url text, upstream_due_at timestamptz, publish_consent boolean,
		answer text, received_at timestamptz, replied_at timestamptz, created_by bigint, posted_at timestamptz,
		visit_due_at timestamptz, kb_article_id bigint, e_at timestamptz, e_actor_id bigint, e_actor text,
		e_action text, e_from text, e_to text, e_note text, e_unit text)),
	i AS (INSERT INTO items (tracking_code, secret_hash, channel, kind, category_code, title, content, status, urgent,
			confidential, citizen_name, citizen_phone, citizen_email, author_id, region, source_url, upstream_due_at,
			publish_consent, answer, received_at, replied_at, created_by, posted_at, visit_due_at, kb_article_id)
		SELECT tracking_code, secret_hash, channel, kind, category_code, title, content, status, urgent,
			confidential, citizen_name, citizen_phone, citizen_email, author_id, region, source_url, upstream_due_at,
			publish_consent, answer, received_at, replied_at, created_by, posted_at, visit_due_at, kb_article_id
		FROM r ORDER BY received_at
		ON CONFLICT DO NOTHING
		RETURNING ` + itemCols + `),
	e AS (INSERT INTO events (item_id, at, actor_id, actor, action, from_status, to_status, note, unit_code)
		SELECT i.id, r.e_at, r.e_actor_id, r.e_actor, r.e_action, r.e_from, r.e_to, r.e_note, r.e_unit
		FROM i JOIN r ON r.tracking_code = i.tracking_code ORDER BY i.id RETURNING item_id),
	d AS (INSERT INTO stats_dirty (item_id) SELECT item_id FROM e)
	SELECT * FROM i`
