package core

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"hotline/domain"
	"hotline/kbsearch"
	"hotline/repo"
)

// Field limits of knowledge-base articles, in characters.
const (
	maxKBTitle    = 200
	maxKBQuestion = 2000
	maxKBAnswer   = 20000
	maxKBSource   = 500
	maxKBTags     = 20
	maxKBTag      = 30
	maxKBQuery    = 500
	maxSynonyms   = 20
	maxSynonym    = 50
	kbSnippetLen  = 80
)

// KBSearchDefaultLimit and KBSearchMaxLimit bound the suggestions a search returns.
const (
	KBSearchDefaultLimit = 10
	KBSearchMaxLimit     = 50
)

// KBArticleInput creates (POST) or changes (PATCH) an article. In a change,
// a field left out stays as it is; "" clears category_code, source,
// owner_unit_code, valid_from and valid_until.
type KBArticleInput struct {
	Title         *string   `json:"title"`
	Question      *string   `json:"question"`
	Answer        *string   `json:"answer"`
	CategoryCode  *string   `json:"category_code"`
	Tags          *[]string `json:"tags"`
	Source        *string   `json:"source"`
	OwnerUnitCode *string   `json:"owner_unit_code"`
	// ValidFrom and ValidUntil are days (YYYY-MM-DD, Asia/Shanghai), both
	// included; past valid_until the article is no longer offered.
	ValidFrom  *string `json:"valid_from"`
	ValidUntil *string `json:"valid_until"`
	// Status is draft, published or expired; publishing is for admins and
	// managers.
	Status *string `json:"status"`
	// Revision, in a change, is the revision the change was made on: when the
	// article has changed since, the change is refused with 409.
	Revision *int `json:"revision"`
	// Note says why, on the revision list.
	Note string `json:"note"`
}

// KBArticleView is an article as the API returns it.
type KBArticleView struct {
	ID            int64      `json:"id"`
	Title         string     `json:"title"`
	Question      string     `json:"question"`
	Answer        string     `json:"answer"`
	CategoryCode  *string    `json:"category_code"`
	Tags          []string   `json:"tags"`
	Source        string     `json:"source"`
	OwnerUnitCode *string    `json:"owner_unit_code"`
	ValidFrom     *string    `json:"valid_from"`
	ValidUntil    *string    `json:"valid_until"`
	Status        string     `json:"status"`
	Offered       bool       `json:"offered"` // published and valid today: search offers it
	Revision      int        `json:"revision"`
	CreatedBy     *int64     `json:"created_by"`
	UpdatedBy     *int64     `json:"updated_by"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	PublishedAt   *time.Time `json:"published_at"`
}

func dayString(d *time.Time) *string {
	if d == nil {
		return nil
	}
	s := d.Format(time.DateOnly)
	return &s
}

func (c *Core) kbView(a repo.KBArticle) KBArticleView {
	tags := []string(a.Tags)
	if tags == nil {
		tags = []string{}
	}
	return KBArticleView{ID: a.ID, Title: a.Title, Question: a.Question, Answer: a.Answer, CategoryCode: a.CategoryCode,
		Tags: tags, Source: a.Source, OwnerUnitCode: a.OwnerUnitCode, ValidFrom: dayString(a.ValidFrom),
		ValidUntil: dayString(a.ValidUntil), Status: a.Status,
		Offered:  domain.KBOffered(domain.KBStatus(a.Status), a.ValidFrom, a.ValidUntil, c.civilToday()),
		Revision: a.Revision, CreatedBy: a.CreatedBy, UpdatedBy: a.UpdatedBy, CreatedAt: a.CreatedAt.In(c.set.Location),
		UpdatedAt: a.UpdatedAt.In(c.set.Location), PublishedAt: c.tm(a.PublishedAt)}
}

// kbAnalyzer is the process's Chinese analyzer; the first call loads its
// dictionary (about a second).
func (c *Core) kbAnalyzer() (*kbsearch.Analyzer, error) {
	a, err := kbsearch.Shared()
	if err != nil {
		return nil, fmt.Errorf("knowledge-base search: %w", err)
	}
	return a, nil
}

// kbCache keeps how many published articles hold each word, which decides
// the words a search chooses its candidates by; it is read again at most
// every kbFrequencyTTL, and at once after this process changed an article.
type kbCache struct {
	mu   sync.Mutex
	freq kbsearch.Frequencies
	at   time.Time
}

const kbFrequencyTTL = time.Minute

func (c *Core) kbFrequencies(ctx context.Context) (kbsearch.Frequencies, error) {
	c.kb.mu.Lock()
	defer c.kb.mu.Unlock()
	if c.kb.freq.Docs != nil && time.Since(c.kb.at) < kbFrequencyTTL {
		return c.kb.freq, nil
	}
	docs, total, err := c.store.Q().KBWordFrequencies(ctx)
	if err != nil {
		if c.kb.freq.Docs != nil {
			return c.kb.freq, nil // a minute older is good enough
		}
		return kbsearch.Frequencies{}, err
	}
	c.kb.freq, c.kb.at = kbsearch.Frequencies{Docs: docs, Total: total}, time.Now()
	return c.kb.freq, nil
}

func (c *Core) invalidateKBFrequencies() {
	c.kb.mu.Lock()
	c.kb.at = time.Time{}
	c.kb.mu.Unlock()
}

// WarmKnowledgeBase loads the search dictionary now, so that the first
// search does not wait for it.
func (c *Core) WarmKnowledgeBase() error {
	_, err := c.kbAnalyzer()
	return err
}

func kbVector(an *kbsearch.Analyzer, a repo.KBArticle) string {
	return an.Vector(kbsearch.Field{Text: a.Title, Weight: kbsearch.WeightTitle},
		kbsearch.Field{Text: a.Question, Weight: kbsearch.WeightQuestion},
		kbsearch.Field{Text: a.Answer, Weight: kbsearch.WeightAnswer})
}

// kbDay parses an optional day; "" clears it.
func kbDay(v *domain.ValidationError, field string, s *string, cur *time.Time) *time.Time {
	if s == nil {
		return cur
	}
	if *s == "" {
		return nil
	}
	d, err := time.Parse(time.DateOnly, *s)
	if err != nil || d.Year() < 2000 || d.Year() > 2200 {
		v.Add(field, "a date YYYY-MM-DD")
		return cur
	}
	return &d
}

func kbTags(v *domain.ValidationError, in []string) []string {
	out := []string{}
	for _, t := range in {
		t = text(v, "tags", t, false, maxKBTag)
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > maxKBTags {
		v.Add("tags", "at most %d tags", maxKBTags)
	}
	return out
}

// optText applies an optional text field to cur.
func optText(v *domain.ValidationError, field string, s *string, cur string, required bool, max int) string {
	if s == nil {
		return cur
	}
	return text(v, field, *s, required, max)
}

// optCode applies an optional code field to cur; "" clears it.
func optCode(v *domain.ValidationError, field string, s *string, cur *string) *string {
	if s == nil {
		return cur
	}
	return nilIfEmpty(text(v, field, *s, false, 64))
}

// applyKBInput returns the article with the input's fields applied, and the
// status asked for ("" when none).
func applyKBInput(a repo.KBArticle, in KBArticleInput, creating bool) (repo.KBArticle, domain.KBStatus, error) {
	var v domain.ValidationError
	a.Title = optText(&v, "title", in.Title, a.Title, true, maxKBTitle)
	a.Question = optText(&v, "question", in.Question, a.Question, true, maxKBQuestion)
	a.Answer = optText(&v, "answer", in.Answer, a.Answer, true, maxKBAnswer)
	a.Source = optText(&v, "source", in.Source, a.Source, false, maxKBSource)
	if creating {
		for field, p := range map[string]*string{"title": in.Title, "question": in.Question, "answer": in.Answer} {
			if p == nil {
				v.Add(field, "required")
			}
		}
	}
	a.CategoryCode = optCode(&v, "category_code", in.CategoryCode, a.CategoryCode)
	a.OwnerUnitCode = optCode(&v, "owner_unit_code", in.OwnerUnitCode, a.OwnerUnitCode)
	if in.Tags != nil {
		a.Tags = kbTags(&v, *in.Tags)
	} else if a.Tags == nil {
		a.Tags = []string{}
	}
	a.ValidFrom = kbDay(&v, "valid_from", in.ValidFrom, a.ValidFrom)
	a.ValidUntil = kbDay(&v, "valid_until", in.ValidUntil, a.ValidUntil)
	if a.ValidFrom != nil && a.ValidUntil != nil && a.ValidUntil.Before(*a.ValidFrom) {
		v.Add("valid_until", "must not be before valid_from")
	}
	var status domain.KBStatus
	if in.Status != nil {
		status = domain.KBStatus(*in.Status)
		if !status.Valid() {
			v.Add("status", "unknown status %q: one of draft, published, expired", *in.Status)
		}
	}
	return a, status, v.Err()
}

// kbChanges lists the fields that differ between two versions of an article,
// each as [old, new].
func kbChanges(before, after repo.KBArticle) map[string][2]any {
	ch := map[string][2]any{}
	add := func(field string, old, new any) {
		ch[field] = [2]any{old, new}
	}
	if before.Title != after.Title {
		add("title", before.Title, after.Title)
	}
	if before.Question != after.Question {
		add("question", before.Question, after.Question)
	}
	if before.Answer != after.Answer {
		add("answer", before.Answer, after.Answer)
	}
	if strOr(before.CategoryCode) != strOr(after.CategoryCode) {
		add("category_code", before.CategoryCode, after.CategoryCode)
	}
	if !slices.Equal(before.Tags, after.Tags) {
		add("tags", []string(before.Tags), []string(after.Tags))
	}
	if before.Source != after.Source {
		add("source", before.Source, after.Source)
	}
	if strOr(before.OwnerUnitCode) != strOr(after.OwnerUnitCode) {
		add("owner_unit_code", before.OwnerUnitCode, after.OwnerUnitCode)
	}
	if strOr(dayString(before.ValidFrom)) != strOr(dayString(after.ValidFrom)) {
		add("valid_from", dayString(before.ValidFrom), dayString(after.ValidFrom))
	}
	if strOr(dayString(before.ValidUntil)) != strOr(dayString(after.ValidUntil)) {
		add("valid_until", dayString(before.ValidUntil), dayString(after.ValidUntil))
	}
	if before.Status != after.Status {
		add("status", nilIfEmpty(before.Status), after.Status)
	}
	return ch
}

// kbContentChanged reports whether what operators read changed.
func kbContentChanged(before, after repo.KBArticle) bool {
	return before.Title != after.Title || before.Question != after.Question || before.Answer != after.Answer
}

// kbWriteErr turns a broken reference into a 422 on its field.
func kbWriteErr(err error) error {
	switch {
	case errors.Is(err, repo.ErrNoSuchCategory):
		return domain.ValidationError{{Field: "category_code", Message: "no such category"}}
	case errors.Is(err, repo.ErrNoSuchUnit):
		return domain.ValidationError{{Field: "owner_unit_code", Message: "no such unit"}}
	}
	return err
}

// checkKBPublishable refuses to publish an article that would never be offered.
func (c *Core) checkKBPublishable(a repo.KBArticle) error {
	if a.ValidUntil != nil && a.ValidUntil.Before(c.civilToday()) {
		return domain.ValidationError{{Field: "valid_until", Message: "already past: a published article must still be valid"}}
	}
	return nil
}

func (c *Core) kbRevision(ctx context.Context, q *repo.Q, v domain.Viewer, before, after repo.KBArticle, note string) error {
	changes, err := json.Marshal(kbChanges(before, after))
	if err != nil {
		return fmt.Errorf("encode the changes of article %d: %w", after.ID, err)
	}
	who := actorOf(v)
	r := repo.KBRevision{ArticleID: after.ID, Revision: after.Revision, At: c.now(), ActorID: who.id, Actor: who.name,
		Action: domain.KBAction(domain.KBStatus(before.Status), domain.KBStatus(after.Status)), Changes: changes,
		Note: note, ToStatus: &after.Status, FromStatus: nilIfEmpty(before.Status)}
	return q.AppendKBRevision(ctx, r)
}

// CreateKBArticle stores a new article, a draft unless a publisher asks for
// it to be published. Unit staff write their own unit's articles.
func (c *Core) CreateKBArticle(ctx context.Context, v domain.Viewer, in KBArticleInput) (KBArticleView, error) {
	if in.Revision != nil {
		return KBArticleView{}, domain.ValidationError{{Field: "revision", Message: "only when changing an article"}}
	}
	a, status, err := applyKBInput(repo.KBArticle{}, in, true)
	if err != nil {
		return KBArticleView{}, err
	}
	if a.OwnerUnitCode == nil && v.Role.IsUnitRole() {
		a.OwnerUnitCode = nilIfEmpty(v.UnitCode)
	}
	if !v.MayEditKB(strOr(a.OwnerUnitCode)) {
		return KBArticleView{}, fmt.Errorf("write an article of %s: %w", strOr(a.OwnerUnitCode), domain.ErrForbidden)
	}
	if status == "" {
		status = domain.KBDraft
	}
	if status == domain.KBExpired {
		return KBArticleView{}, domain.ValidationError{{Field: "status", Message: "a new article is a draft or published"}}
	}
	if err := domain.KBMove(v, strOr(a.OwnerUnitCode), domain.KBDraft, status); err != nil {
		return KBArticleView{}, err
	}
	a.Status = string(status)
	if status == domain.KBPublished {
		if err := c.checkKBPublishable(a); err != nil {
			return KBArticleView{}, err
		}
		a.PublishedAt = ptr(c.now())
	}
	a.CreatedBy = &v.ID
	an, err := c.kbAnalyzer()
	if err != nil {
		return KBArticleView{}, err
	}
	vector := kbVector(an, a)
	var stored repo.KBArticle
	err = c.store.Tx(ctx, func(q *repo.Q) error {
		var err error
		if stored, err = q.InsertKBArticle(ctx, a, vector); err != nil {
			return kbWriteErr(err)
		}
		return c.kbRevision(ctx, q, v, repo.KBArticle{}, stored, in.Note)
	})
	if err != nil {
		return KBArticleView{}, err
	}
	c.invalidateKBFrequencies()
	return c.kbView(stored), nil
}

// UpdateKBArticle changes an article and records the change as a revision.
// A change of what operators read, made by its owners to a published
// article, takes the article back to draft until a reviewer publishes it
// again.
func (c *Core) UpdateKBArticle(ctx context.Context, v domain.Viewer, id int64, in KBArticleInput) (KBArticleView, error) {
	var an *kbsearch.Analyzer
	if in.Title != nil || in.Question != nil || in.Answer != nil {
		var err error
		if an, err = c.kbAnalyzer(); err != nil {
			return KBArticleView{}, err
		}
	}
	var out repo.KBArticle
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		before, err := q.LockKBArticle(ctx, id)
		if err != nil {
			return notFoundAs(err, fmt.Sprintf("article %d", id))
		}
		if !v.MaySeeKB(domain.KBStatus(before.Status), strOr(before.OwnerUnitCode)) {
			return fmt.Errorf("article %d: %w", id, domain.ErrNotFound)
		}
		if !v.MayEditKB(strOr(before.OwnerUnitCode)) {
			return fmt.Errorf("article %d of %s: %w", id, strOr(before.OwnerUnitCode), domain.ErrForbidden)
		}
		if in.Revision != nil && *in.Revision != before.Revision {
			return fmt.Errorf("article %d is at revision %d, the change was made on %d: %w", id, before.Revision, *in.Revision, domain.ErrConflict)
		}
		after, status, err := applyKBInput(before, in, false)
		if err != nil {
			return err
		}
		if !v.MayEditKB(strOr(after.OwnerUnitCode)) {
			return fmt.Errorf("give article %d to unit %s: %w", id, strOr(after.OwnerUnitCode), domain.ErrForbidden)
		}
		from := domain.KBStatus(before.Status)
		if status == "" {
			status = from
			if from == domain.KBPublished && kbContentChanged(before, after) && !v.MayPublishKB() {
				status = domain.KBDraft
			}
		}
		if err := domain.KBMove(v, strOr(before.OwnerUnitCode), from, status); err != nil {
			return err
		}
		after.Status = string(status)
		if status == domain.KBPublished {
			if err := c.checkKBPublishable(after); err != nil {
				return err
			}
			if from != domain.KBPublished {
				after.PublishedAt = ptr(c.now())
			}
		}
		if len(kbChanges(before, after)) == 0 {
			out = before
			return nil
		}
		vector := ""
		if kbContentChanged(before, after) {
			vector = kbVector(an, after)
		}
		after.UpdatedBy = &v.ID
		if out, err = q.SaveKBArticle(ctx, after, vector); err != nil {
			return kbWriteErr(err)
		}
		return c.kbRevision(ctx, q, v, before, out, in.Note)
	})
	if err != nil {
		return KBArticleView{}, err
	}
	c.invalidateKBFrequencies()
	return c.kbView(out), nil
}

// KBArticle reads one article the viewer may see.
func (c *Core) KBArticle(ctx context.Context, v domain.Viewer, id int64) (KBArticleView, error) {
	a, err := c.store.Q().GetKBArticle(ctx, id)
	if err != nil {
		return KBArticleView{}, notFoundAs(err, fmt.Sprintf("article %d", id))
	}
	if !v.MaySeeKB(domain.KBStatus(a.Status), strOr(a.OwnerUnitCode)) {
		return KBArticleView{}, fmt.Errorf("article %d: %w", id, domain.ErrNotFound)
	}
	return c.kbView(a), nil
}

// KBListQuery filters GET /kb/articles.
type KBListQuery struct {
	Status, CategoryCode, OwnerUnitCode string
}

// ListKBArticles lists the articles the viewer may see, newest first:
// published ones for everyone, drafts and expired ones for those who may
// edit them.
func (c *Core) ListKBArticles(ctx context.Context, v domain.Viewer, f KBListQuery, page Page) ([]KBArticleView, *string, error) {
	if f.Status != "" && !domain.KBStatus(f.Status).Valid() {
		return nil, nil, domain.ValidationError{{Field: "status", Message: "one of draft, published, expired"}}
	}
	rf := repo.KBFilter{Status: f.Status, CategoryCode: f.CategoryCode, OwnerUnitCode: f.OwnerUnitCode,
		AllStatuses: v.MayPublishKB()}
	if v.Role.IsUnitRole() {
		rf.EditorUnit = v.UnitCode
	}
	rows, err := c.store.Q().ListKBArticles(ctx, rf, page.After, page.Limit+1)
	if err != nil {
		return nil, nil, fmt.Errorf("list articles: %w", err)
	}
	next := page.next(len(rows), func() int64 { return rows[page.Limit-1].ID })
	if len(rows) > page.Limit {
		rows = rows[:page.Limit]
	}
	out := make([]KBArticleView, len(rows))
	for i, a := range rows {
		out[i] = c.kbView(a)
	}
	return out, next, nil
}

// KBRevisionView is one change of an article: who, when, from and to which
// status, and the changed fields as {field: [old, new]}.
type KBRevisionView struct {
	Revision   int            `json:"revision"`
	At         time.Time      `json:"at"`
	ActorID    *int64         `json:"actor_id"`
	Actor      string         `json:"actor"`
	Action     string         `json:"action"`
	FromStatus *string        `json:"from_status"`
	ToStatus   *string        `json:"to_status"`
	Changes    map[string]any `json:"changes"`
	Note       string         `json:"note"`
}

// KBRevisions lists an article's changes, newest first.
func (c *Core) KBRevisions(ctx context.Context, v domain.Viewer, id int64) ([]KBRevisionView, error) {
	if _, err := c.KBArticle(ctx, v, id); err != nil {
		return nil, err
	}
	rows, err := c.store.Q().ListKBRevisions(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("list revisions of article %d: %w", id, err)
	}
	out := make([]KBRevisionView, len(rows))
	for i, r := range rows {
		out[i] = KBRevisionView{Revision: r.Revision, At: r.At.In(c.set.Location), ActorID: r.ActorID, Actor: r.Actor,
			Action: r.Action, FromStatus: r.FromStatus, ToStatus: r.ToStatus, Changes: map[string]any{}, Note: r.Note}
		if err := json.Unmarshal(r.Changes, &out[i].Changes); err != nil {
			return nil, fmt.Errorf("read revision %d of article %d: %w", r.Revision, id, err)
		}
	}
	return out, nil
}

// KBHitView is one suggestion of a search. Snippet and title are plain text,
// never HTML; highlights are [start, end) ranges in Unicode code points of
// the text they belong to, for the page to mark after escaping it.
type KBHitView struct {
	ID              int64           `json:"id"`
	Title           string          `json:"title"`
	TitleHighlights []kbsearch.Span `json:"title_highlights"`
	Snippet         string          `json:"snippet"`
	Highlights      []kbsearch.Span `json:"highlights"`
	// SnippetFrom is the field the snippet was cut from: answer or question.
	SnippetFrom  string  `json:"snippet_from"`
	CategoryCode *string `json:"category_code"`
	Score        float64 `json:"score"`
	// Parts is the snippet cut at its highlights, for server-rendered pages.
	Parts []kbsearch.Part `json:"-"`
}

// KBSearchResult answers a search.
type KBSearchResult struct {
	Items []KBHitView `json:"items"`
}

// SearchKB suggests the published articles valid today that answer what the
// operator typed, best first. A search that finds nothing is counted (the
// gaps of the knowledge base).
func (c *Core) SearchKB(ctx context.Context, v domain.Viewer, q string, limit int) (KBSearchResult, error) {
	q = strings.TrimSpace(q)
	var ve domain.ValidationError
	text(&ve, "q", q, true, maxKBQuery)
	if limit == 0 {
		limit = KBSearchDefaultLimit
	}
	if limit < 1 || limit > KBSearchMaxLimit {
		ve.Add("limit", "a whole number from 1 to %d", KBSearchMaxLimit)
	}
	if err := ve.Err(); err != nil {
		return KBSearchResult{}, err
	}
	an, err := c.kbAnalyzer()
	if err != nil {
		return KBSearchResult{}, err
	}
	groups, err := c.kbSynonymGroups(ctx)
	if err != nil {
		return KBSearchResult{}, err
	}
	freq, err := c.kbFrequencies(ctx)
	if err != nil {
		return KBSearchResult{}, err
	}
	query := an.Query(q, groups, freq)
	out := KBSearchResult{Items: []KBHitView{}}
	if query.Empty() {
		return out, nil
	}
	hits, err := c.store.SearchKB(ctx, query.Match, query.Rank, c.civilToday(), limit)
	if err != nil {
		return KBSearchResult{}, fmt.Errorf("search articles: %w", err)
	}
	if len(hits) == 0 {
		c.logKBMiss(ctx, q)
	}
	for _, h := range hits {
		out.Items = append(out.Items, kbHit(h, query.Terms))
	}
	return out, nil
}

// kbHit makes a suggestion of a found article: the answer's snippet when the
// answer holds a term, the question's when only it does.
func kbHit(h repo.KBHit, terms []string) KBHitView {
	from, snip := "answer", kbsearch.MakeSnippet(h.Answer, terms, kbSnippetLen)
	if len(snip.Highlights) == 0 {
		if qs := kbsearch.MakeSnippet(h.Question, terms, kbSnippetLen); len(qs.Highlights) > 0 {
			from, snip = "question", qs
		}
	}
	th := kbsearch.Mark(h.Title, terms)
	if th == nil {
		th = []kbsearch.Span{}
	}
	return KBHitView{ID: h.ID, Title: h.Title, TitleHighlights: th, Snippet: snip.Text, Highlights: snip.Highlights,
		SnippetFrom: from, CategoryCode: h.CategoryCode, Score: math.Round(h.Score*1e4) / 1e4, Parts: snip.Parts()}
}

// logKBMiss counts a search that found nothing under its normalised form.
// Counting is best effort: the operator's search never fails for it.
func (c *Core) logKBMiss(ctx context.Context, q string) {
	n := kbsearch.NormalizeQuery(q)
	if utf8.RuneCountInString(n) < 2 {
		return
	}
	if err := c.store.Q().LogKBMiss(ctx, c.civilToday(), n, c.now()); err != nil {
		c.log.Warn("count a search without results", "err", err)
	}
}

func (c *Core) kbSynonymGroups(ctx context.Context) ([][]string, error) {
	rows, err := c.store.Q().ListKBSynonyms(ctx)
	if err != nil {
		return nil, fmt.Errorf("read synonyms: %w", err)
	}
	out := make([][]string, len(rows))
	for i, r := range rows {
		out[i] = r.Terms
	}
	return out, nil
}

// KBSynonymInput is a group of terms that mean the same.
type KBSynonymInput struct {
	Terms []string `json:"terms"`
}

// KBSynonymView is a stored synonym group; its terms are stored folded
// (simplified characters, half-width, lower case).
type KBSynonymView struct {
	ID        int64     `json:"id"`
	Terms     []string  `json:"terms"`
	CreatedAt time.Time `json:"created_at"`
}

func (c *Core) synonymView(s repo.KBSynonym) KBSynonymView {
	return KBSynonymView{ID: s.ID, Terms: s.Terms, CreatedAt: s.CreatedAt.In(c.set.Location)}
}

// ListKBSynonyms lists the synonym groups.
func (c *Core) ListKBSynonyms(ctx context.Context) ([]KBSynonymView, error) {
	rows, err := c.store.Q().ListKBSynonyms(ctx)
	if err != nil {
		return nil, fmt.Errorf("list synonyms: %w", err)
	}
	out := make([]KBSynonymView, len(rows))
	for i, r := range rows {
		out[i] = c.synonymView(r)
	}
	return out, nil
}

// CreateKBSynonym stores a synonym group; searches use it at once.
func (c *Core) CreateKBSynonym(ctx context.Context, v domain.Viewer, in KBSynonymInput) (KBSynonymView, error) {
	var ve domain.ValidationError
	terms := []string{}
	for _, t := range in.Terms {
		t = text(&ve, "terms", t, true, maxSynonym)
		t = strings.Join(strings.Fields(kbsearch.Fold(t)), " ")
		if t != "" && kbsearch.NormalizeQuery(t) == "" {
			ve.Add("terms", "%q has no letter or digit", t)
		}
		if t != "" && !slices.Contains(terms, t) {
			terms = append(terms, t)
		}
	}
	if len(terms) < 2 || len(terms) > maxSynonyms {
		ve.Add("terms", "from 2 to %d different terms", maxSynonyms)
	}
	if err := ve.Err(); err != nil {
		return KBSynonymView{}, err
	}
	var s repo.KBSynonym
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		var err error
		if s, err = q.InsertKBSynonym(ctx, terms, v.ID); err != nil {
			return fmt.Errorf("store synonyms: %w", err)
		}
		return nil
	})
	if err != nil {
		return KBSynonymView{}, err
	}
	return c.synonymView(s), nil
}

// DeleteKBSynonym removes a synonym group.
func (c *Core) DeleteKBSynonym(ctx context.Context, id int64) error {
	return notFoundAs(c.store.Q().DeleteKBSynonym(ctx, id), fmt.Sprintf("synonym group %d", id))
}

// checkCallKBArticle checks the article a call says it was answered from:
// only with answered_on_call, and only a published article valid today.
func (c *Core) checkCallKBArticle(ctx context.Context, answeredOnCall bool, id *int64) error {
	if id == nil {
		return nil
	}
	if !answeredOnCall {
		return domain.ValidationError{{Field: "kb_article_id", Message: "only with answered_on_call: true"}}
	}
	ok, err := c.store.Q().KBArticleOffered(ctx, *id, c.civilToday())
	if err != nil {
		return fmt.Errorf("check article %d: %w", *id, err)
	}
	if !ok {
		return domain.ValidationError{{Field: "kb_article_id", Message: "no published article valid today has this id"}}
	}
	return nil
}

// SweepKnowledgeBase expires published articles past their valid_until and
// reminds the owners of articles ending within domain.KBRemindDays days (once
// per end date). It returns how many articles it expired or reminded about.
func (c *Core) SweepKnowledgeBase(ctx context.Context) (int, error) {
	today := c.civilToday()
	expired, err := c.store.Q().ExpireKBArticles(ctx, today, c.now(), "有效期已过", 500)
	if err != nil {
		return 0, err
	}
	var reminded int
	err = c.store.Tx(ctx, func(q *repo.Q) error {
		due, err := q.LockKBExpiring(ctx, today.AddDate(0, 0, domain.KBRemindDays), 200)
		if err != nil {
			return fmt.Errorf("find articles about to expire: %w", err)
		}
		for _, a := range due {
			if err := c.remindKBOwners(ctx, q, a); err != nil {
				return err
			}
		}
		reminded = len(due)
		return nil
	})
	return int(expired) + reminded, err
}

// remindKBOwners tells an article's unit and its author that it ends soon.
func (c *Core) remindKBOwners(ctx context.Context, q *repo.Q, a repo.KBExpiring) error {
	var ids []int64
	if a.OwnerUnitCode != nil {
		var err error
		if ids, err = q.UnitUserIDs(ctx, *a.OwnerUnitCode, false); err != nil {
			return fmt.Errorf("find the owners of article %d: %w", a.ID, err)
		}
	}
	if a.CreatedBy != nil && !slices.Contains(ids, *a.CreatedBy) {
		ids = append(ids, *a.CreatedBy)
	}
	msg := fmt.Sprintf("知识库文章《%s》(编号%d)将于%s到期,请复核并更新有效期", a.Title, a.ID, a.ValidUntil.Format(time.DateOnly))
	if err := q.Notify(ctx, ids, nil, "kb_expiring", msg); err != nil {
		return err
	}
	return q.MarkKBReminded(ctx, a.ID, a.ValidUntil)
}

// KBStatsQuery is the period of GET /kb/stats: days [from, to) in the
// configured zone, YYYY-MM-DD.
type KBStatsQuery struct {
	From, To string
	// Limit bounds the lists of searches without results and of unused articles.
	Limit int
}

// KBCategoryUse is how many calls the articles of a category answered.
type KBCategoryUse struct {
	CategoryCode *string `json:"category_code"`
	Articles     int     `json:"articles"`
	Answers      int64   `json:"answers"`
}

// KBArticleUseView is an article's use in the period.
type KBArticleUseView struct {
	ID           int64      `json:"id"`
	Title        string     `json:"title"`
	CategoryCode *string    `json:"category_code"`
	Status       string     `json:"status"`
	Answers      int64      `json:"answers"`
	LastUsedAt   *time.Time `json:"last_used_at"`
}

// KBMissView is a search without results, counted under its normalised form.
type KBMissView struct {
	Query  string    `json:"query"`
	Count  int64     `json:"count"`
	LastAt time.Time `json:"last_at"`
}

// KBStats is the knowledge base's use in a period: calls answered directly
// from each article and category, the searches that found nothing (the gaps
// to write), and the published articles no call used.
type KBStats struct {
	AsOf         time.Time          `json:"as_of"`
	From         string             `json:"from"`
	To           string             `json:"to"`
	TotalAnswers int64              `json:"total_answers"`
	Articles     []KBArticleUseView `json:"articles"`
	Categories   []KBCategoryUse    `json:"categories"`
	Misses       []KBMissView       `json:"misses"`
	Unused       []KBArticleUseView `json:"unused"`
}

func (c *Core) kbUseView(u repo.KBArticleUse) KBArticleUseView {
	return KBArticleUseView{ID: u.ID, Title: u.Title, CategoryCode: u.CategoryCode, Status: u.Status, Answers: u.Answers,
		LastUsedAt: c.tm(u.LastUsedAt)}
}

// parseKBPeriod reads [from, to) as days; the default is the year so far.
func (c *Core) parseKBPeriod(in KBStatsQuery) (from, to time.Time, err error) {
	var ve domain.ValidationError
	today := c.civilToday()
	from = time.Date(today.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	to = today.AddDate(0, 0, 1)
	for _, f := range []struct {
		name, val string
		dst       *time.Time
	}{{"from", in.From, &from}, {"to", in.To, &to}} {
		if f.val == "" {
			continue
		}
		d, perr := time.Parse(time.DateOnly, f.val)
		if perr != nil || d.Year() < 2000 || d.Year() > 2200 {
			ve.Add(f.name, "a date YYYY-MM-DD")
			continue
		}
		*f.dst = d
	}
	if len(ve) == 0 && !from.Before(to) {
		ve.Add("to", "must be after from")
	}
	if in.Limit < 0 || in.Limit > 500 {
		ve.Add("limit", "a whole number from 1 to 500")
	}
	return from, to, ve.Err()
}

// KBStatistics reports the knowledge base's use in a period. Calls count in
// the period they were received in.
func (c *Core) KBStatistics(ctx context.Context, in KBStatsQuery) (KBStats, error) {
	from, to, err := c.parseKBPeriod(in)
	if err != nil {
		return KBStats{}, err
	}
	limit := in.Limit
	if limit == 0 {
		limit = 100
	}
	loc := c.set.Location
	fromAt := time.Date(from.Year(), from.Month(), from.Day(), 0, 0, 0, 0, loc)
	toAt := time.Date(to.Year(), to.Month(), to.Day(), 0, 0, 0, 0, loc)
	out := KBStats{AsOf: c.Now(), From: from.Format(time.DateOnly), To: to.Format(time.DateOnly),
		Articles: []KBArticleUseView{}, Categories: []KBCategoryUse{}, Misses: []KBMissView{}, Unused: []KBArticleUseView{}}
	err = c.store.ReadTx(ctx, func(q *repo.Q) error {
		used, err := q.KBAnswersByArticle(ctx, fromAt, toAt)
		if err != nil {
			return fmt.Errorf("count answers per article: %w", err)
		}
		unused, err := q.KBUnused(ctx, fromAt, toAt, limit)
		if err != nil {
			return fmt.Errorf("find unused articles: %w", err)
		}
		misses, err := q.KBMisses(ctx, from, to, limit)
		if err != nil {
			return fmt.Errorf("count searches without results: %w", err)
		}
		for _, u := range used {
			out.Articles = append(out.Articles, c.kbUseView(u))
			out.TotalAnswers += u.Answers
		}
		out.Categories = kbCategories(used)
		for _, u := range unused {
			out.Unused = append(out.Unused, c.kbUseView(u))
		}
		for _, m := range misses {
			out.Misses = append(out.Misses, KBMissView{Query: m.Query, Count: m.Count, LastAt: m.LastAt.In(loc)})
		}
		return nil
	})
	return out, err
}

// kbCategories sums the articles' answers per category, most used first.
func kbCategories(used []repo.KBArticleUse) []KBCategoryUse {
	out := []KBCategoryUse{}
	for _, u := range used {
		i := slices.IndexFunc(out, func(c KBCategoryUse) bool { return strOr(c.CategoryCode) == strOr(u.CategoryCode) })
		if i < 0 {
			out = append(out, KBCategoryUse{CategoryCode: u.CategoryCode})
			i = len(out) - 1
		}
		out[i].Articles++
		out[i].Answers += u.Answers
	}
	slices.SortStableFunc(out, func(a, b KBCategoryUse) int {
		if c := cmp.Compare(b.Answers, a.Answers); c != 0 {
			return c
		}
		return strings.Compare(strOr(a.CategoryCode), strOr(b.CategoryCode))
	})
	return out
}
