package core

import (
	"context"
	"fmt"
	"slices"
	"time"

	"hotline/domain"
	"hotline/privacy"
	"hotline/repo"
)

// ItemView is an item as the API shows it everywhere (lists, detail, action
// answers), the citizen masked or hidden as the viewer's role requires.
type ItemView struct {
	ID              int64           `json:"id"`
	TrackingCode    string          `json:"tracking_code"`
	Channel         string          `json:"channel"`
	Kind            string          `json:"kind"`
	CategoryCode    *string         `json:"category_code"`
	Title           string          `json:"title"`
	Content         string          `json:"content"`
	Status          string          `json:"status"`
	Urgent          bool            `json:"urgent"`
	Confidential    bool            `json:"confidential"`
	Citizen         *domain.Citizen `json:"citizen"`
	Region          string          `json:"region"`
	ReceivedAt      time.Time       `json:"received_at"`
	DueAt           *time.Time      `json:"due_at"`
	Overdue         bool            `json:"overdue"`
	PrimaryUnitCode *string         `json:"primary_unit_code"`
	CoUnitCodes     []string        `json:"co_unit_codes"`
	RepliedAt       *time.Time      `json:"replied_at"`
	ClosedAt        *time.Time      `json:"closed_at"`

	DispatchedAt   *time.Time `json:"dispatched_at"`
	AcceptDueAt    *time.Time `json:"accept_due_at"`
	AcceptedAt     *time.Time `json:"accepted_at"`
	OriginalDueAt  *time.Time `json:"original_due_at"`
	CompletedAt    *time.Time `json:"completed_at"`
	VisitDueAt     *time.Time `json:"visit_due_at"`
	Answer         string     `json:"answer,omitempty"`
	ExternalID     *string    `json:"external_id,omitempty"`
	SourceURL      string     `json:"source_url,omitempty"`
	PublishConsent bool       `json:"publish_consent"`
	PublishedAt    *time.Time `json:"published_at"`
	ReopenedCount  int        `json:"reopened_count"`
	MergedIntoID   *int64     `json:"merged_into_id"`
	KBArticleID    *int64     `json:"kb_article_id,omitempty"`
}

func (c *Core) tm(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	l := t.In(c.set.Location)
	return &l
}

// itemView renders an item for a viewer.
func (c *Core) itemView(v domain.Viewer, it repo.Item) ItemView {
	citizen := domain.Citizen{Name: it.CitizenName, Phone: it.CitizenPhone, Email: it.CitizenEmail}
	if citizen.Name == "" && it.AuthorID != "" {
		citizen.Name = it.AuthorID
	}
	title, content := it.Title, it.Content
	if !v.SeesFullPhone() {
		title, content = unitText(it, title), unitText(it, content)
	}
	out := ItemView{
		ID: it.ID, TrackingCode: it.TrackingCode, Channel: it.Channel, Kind: it.Kind, CategoryCode: it.CategoryCode,
		Title: title, Content: content, Status: it.Status, Urgent: it.Urgent, Confidential: it.Confidential,
		Citizen: domain.CitizenFor(v, it.Confidential, citizen), Region: it.Region,
		ReceivedAt: it.ReceivedAt.In(c.set.Location), DueAt: c.tm(it.DueAt), Overdue: it.Overdue,
		PrimaryUnitCode: it.PrimaryUnitCode, CoUnitCodes: nonNil(it.CoUnitCodes), RepliedAt: c.tm(it.RepliedAt),
		ClosedAt: c.tm(it.ClosedAt), DispatchedAt: c.tm(it.DispatchedAt), AcceptDueAt: c.tm(it.AcceptDueAt),
		AcceptedAt: c.tm(it.AcceptedAt), OriginalDueAt: c.tm(it.OriginalDueAt), CompletedAt: c.tm(it.CompletedAt),
		VisitDueAt: c.tm(it.VisitDueAt), Answer: it.Answer, SourceURL: it.SourceURL,
		PublishConsent: it.PublishConsent, PublishedAt: c.tm(it.PublishedAt), ReopenedCount: it.ReopenedCount,
		MergedIntoID: it.MergedIntoID, KBArticleID: it.KBArticleID,
	}
	if it.Channel == string(domain.Platform) || it.Channel == string(domain.Microblog) {
		out.ExternalID = it.SourceRef
	}
	return out
}

// unitText is an item's free text (title, content) as unit roles read it,
// in views and in the notices sent to them: phone, ID and card numbers
// replaced always, and on a confidential item all of the citizen's personal
// data (their name, numbers, e-mail, addresses, plates: privacy.Scrub).
func unitText(it repo.Item, s string) string {
	if !it.Confidential {
		return privacy.ScrubNumbers(s)
	}
	var names []string
	for _, n := range []string{it.CitizenName, it.AuthorID} {
		if n != "" {
			names = append(names, n)
		}
	}
	return privacy.Scrub(s, names...)
}

// AssignmentView is one unit's part of an item.
type AssignmentView struct {
	UnitCode      string     `json:"unit_code"`
	Role          string     `json:"role"`
	Status        string     `json:"status"`
	AssignedAt    time.Time  `json:"assigned_at"`
	AcceptDueAt   *time.Time `json:"accept_due_at"`
	AcceptedAt    *time.Time `json:"accepted_at"`
	AcceptOverdue bool       `json:"accept_overdue"`
	ReturnedAt    *time.Time `json:"returned_at,omitempty"`
	ReturnReason  string     `json:"return_reason,omitempty"`
}

// EventView is one entry of an item's timeline.
type EventView struct {
	At         time.Time `json:"at"`
	Actor      string    `json:"actor"`
	UnitCode   *string   `json:"unit_code,omitempty"`
	Action     string    `json:"action"`
	FromStatus *string   `json:"from_status"`
	ToStatus   *string   `json:"to_status"`
	Note       string    `json:"note"`
}

// ItemDetail is an item with everything that happened to it.
type ItemDetail struct {
	ItemView
	Assignments []AssignmentView `json:"assignments"`
	Replies     []ReplyView      `json:"replies"`
	Extensions  []ExtensionView  `json:"extensions"`
	Ratings     []RatingView     `json:"ratings"`
	Deliveries  []DeliveryView   `json:"deliveries"`
	Events      []EventView      `json:"events"`
}

// visibleItem reads an item the viewer may see; another unit's item is
// reported as not found, so that its existence does not leak.
func (c *Core) visibleItem(ctx context.Context, q *repo.Q, v domain.Viewer, id int64, lock bool) (repo.Item, error) {
	var (
		it  repo.Item
		err error
	)
	if lock {
		it, err = q.LockItem(ctx, id)
	} else {
		it, err = q.GetItem(ctx, id)
	}
	if err != nil {
		return repo.Item{}, notFoundAs(err, fmt.Sprintf("item %d", id))
	}
	if !v.MaySee(strOr(it.PrimaryUnitCode), it.CoUnitCodes) {
		return repo.Item{}, fmt.Errorf("item %d: %w", id, domain.ErrNotFound)
	}
	return it, nil
}

// GetItem returns an item with its assignments, replies, ratings and events.
func (c *Core) GetItem(ctx context.Context, v domain.Viewer, id int64) (ItemDetail, error) {
	// one snapshot for the item and its parts, so that a change committing
	// meanwhile shows entirely or not at all (a delivery sent, its event)
	var (
		it repo.Item
		d  ItemDetail
	)
	err := c.store.ReadTx(ctx, func(q *repo.Q) error {
		var err error
		if it, err = c.visibleItem(ctx, q, v, id, false); err != nil {
			return err
		}
		d, err = c.itemDetail(ctx, q, v, it)
		return err
	})
	if err != nil {
		return ItemDetail{}, err
	}
	if err := c.revealed(ctx, v, "shown in the item", it); err != nil {
		return ItemDetail{}, err
	}
	return d, nil
}

func (c *Core) itemDetail(ctx context.Context, q *repo.Q, v domain.Viewer, it repo.Item) (ItemDetail, error) {
	d := ItemDetail{ItemView: c.itemView(v, it)}
	as, err := q.ItemAssignments(ctx, it.ID)
	if err != nil {
		return d, err
	}
	d.Assignments = make([]AssignmentView, len(as))
	for i, a := range as {
		d.Assignments[i] = AssignmentView{UnitCode: a.UnitCode, Role: a.Role, Status: a.Status,
			AssignedAt: a.AssignedAt.In(c.set.Location), AcceptDueAt: c.tm(a.AcceptDueAt), AcceptedAt: c.tm(a.AcceptedAt),
			AcceptOverdue: a.AcceptOverdue, ReturnedAt: c.tm(a.ReturnedAt), ReturnReason: a.ReturnReason}
	}
	evs, err := q.ItemEvents(ctx, it.ID)
	if err != nil {
		return d, err
	}
	d.Events = make([]EventView, len(evs))
	for i, e := range evs {
		d.Events[i] = EventView{At: e.At.In(c.set.Location), Actor: e.Actor, UnitCode: e.UnitCode, Action: e.Action,
			FromStatus: e.FromStatus, ToStatus: e.ToStatus, Note: e.Note}
	}
	if err := c.fillWork(ctx, q, v, it, &d); err != nil {
		return d, err
	}
	return d, nil
}

// ItemQuery is the filter of GET /items.
type ItemQuery struct {
	Status, UnitCode, Channel, Kind, CategoryCode, Q string
	Overdue, VisitDue                                *bool
	From, To                                         *time.Time
	// PrimaryUnitCode, Open and Figure narrow the console's lists: the
	// primary unit only, items still waiting for an answer, and the items
	// a statistics figure counts (see FigureNames).
	PrimaryUnitCode string
	Open            bool
	Figure          string
}

// filter checks the query and turns it into the store's filter for the
// viewer; none is false when the viewer can see no items at all.
func (f ItemQuery) filter(v domain.Viewer) (rf repo.ItemFilter, none bool, err error) {
	var ve domain.ValidationError
	if f.Status != "" && !domain.Status(f.Status).Valid() {
		ve.Add("status", "unknown status %q", f.Status)
	}
	if f.Channel != "" && !domain.Channel(f.Channel).Valid() {
		ve.Add("channel", "unknown channel %q", f.Channel)
	}
	if f.Kind != "" && !domain.Kind(f.Kind).Valid() {
		ve.Add("kind", "unknown kind %q", f.Kind)
	}
	if f.Figure != "" && !slices.Contains(repo.FigureNames(), f.Figure) {
		ve.Add("figure", "unknown figure %q", f.Figure)
	}
	if len(f.Q) > 200 {
		ve.Add("q", "at most 200 bytes")
	}
	if err := ve.Err(); err != nil {
		return rf, false, err
	}
	rf = repo.ItemFilter{Status: f.Status, UnitCode: f.UnitCode, Channel: f.Channel, Kind: f.Kind,
		CategoryCode: f.CategoryCode, Overdue: f.Overdue, VisitDue: f.VisitDue, Q: f.Q, From: f.From, To: f.To,
		PrimaryUnitCode: f.PrimaryUnitCode, Open: f.Open, Figure: f.Figure}
	if !v.SeesEveryUnit() {
		rf.ScopeUnit = v.UnitCode
		if rf.ScopeUnit == "" {
			return rf, true, nil
		}
	}
	return rf, false, nil
}

// FigureNames lists the statistics figures an item list can be narrowed to
// (ItemQuery.Figure): the count fields, and satisfied_any for satisfied or
// basically satisfied.
func FigureNames() []string { return repo.FigureNames() }

// CountItems counts the items of a query the viewer may see.
func (c *Core) CountItems(ctx context.Context, v domain.Viewer, f ItemQuery) (int64, error) {
	rf, none, err := f.filter(v)
	if err != nil || none {
		return 0, err
	}
	if n, ok, err := c.countFromStats(ctx, v, f); err != nil || ok {
		return n, err
	}
	n, err := c.store.Q().CountItems(ctx, rf)
	if err != nil {
		return 0, fmt.Errorf("count items: %w", err)
	}
	return n, nil
}

// ListItems returns the items the viewer may see, newest first.
func (c *Core) ListItems(ctx context.Context, v domain.Viewer, f ItemQuery, page Page) ([]ItemView, *string, error) {
	rf, none, err := f.filter(v)
	if err != nil {
		return nil, nil, err
	}
	if none {
		return []ItemView{}, nil, nil
	}
	rf.BeforeID, rf.Limit = page.After, page.Limit+1
	rows, err := c.store.Q().ListItems(ctx, rf)
	if err != nil {
		return nil, nil, fmt.Errorf("list items: %w", err)
	}
	if err := c.revealed(ctx, v, "shown in a list", rows[:min(len(rows), page.Limit)]...); err != nil {
		return nil, nil, err
	}
	out := make([]ItemView, 0, len(rows))
	for _, it := range rows {
		out = append(out, c.itemView(v, it))
	}
	next := page.next(len(out), func() int64 { return out[page.Limit-1].ID })
	if len(out) > page.Limit {
		out = out[:page.Limit]
	}
	return out, next, nil
}

// fillWork adds replies, extensions, ratings and deliveries to a detail.
func (c *Core) fillWork(ctx context.Context, q *repo.Q, v domain.Viewer, it repo.Item, d *ItemDetail) error {
	replies, err := q.ItemReplies(ctx, it.ID)
	if err != nil {
		return err
	}
	d.Replies = make([]ReplyView, 0, len(replies))
	for _, r := range replies {
		if v.MaySeeReply(r.UnitCode, r.Status) {
			d.Replies = append(d.Replies, c.replyView(r))
		}
	}
	exts, err := q.ItemExtensions(ctx, it.ID)
	if err != nil {
		return err
	}
	d.Extensions = make([]ExtensionView, len(exts))
	for i, e := range exts {
		d.Extensions[i] = c.extensionView(e)
	}
	ratings, err := q.ItemRatings(ctx, it.ID)
	if err != nil {
		return err
	}
	d.Ratings = make([]RatingView, len(ratings))
	for i, r := range ratings {
		d.Ratings[i] = c.ratingView(r)
	}
	dels, err := q.ItemDeliveries(ctx, it.ID)
	if err != nil {
		return err
	}
	d.Deliveries = make([]DeliveryView, len(dels))
	for i, dl := range dels {
		d.Deliveries[i] = c.deliveryView(v, it, dl)
	}
	return nil
}
