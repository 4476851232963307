package repo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/lib/pq"
)

// Item is a row of items. Its JSON form is what the set-based statements
// read (json_to_recordset); the secret's hash is never in it.
type Item struct {
	ID               int64          `db:"id" json:"id"`
	TrackingCode     string         `db:"tracking_code" json:"tracking_code"`
	SecretHash       []byte         `db:"secret_hash" json:"-"`
	Channel          string         `db:"channel" json:"channel"`
	Kind             string         `db:"kind" json:"kind"`
	CategoryCode     *string        `db:"category_code" json:"category_code"`
	Title            string         `db:"title" json:"title"`
	Content          string         `db:"content" json:"content"`
	Status           string         `db:"status" json:"status"`
	Urgent           bool           `db:"urgent" json:"urgent"`
	Confidential     bool           `db:"confidential" json:"confidential"`
	CitizenName      string         `db:"citizen_name" json:"citizen_name"`
	CitizenPhone     string         `db:"citizen_phone" json:"citizen_phone"`
	CitizenEmail     string         `db:"citizen_email" json:"citizen_email"`
	AuthorID         string         `db:"author_id" json:"author_id"`
	Region           string         `db:"region" json:"region"`
	SourceRef        *string        `db:"source_ref" json:"source_ref"`
	SourceURL        string         `db:"source_url" json:"source_url"`
	PostedAt         *time.Time     `db:"posted_at" json:"posted_at"`
	UpstreamDueAt    *time.Time     `db:"upstream_due_at" json:"upstream_due_at"`
	PublishConsent   bool           `db:"publish_consent" json:"publish_consent"`
	PublishedAt      *time.Time     `db:"published_at" json:"published_at"`
	Answer           string         `db:"answer" json:"answer"`
	ReceivedAt       time.Time      `db:"received_at" json:"received_at"`
	DispatchedAt     *time.Time     `db:"dispatched_at" json:"dispatched_at"`
	AcceptDueAt      *time.Time     `db:"accept_due_at" json:"accept_due_at"`
	DueAt            *time.Time     `db:"due_at" json:"due_at"`
	OriginalDueAt    *time.Time     `db:"original_due_at" json:"original_due_at"`
	RemindAt         *time.Time     `db:"remind_at" json:"remind_at"`
	RemindedAt       *time.Time     `db:"reminded_at" json:"reminded_at"`
	Overdue          bool           `db:"overdue" json:"overdue"`
	OverdueAt        *time.Time     `db:"overdue_at" json:"overdue_at"`
	PrimaryUnitCode  *string        `db:"primary_unit_code" json:"primary_unit_code"`
	CoUnitCodes      pq.StringArray `db:"co_unit_codes" json:"co_unit_codes"`
	AcceptedAt       *time.Time     `db:"accepted_at" json:"accepted_at"`
	RepliedAt        *time.Time     `db:"replied_at" json:"replied_at"`
	CompletedAt      *time.Time     `db:"completed_at" json:"completed_at"`
	HandleSeconds    *int64         `db:"handle_seconds" json:"handle_seconds"`
	ClosedAt         *time.Time     `db:"closed_at" json:"closed_at"`
	VisitDueAt       *time.Time     `db:"visit_due_at" json:"visit_due_at"`
	ReopenedCount    int            `db:"reopened_count" json:"reopened_count"`
	MergedIntoID     *int64         `db:"merged_into_id" json:"merged_into_id"`
	CreatedBy        *int64         `db:"created_by" json:"created_by"`
	IdemScope        *string        `db:"idem_scope" json:"idem_scope"`
	IdemKey          *string        `db:"idem_key" json:"idem_key"`
	UpdatedAt        time.Time      `db:"updated_at" json:"updated_at"`
	PublishedTitle   *string        `db:"published_title" json:"published_title"`
	PublishedContent *string        `db:"published_content" json:"published_content"`
	KBArticleID      *int64         `db:"kb_article_id" json:"kb_article_id"`
}

const itemCols = `id, tracking_code, secret_hash, channel, kind, category_code, title, content, status, urgent,
	confidential, citizen_name, citizen_phone, citizen_email, author_id, region, source_ref, source_url,
	posted_at, upstream_due_at, publish_consent, published_at, answer, received_at, dispatched_at, accept_due_at, due_at,
	original_due_at, remind_at, reminded_at, overdue, overdue_at, primary_unit_code, co_unit_codes, accepted_at,
	replied_at, completed_at, handle_seconds, closed_at, visit_due_at, reopened_count, merged_into_id, created_by,
	idem_scope, idem_key, updated_at, published_title, published_content, kb_article_id`

// InsertItemWithEvent stores a new item, its first event (e, whose ItemID
// is ignored) and the mark for the statistics in one statement: one round
// trip where intake used to send two.
func (q *Q) InsertItemWithEvent(ctx context.Context, it Item, e Event) (Item, error) {
	it = withRequestKey(ctx, it)
	var out Item
	err := sqlxGet(ctx, q, "insert item", &out, `WITH i AS (INSERT INTO items (tracking_code, secret_hash, channel, kind,
			category_code, title, content, status, urgent, confidential, citizen_name, citizen_phone, citizen_email,
			author_id, region, source_ref, source_url, upstream_due_at, publish_consent, answer, received_at, replied_at,
			created_by, idem_scope, idem_key, posted_at, visit_due_at, kb_article_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
			$23, $24, $25, $26, $27, $28)
		RETURNING `+itemCols+`),
		e AS (INSERT INTO events (item_id, at, actor_id, actor, action, from_status, to_status, note, unit_code)
			SELECT id, $29, $30, $31, $32, $33, $34, $35, $36 FROM i RETURNING item_id),
		d AS (INSERT INTO stats_dirty (item_id) SELECT item_id FROM e)
		SELECT * FROM i`,
		it.TrackingCode, it.SecretHash, it.Channel, it.Kind, it.CategoryCode, it.Title, it.Content, it.Status,
		it.Urgent, it.Confidential, it.CitizenName, it.CitizenPhone, it.CitizenEmail, it.AuthorID, it.Region,
		it.SourceRef, it.SourceURL, it.UpstreamDueAt, it.PublishConsent, it.Answer, it.ReceivedAt, it.RepliedAt,
		it.CreatedBy, it.IdemScope, it.IdemKey, it.PostedAt, it.VisitDueAt, it.KBArticleID,
		e.At, e.ActorID, e.Actor, e.Action, e.FromStatus, e.ToStatus, e.Note, e.UnitCode)
	if err != nil {
		return Item{}, err
	}
	q.created(ctx, "item", out.ID)
	return out, nil
}

// SaveItem writes every field an action may change.
func (q *Q) SaveItem(ctx context.Context, it Item) error {
	_, err := q.x.ExecContext(ctx, `UPDATE items SET status = $2, category_code = $3, urgent = $4,
			published_at = $5, answer = $6, dispatched_at = $7, accept_due_at = $8, due_at = $9, original_due_at = $10,
			remind_at = $11, reminded_at = $12, overdue = $13, overdue_at = $14, primary_unit_code = $15,
			co_unit_codes = $16, accepted_at = $17, replied_at = $18, completed_at = $19, handle_seconds = $20,
			closed_at = $21, visit_due_at = $22, reopened_count = $23, merged_into_id = $24,
			citizen_name = $25, citizen_phone = $26, citizen_email = $27, author_id = $28, updated_at = now()
		WHERE id = $1`,
		it.ID, it.Status, it.CategoryCode, it.Urgent, it.PublishedAt, it.Answer, it.DispatchedAt, it.AcceptDueAt,
		it.DueAt, it.OriginalDueAt, it.RemindAt, it.RemindedAt, it.Overdue, it.OverdueAt, it.PrimaryUnitCode,
		it.CoUnitCodes, it.AcceptedAt, it.RepliedAt, it.CompletedAt, it.HandleSeconds, it.ClosedAt, it.VisitDueAt,
		it.ReopenedCount, it.MergedIntoID, it.CitizenName, it.CitizenPhone, it.CitizenEmail, it.AuthorID)
	if err != nil {
		return fmt.Errorf("save item %d: %w", it.ID, err)
	}
	return nil
}

// GetItem reads one item.
func (q *Q) GetItem(ctx context.Context, id int64) (Item, error) {
	var it Item
	err := sqlxGet(ctx, q, "get item", &it, `SELECT `+itemCols+` FROM items WHERE id = $1`, id)
	return it, err
}

// LockItem reads one item and locks its row until the transaction ends, so
// that concurrent actions on the same item run one after the other.
func (q *Q) LockItem(ctx context.Context, id int64) (Item, error) {
	var it Item
	if err := sqlxGet(ctx, q, "lock item", &it, `SELECT `+itemCols+` FROM items WHERE id = $1 FOR UPDATE`, id); err != nil {
		return Item{}, err
	}
	return it, q.keyFree(ctx)
}

// ItemBySourceRef finds a microblog or platform item by its upstream id.
func (q *Q) ItemBySourceRef(ctx context.Context, channel, ref string) (Item, error) {
	var it Item
	err := sqlxGet(ctx, q, "read item by source ref", &it, `SELECT `+itemCols+` FROM items WHERE channel = $1 AND source_ref = $2`, channel, ref)
	return it, err
}

// ItemByIdemKey finds the item a request with this idempotency key created.
func (q *Q) ItemByIdemKey(ctx context.Context, scope, key string) (Item, error) {
	var it Item
	err := sqlxGet(ctx, q, "read item by idem key", &it, `SELECT `+itemCols+` FROM items WHERE idem_scope = $1 AND idem_key = $2`, scope, key)
	return it, err
}

// ItemByTrackingCode finds an item by the code given to the citizen.
func (q *Q) ItemByTrackingCode(ctx context.Context, code string) (Item, error) {
	var it Item
	err := sqlxGet(ctx, q, "read item by tracking code", &it, `SELECT `+itemCols+` FROM items WHERE tracking_code = $1`, code)
	return it, err
}

// ItemFilter selects items for a list. Zero values do not filter.
type ItemFilter struct {
	Status   string
	UnitCode string // primary or co-handling unit
	// PrimaryUnitCode is the primary unit only: the unit the statistics
	// credit with the item.
	PrimaryUnitCode string
	// CoUnitCode keeps the items this unit co-handles and is not the
	// primary unit of: what a unit's list holds beyond the items the
	// statistics credit to it.
	CoUnitCode string
	// Open keeps items still waiting for a unit's answer.
	Open bool
	// Figure keeps the items a statistics figure counts (a name of
	// FigureNames), as the roll-ups last counted them.
	Figure       string
	Channel      string
	Kind         string
	CategoryCode string
	Overdue      *bool
	VisitDue     *bool
	Q            string
	From, To     *time.Time
	// ScopeUnit restricts the list to one unit's items (unit roles).
	ScopeUnit string
	// BeforeID is the cursor: the last item of the previous page. The
	// following page holds the items after it in the list's order.
	BeforeID int64
	Limit    int
}

// ByReceivedAt tells whether the list is ordered by received_at (then id)
// rather than by id: when dates narrow it, so that a past period is read from
// the received_at index at its own place instead of walking the primary key
// down from the newest item until the period is reached.
func (f ItemFilter) ByReceivedAt() bool { return f.From != nil || f.To != nil }

// ListItems returns items, newest first, matching the filter: by id, or by
// received_at and id when dates narrow the list (ByReceivedAt).
func (q *Q) ListItems(ctx context.Context, f ItemFilter) ([]Item, error) {
	where, args := itemWhere(f)
	order := "id DESC"
	if f.ByReceivedAt() {
		order = "received_at DESC, id DESC"
	}
	if f.BeforeID > 0 {
		args = append(args, f.BeforeID)
		n := len(args)
		if f.ByReceivedAt() {
			// a row comparison on both keys, which the (received_at DESC,
			// id DESC) index answers; the cursor stays a bare id
			where = append(where, fmt.Sprintf("(received_at, id) < ((SELECT received_at FROM items WHERE id = $%d), $%d)", n, n))
		} else {
			where = append(where, fmt.Sprintf("id < $%d", n))
		}
	}
	query := `SELECT ` + itemCols + ` FROM items`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, f.Limit)
	query += fmt.Sprintf(" ORDER BY %s LIMIT $%d", order, len(args))
	var out []Item
	err := sqlxSelect(ctx, q, "list items", &out, query, args...)
	return out, err
}

// CountItems counts the items matching the filter (its cursor and limit
// aside).
func (q *Q) CountItems(ctx context.Context, f ItemFilter) (int64, error) {
	where, args := itemWhere(f)
	query := `SELECT count(*) FROM items`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	var n int64
	err := sqlxGet(ctx, q, "count items", &n, query, args...)
	return n, err
}

// CountItemsUpTo counts the items matching the filter, stopping at limit:
// a count that stays fast however many match.
func (q *Q) CountItemsUpTo(ctx context.Context, f ItemFilter, limit int) (int64, error) {
	where, args := itemWhere(f)
	query := `SELECT 1 FROM items`
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	args = append(args, limit)
	var n int64
	err := sqlxGet(ctx, q, "count items up to", &n, fmt.Sprintf(`SELECT count(*) FROM (%s LIMIT $%d) c`, query, len(args)), args...)
	return n, err
}

// itemWhere is the WHERE clause of a filter and its arguments.
func itemWhere(f ItemFilter) ([]string, []any) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.Status != "" {
		where = append(where, "status = "+arg(f.Status))
	}
	if f.Open {
		where = append(where, "status IN ('pending_dispatch', 'dispatched', 'accepted')")
	}
	// "co_unit_codes @> ARRAY[u]" rather than "u = ANY(co_unit_codes)": only
	// the first can use the GIN index, so the two halves combine as a bitmap
	for _, u := range []string{f.UnitCode, f.ScopeUnit} {
		if u != "" {
			where = append(where, "(primary_unit_code = "+arg(u)+" OR co_unit_codes @> ARRAY["+arg(u)+"]::text[])")
		}
	}
	if f.PrimaryUnitCode != "" {
		where = append(where, "primary_unit_code = "+arg(f.PrimaryUnitCode))
	}
	if f.CoUnitCode != "" {
		u := arg(f.CoUnitCode)
		where = append(where, "co_unit_codes @> ARRAY["+u+"]::text[] AND primary_unit_code IS DISTINCT FROM "+u)
	}
	if f.Channel != "" {
		where = append(where, "channel = "+arg(f.Channel))
	}
	if f.Kind != "" {
		where = append(where, "kind = "+arg(f.Kind))
	}
	if f.CategoryCode != "" {
		where = append(where, "category_code = "+arg(f.CategoryCode))
	}
	if f.Overdue != nil {
		if *f.Overdue {
			where = append(where, "overdue")
		} else {
			where = append(where, "NOT overdue")
		}
	}
	if f.VisitDue != nil {
		cond := "(visit_due_at IS NOT NULL AND visit_due_at <= now() AND status IN ('replied', 'answered') AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.item_id = items.id AND r.created_at >= coalesce(items.replied_at, items.received_at)))"
		if *f.VisitDue {
			where = append(where, cond)
		} else {
			where = append(where, "NOT "+cond)
		}
	}
	if cond, ok := figureCondition(f.Figure); ok {
		where = append(where, cond)
	}
	if f.Q != "" {
		where = append(where, "(title || ' ' || content) ILIKE "+arg("%"+escapeLike(f.Q)+"%"))
	}
	if f.From != nil {
		where = append(where, "received_at >= "+arg(*f.From))
	}
	if f.To != nil {
		where = append(where, "received_at < "+arg(*f.To))
	}
	return where, args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// WaitingItem is an item waiting in a status, and since when.
type WaitingItem struct {
	ID    int64     `db:"id"`
	Since time.Time `db:"updated_at"`
}

// ItemsInStatus returns items in a status that has not changed since before
// `before`, oldest first: the reconciler's view of lost work.
func (q *Q) ItemsInStatus(ctx context.Context, status string, before time.Time, limit int) ([]WaitingItem, error) {
	var out []WaitingItem
	err := sqlxSelect(ctx, q, "read items in status", &out, `SELECT id, updated_at FROM items WHERE status = $1 AND updated_at < $2
		ORDER BY id LIMIT $3`, status, before, limit)
	return out, err
}

// CountItemsByStatus counts items per status, for the metrics endpoint.
func (q *Q) CountItemsByStatus(ctx context.Context) (map[string]int64, error) {
	rows, err := q.x.QueryxContext(ctx, `SELECT status, count(*) FROM items GROUP BY status`)
	if err != nil {
		return nil, fmt.Errorf("count items: %w", err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var s string
		var n int64
		if err := rows.Scan(&s, &n); err != nil {
			return nil, fmt.Errorf("count items: %w", err)
		}
		out[s] = n
	}
	return out, rows.Err()
}

// ItemsMergedInto lists the items merged into an item.
func (q *Q) ItemsMergedInto(ctx context.Context, id int64) ([]Item, error) {
	var out []Item
	err := sqlxSelect(ctx, q, "read items merged into", &out, `SELECT `+itemCols+` FROM items WHERE merged_into_id = $1 ORDER BY id`, id)
	return out, err
}

// RepointMerged moves the items merged into `from` onto `to` and returns
// their ids.
func (q *Q) RepointMerged(ctx context.Context, from, to int64) ([]int64, error) {
	var ids []int64
	err := sqlxSelect(ctx, q, "repoint merged", &ids, `UPDATE items SET merged_into_id = $2, updated_at = now()
		WHERE merged_into_id = $1 RETURNING id`, from, to)
	return ids, err
}

// PublishedItems lists published letters, newest first, before the cursor id.
func (q *Q) PublishedItems(ctx context.Context, beforeID int64, limit int, search string) ([]Item, error) {
	var out []Item
	err := sqlxSelect(ctx, q, "read published items", &out, `SELECT `+itemCols+` FROM items WHERE published_at IS NOT NULL
		AND ($1 = 0 OR id < $1)
		AND ($3 = '' OR strpos(lower(coalesce(published_title, '') || ' ' || coalesce(published_content, '')), lower($3)) > 0)
		ORDER BY id DESC LIMIT $2`, beforeID, limit, search)
	return out, err
}

// SimilarItem is a possible duplicate of an item.
type SimilarItem struct {
	Item
	Reason     string  `db:"reason"`
	Similarity float64 `db:"similarity"`
}

// SimilarItems finds items received within `window` of the item that share
// its phone number or microblog author, or whose text is similar (pg_trgm
// similarity at least the threshold), most similar first. Merged items are
// left out. Each of the three searches uses its own index.
func (q *Q) SimilarItems(ctx context.Context, it Item, window time.Duration, threshold float64, limit int) ([]SimilarItem, error) {
	var out []SimilarItem
	text := it.Title + " " + it.Content
	err := sqlxSelect(ctx, q, "read similar items", &out, `WITH candidates AS (
			SELECT id FROM items WHERE $2 <> '' AND citizen_phone = $2
				AND received_at BETWEEN $5::timestamptz - $6 * interval '1 second' AND $5::timestamptz + $6 * interval '1 second'
			UNION
			SELECT id FROM items WHERE $3 <> '' AND author_id = $3
				AND received_at BETWEEN $5::timestamptz - $6 * interval '1 second' AND $5::timestamptz + $6 * interval '1 second'
			UNION
			(SELECT id FROM items WHERE (title || ' ' || content) % $4
				AND received_at BETWEEN $5::timestamptz - $6 * interval '1 second' AND $5::timestamptz + $6 * interval '1 second'
				LIMIT 200))
		SELECT `+itemCols+`,
			CASE WHEN $2 <> '' AND citizen_phone = $2 THEN 'same_phone'
				WHEN $3 <> '' AND author_id = $3 THEN 'same_author'
				ELSE 'similar_text' END AS reason,
			round(similarity(title || ' ' || content, $4)::numeric, 4)::float8 AS similarity
		FROM items WHERE id IN (SELECT id FROM candidates) AND id <> $1 AND merged_into_id IS NULL
			AND (($2 <> '' AND citizen_phone = $2) OR ($3 <> '' AND author_id = $3)
				OR similarity(title || ' ' || content, $4) >= $7)
		ORDER BY similarity DESC, id DESC LIMIT $8`,
		it.ID, it.CitizenPhone, it.AuthorID, text, it.ReceivedAt, int64(window/time.Second), threshold, limit)
	return out, err
}

// AnonymiseClosed removes the citizen's identity from up to limit items
// closed before `before`, and from their deliveries, recording an event on
// each; it returns how many items it changed.
func (q *Q) AnonymiseClosed(ctx context.Context, before time.Time, limit int) (int64, error) {
	var n int64
	err := sqlxGet(ctx, q, "anonymise closed", &n, `WITH u AS (
			UPDATE items SET citizen_name = '', citizen_phone = '', citizen_email = '', author_id = '',
				secret_hash = NULL, updated_at = now()
			WHERE id IN (SELECT id FROM items WHERE status = 'closed' AND closed_at < $1
				AND (citizen_name <> '' OR citizen_phone <> '' OR citizen_email <> '' OR author_id <> '') LIMIT $2)
			RETURNING id),
		e AS (INSERT INTO events (item_id, actor, action, note)
			SELECT id, 'system', 'anonymised', '保存期满,已删除群众个人信息' FROM u),
		d AS (UPDATE deliveries SET recipient = '' WHERE item_id IN (SELECT id FROM u))
		SELECT count(*) FROM u`, before, limit)
	if err != nil {
		return 0, fmt.Errorf("anonymise items: %w", err)
	}
	return n, nil
}

// SetPublishedText stores the scrubbed text a published letter shows.
func (q *Q) SetPublishedText(ctx context.Context, itemID int64, title, content string) error {
	_, err := q.x.ExecContext(ctx, `UPDATE items SET published_title = $2, published_content = $3 WHERE id = $1`, itemID, title, content)
	if err != nil {
		return fmt.Errorf("store published letter: %w", err)
	}
	return nil
}

// SetItemSecret replaces the hash of an item's tracking secret.
func (q *Q) SetItemSecret(ctx context.Context, itemID int64, hash []byte) error {
	_, err := q.x.ExecContext(ctx, `UPDATE items SET secret_hash = $2 WHERE id = $1`, itemID, hash)
	if err != nil {
		return fmt.Errorf("set item secret: %w", err)
	}
	return nil
}
