package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Errors of writing an article that name what it refers to.
var (
	ErrNoSuchCategory = errors.New("no such category")
	ErrNoSuchUnit     = errors.New("no such unit")
)

// KBArticle is a row of kb_articles (without its search vector).
type KBArticle struct {
	ID            int64          `db:"id"`
	Title         string         `db:"title"`
	Question      string         `db:"question"`
	Answer        string         `db:"answer"`
	CategoryCode  *string        `db:"category_code"`
	Tags          pq.StringArray `db:"tags"`
	Source        string         `db:"source"`
	OwnerUnitCode *string        `db:"owner_unit_code"`
	ValidFrom     *time.Time     `db:"valid_from"`
	ValidUntil    *time.Time     `db:"valid_until"`
	Status        string         `db:"status"`
	Revision      int            `db:"revision"`
	CreatedBy     *int64         `db:"created_by"`
	UpdatedBy     *int64         `db:"updated_by"`
	CreatedAt     time.Time      `db:"created_at"`
	UpdatedAt     time.Time      `db:"updated_at"`
	PublishedAt   *time.Time     `db:"published_at"`
}

const kbCols = `id, title, question, answer, category_code, tags, source, owner_unit_code, valid_from, valid_until,
	status, revision, created_by, updated_by, created_at, updated_at, published_at`

// kbWriteErr names the reference a write of an article broke.
func kbWriteErr(err error) error {
	switch c, _ := IsForeignKeyViolation(err); c {
	case "kb_articles_category_code_fkey":
		return ErrNoSuchCategory
	case "kb_articles_owner_unit_code_fkey":
		return ErrNoSuchUnit
	}
	return err
}

// dateArg passes a day as YYYY-MM-DD, so that the session's time zone
// cannot move it.
func dateArg(d *time.Time) any {
	if d == nil {
		return nil
	}
	return d.Format(time.DateOnly)
}

// InsertKBArticle stores a new article with its search vector (tsvector
// input syntax).
func (q *Q) InsertKBArticle(ctx context.Context, a KBArticle, vector string) (KBArticle, error) {
	var out KBArticle
	err := sqlxGet(ctx, q, "insert kb article", &out, `INSERT INTO kb_articles (title, question, answer, category_code, tags, source,
			owner_unit_code, valid_from, valid_until, status, search_vector, created_by, updated_by, published_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11::tsvector, $12, $12, $13)
		RETURNING `+kbCols,
		a.Title, a.Question, a.Answer, a.CategoryCode, a.Tags, a.Source, a.OwnerUnitCode, dateArg(a.ValidFrom),
		dateArg(a.ValidUntil), a.Status, vector, a.CreatedBy, a.PublishedAt)
	if err == nil {
		q.created(ctx, "kb_article", out.ID)
	}
	return out, kbWriteErr(err)
}

// SaveKBArticle writes every changeable field of an article, its search
// vector (when not empty) and the next revision number, and returns it as
// stored.
func (q *Q) SaveKBArticle(ctx context.Context, a KBArticle, vector string) (KBArticle, error) {
	var out KBArticle
	err := sqlxGet(ctx, q, "save kb article", &out, `UPDATE kb_articles SET title = $2, question = $3, answer = $4, category_code = $5,
			tags = $6, source = $7, owner_unit_code = $8, valid_from = $9, valid_until = $10, status = $11,
			search_vector = CASE WHEN $12 = '' THEN search_vector ELSE $12::tsvector END,
			updated_by = $13, published_at = $14, revision = revision + 1, updated_at = now()
		WHERE id = $1
		RETURNING `+kbCols,
		a.ID, a.Title, a.Question, a.Answer, a.CategoryCode, a.Tags, a.Source, a.OwnerUnitCode, dateArg(a.ValidFrom),
		dateArg(a.ValidUntil), a.Status, vector, a.UpdatedBy, a.PublishedAt)
	return out, kbWriteErr(err)
}

// GetKBArticle reads one article.
func (q *Q) GetKBArticle(ctx context.Context, id int64) (KBArticle, error) {
	var a KBArticle
	err := sqlxGet(ctx, q, "get kb article", &a, `SELECT `+kbCols+` FROM kb_articles WHERE id = $1`, id)
	return a, err
}

// LockKBArticle reads one article and locks it until the transaction ends.
func (q *Q) LockKBArticle(ctx context.Context, id int64) (KBArticle, error) {
	var a KBArticle
	err := sqlxGet(ctx, q, "lock kb article", &a, `SELECT `+kbCols+` FROM kb_articles WHERE id = $1 FOR UPDATE`, id)
	return a, err
}

// KBFilter selects articles for a list.
type KBFilter struct {
	Status, CategoryCode, OwnerUnitCode string
	// AllStatuses lets drafts and expired articles of every unit through;
	// otherwise only published ones and those of EditorUnit.
	AllStatuses bool
	EditorUnit  string
}

// ListKBArticles lists articles, newest first, before the cursor id.
func (q *Q) ListKBArticles(ctx context.Context, f KBFilter, beforeID int64, limit int) ([]KBArticle, error) {
	var out []KBArticle
	err := sqlxSelect(ctx, q, "list kb articles", &out, `SELECT `+kbCols+` FROM kb_articles
		WHERE ($1 = '' OR status = $1) AND ($2 = '' OR category_code = $2) AND ($3 = '' OR owner_unit_code = $3)
			AND ($4 OR status = 'published' OR ($5 <> '' AND owner_unit_code = $5))
			AND ($6 = 0 OR id < $6)
		ORDER BY id DESC LIMIT $7`,
		f.Status, f.CategoryCode, f.OwnerUnitCode, f.AllStatuses, f.EditorUnit, beforeID, limit)
	return out, err
}

// KBRevision is a row of kb_article_revisions: one change of an article.
type KBRevision struct {
	ID         int64           `db:"id"`
	ArticleID  int64           `db:"article_id"`
	Revision   int             `db:"revision"`
	At         time.Time       `db:"at"`
	ActorID    *int64          `db:"actor_id"`
	Actor      string          `db:"actor"`
	Action     string          `db:"action"`
	FromStatus *string         `db:"from_status"`
	ToStatus   *string         `db:"to_status"`
	Changes    json.RawMessage `db:"changes"`
	Note       string          `db:"note"`
}

// AppendKBRevision records one change of an article.
func (q *Q) AppendKBRevision(ctx context.Context, r KBRevision) error {
	if len(r.Changes) == 0 {
		r.Changes = json.RawMessage(`{}`)
	}
	_, err := q.x.ExecContext(ctx, `INSERT INTO kb_article_revisions (article_id, revision, at, actor_id, actor, action,
			from_status, to_status, changes, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		r.ArticleID, r.Revision, r.At, r.ActorID, r.Actor, r.Action, r.FromStatus, r.ToStatus, string(r.Changes), r.Note)
	if err != nil {
		return fmt.Errorf("store revision %d of article %d: %w", r.Revision, r.ArticleID, err)
	}
	return nil
}

// ListKBRevisions lists an article's changes, newest first.
func (q *Q) ListKBRevisions(ctx context.Context, articleID int64) ([]KBRevision, error) {
	var out []KBRevision
	err := sqlxSelect(ctx, q, "list kb revisions", &out, `SELECT id, article_id, revision, at, actor_id, actor, action, from_status,
			to_status, changes, note
		FROM kb_article_revisions WHERE article_id = $1 ORDER BY revision DESC`, articleID)
	return out, err
}

// KBHit is an article a search found, with its rank.
type KBHit struct {
	ID           int64   `db:"id"`
	Title        string  `db:"title"`
	Question     string  `db:"question"`
	Answer       string  `db:"answer"`
	CategoryCode *string `db:"category_code"`
	Score        float64 `db:"score"`
}

// SearchKB ranks the articles offered on day (published, the day within
// their validity) that match the tsquery match by the tsquery rank (both in
// Postgres input syntax), best first: title words weigh most, then the question's, then the answer's
// (ts_rank's default weights), and a long article does not win by length
// alone (rank divided by 1 + log of its length).
//
// The planner takes a query matching a third of the articles for a
// sequential scan, which evaluates the match on every row and costs three
// times the CPU of reading the GIN index; the search therefore runs in a
// read-only transaction that turns sequential scans off.
func (s *Store) SearchKB(ctx context.Context, match, rank string, day time.Time, limit int) ([]KBHit, error) {
	var out []KBHit
	err := s.ReadTx(ctx, func(q *Q) error {
		if _, err := q.x.ExecContext(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return fmt.Errorf("plan the search: %w", err)
		}
		return sqlxSelect(ctx, q, "search kb", &out, `SELECT id, title, question, answer, category_code,
				ts_rank(search_vector, CAST($2 AS tsquery), 1)::float8 AS score
			FROM kb_articles
			WHERE status = 'published' AND search_vector @@ CAST($1 AS tsquery)
				AND (valid_from IS NULL OR valid_from <= $3::date) AND (valid_until IS NULL OR valid_until >= $3::date)
			ORDER BY score DESC, id DESC LIMIT $4`, match, rank, day.Format(time.DateOnly), limit)
	})
	return out, err
}

// KBWordFrequencies counts, for each word, the published articles holding
// it, and the published articles.
func (q *Q) KBWordFrequencies(ctx context.Context) (map[string]int, int, error) {
	var rows []struct {
		Word string `db:"word"`
		Docs int    `db:"ndoc"`
	}
	err := sqlxSelect(ctx, q, "kb word frequencies", &rows, `SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM kb_articles WHERE status = ''published''')`)
	if err != nil {
		return nil, 0, fmt.Errorf("count the words of articles: %w", err)
	}
	var total int
	if err := sqlxGet(ctx, q, "kb word frequencies", &total, `SELECT count(*) FROM kb_articles WHERE status = 'published'`); err != nil {
		return nil, 0, fmt.Errorf("count articles: %w", err)
	}
	m := make(map[string]int, len(rows))
	for _, r := range rows {
		m[r.Word] = r.Docs
	}
	return m, total, nil
}

// KBArticleOffered reports whether an article exists and is offered on day.
func (q *Q) KBArticleOffered(ctx context.Context, id int64, day time.Time) (bool, error) {
	var ok bool
	err := sqlxGet(ctx, q, "kb article offered", &ok, `SELECT EXISTS (SELECT 1 FROM kb_articles WHERE id = $1 AND status = 'published'
		AND (valid_from IS NULL OR valid_from <= $2::date) AND (valid_until IS NULL OR valid_until >= $2::date))`,
		id, day.Format(time.DateOnly))
	return ok, err
}

// LogKBMiss counts a search that found nothing, per day and normalised query.
func (q *Q) LogKBMiss(ctx context.Context, day time.Time, query string, at time.Time) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO kb_search_misses (day, query, last_at) VALUES ($1::date, $2, $3)
		ON CONFLICT (day, query) DO UPDATE SET count = kb_search_misses.count + 1,
			last_at = greatest(kb_search_misses.last_at, excluded.last_at)`, day.Format(time.DateOnly), query, at)
	if err != nil {
		return fmt.Errorf("count a search without results: %w", err)
	}
	return nil
}

// ExpireKBArticles marks published articles whose valid_until is before day
// expired, with a revision by the system each, and returns how many.
func (q *Q) ExpireKBArticles(ctx context.Context, day time.Time, at time.Time, note string, limit int) (int64, error) {
	res, err := q.x.ExecContext(ctx, `WITH expired AS (
			UPDATE kb_articles SET status = 'expired', revision = revision + 1, updated_at = $2
			WHERE id IN (SELECT id FROM kb_articles WHERE status = 'published' AND valid_until < $1::date
				ORDER BY id LIMIT $4 FOR UPDATE SKIP LOCKED)
			RETURNING id, revision)
		INSERT INTO kb_article_revisions (article_id, revision, at, actor, action, from_status, to_status, note)
		SELECT id, revision, $2, 'system', 'expired', 'published', 'expired', $3 FROM expired`,
		day.Format(time.DateOnly), at, note, limit)
	if err != nil {
		return 0, fmt.Errorf("expire articles: %w", err)
	}
	return res.RowsAffected()
}

// KBExpiring is an article whose owners are to be reminded of its end.
type KBExpiring struct {
	ID            int64     `db:"id"`
	Title         string    `db:"title"`
	OwnerUnitCode *string   `db:"owner_unit_code"`
	CreatedBy     *int64    `db:"created_by"`
	ValidUntil    time.Time `db:"valid_until"`
}

// LockKBExpiring locks the published articles ending on or before `until`
// whose owners were not yet reminded of that date (rows another sweep holds
// are skipped).
func (q *Q) LockKBExpiring(ctx context.Context, until time.Time, limit int) ([]KBExpiring, error) {
	var out []KBExpiring
	err := sqlxSelect(ctx, q, "lock kb expiring", &out, `SELECT id, title, owner_unit_code, created_by, valid_until FROM kb_articles
		WHERE status = 'published' AND valid_until <= $1::date AND reminded_until IS DISTINCT FROM valid_until
		ORDER BY valid_until, id LIMIT $2 FOR UPDATE SKIP LOCKED`, until.Format(time.DateOnly), limit)
	return out, err
}

// MarkKBReminded records that an article's owners were reminded of its end.
func (q *Q) MarkKBReminded(ctx context.Context, id int64, validUntil time.Time) error {
	_, err := q.x.ExecContext(ctx, `UPDATE kb_articles SET reminded_until = $2::date WHERE id = $1`,
		id, validUntil.Format(time.DateOnly))
	if err != nil {
		return fmt.Errorf("mark article %d reminded: %w", id, err)
	}
	return nil
}

// KBSynonym is a group of terms that mean the same.
type KBSynonym struct {
	ID        int64          `db:"id"`
	Terms     pq.StringArray `db:"terms"`
	CreatedBy *int64         `db:"created_by"`
	CreatedAt time.Time      `db:"created_at"`
}

// ListKBSynonyms lists every synonym group, oldest first.
func (q *Q) ListKBSynonyms(ctx context.Context) ([]KBSynonym, error) {
	var out []KBSynonym
	err := sqlxSelect(ctx, q, "list kb synonyms", &out, `SELECT id, terms, created_by, created_at FROM kb_synonyms ORDER BY id`)
	return out, err
}

// InsertKBSynonym stores a synonym group.
func (q *Q) InsertKBSynonym(ctx context.Context, terms []string, by int64) (KBSynonym, error) {
	var out KBSynonym
	err := sqlxGet(ctx, q, "insert kb synonym", &out, `INSERT INTO kb_synonyms (terms, created_by) VALUES ($1, $2)
		RETURNING id, terms, created_by, created_at`, pq.StringArray(terms), by)
	if err == nil {
		q.created(ctx, "kb_synonym", out.ID)
	}
	return out, err
}

// DeleteKBSynonym removes a synonym group.
func (q *Q) DeleteKBSynonym(ctx context.Context, id int64) error {
	res, err := q.x.ExecContext(ctx, `DELETE FROM kb_synonyms WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("delete synonym group %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ErrNotFound
	}
	return nil
}

// KBArticleUse is how many calls an article answered in a period.
type KBArticleUse struct {
	ID           int64      `db:"id"`
	Title        string     `db:"title"`
	CategoryCode *string    `db:"category_code"`
	Status       string     `db:"status"`
	Answers      int64      `db:"answers"`
	LastUsedAt   *time.Time `db:"last_used_at"`
}

// KBAnswersByArticle counts the calls received in [from, to) that were
// answered from each article, most used first.
func (q *Q) KBAnswersByArticle(ctx context.Context, from, to time.Time) ([]KBArticleUse, error) {
	var out []KBArticleUse
	err := sqlxSelect(ctx, q, "kb answers by article", &out, `SELECT a.id, a.title, a.category_code, a.status, count(*) AS answers,
			max(i.received_at) AS last_used_at
		FROM items i JOIN kb_articles a ON a.id = i.kb_article_id
		WHERE i.kb_article_id IS NOT NULL AND i.received_at >= $1 AND i.received_at < $2 AND i.merged_into_id IS NULL
		GROUP BY a.id ORDER BY answers DESC, a.id`, from, to)
	return out, err
}

// KBUnused lists the published articles that answered no call received in
// [from, to), with when they last answered one (nil: never).
func (q *Q) KBUnused(ctx context.Context, from, to time.Time, limit int) ([]KBArticleUse, error) {
	var out []KBArticleUse
	err := sqlxSelect(ctx, q, "kb unused", &out, `SELECT a.id, a.title, a.category_code, a.status, 0::bigint AS answers,
			(SELECT max(i.received_at) FROM items i WHERE i.kb_article_id = a.id) AS last_used_at
		FROM kb_articles a
		WHERE a.status = 'published' AND NOT EXISTS (SELECT 1 FROM items i WHERE i.kb_article_id = a.id
			AND i.received_at >= $1 AND i.received_at < $2 AND i.merged_into_id IS NULL)
		ORDER BY a.id LIMIT $3`, from, to, limit)
	return out, err
}

// KBMiss is a normalised query that found nothing, counted.
type KBMiss struct {
	Query  string    `db:"query"`
	Count  int64     `db:"count"`
	LastAt time.Time `db:"last_at"`
}

// KBMisses lists the searches that found nothing on the days [from, to),
// most frequent first.
func (q *Q) KBMisses(ctx context.Context, from, to time.Time, limit int) ([]KBMiss, error) {
	var out []KBMiss
	err := sqlxSelect(ctx, q, "kb misses", &out, `SELECT query, sum(count)::bigint AS count, max(last_at) AS last_at
		FROM kb_search_misses WHERE day >= $1::date AND day < $2::date
		GROUP BY query ORDER BY count DESC, query LIMIT $3`, from.Format(time.DateOnly), to.Format(time.DateOnly), limit)
	return out, err
}
