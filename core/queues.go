package core

import (
	"context"
	"fmt"
	"sort"
	"time"

	"hotline/delivery"
	"hotline/domain"
	"hotline/privacy"
	"hotline/repo"
)

// The console's work queues: items waiting for dispatch, a unit's inbox,
// answered items due for a return visit, and messages that failed. Lists do
// not show phone numbers, so their views carry them masked (no reveal to
// audit); the item page shows the full number to the roles that see it.

// listView is an item for a work queue: as the viewer may see it, with the
// phone number masked.
func (c *Core) listView(v domain.Viewer, it repo.Item) ItemView {
	out := c.itemView(v, it)
	if out.Citizen != nil {
		masked := *out.Citizen
		masked.Phone = privacy.MaskPhone(masked.Phone)
		out.Citizen = &masked
	}
	return out
}

func mayDo(v domain.Viewer, a domain.Action, what string) error {
	if !domain.Allowed(v.Role, a) {
		return fmt.Errorf("%s: %w", what, domain.ErrForbidden)
	}
	return nil
}

// DispatchQueue lists the items no rule matched, oldest first, and how many
// wait in all.
func (c *Core) DispatchQueue(ctx context.Context, v domain.Viewer, page Page) ([]ItemView, *string, int64, error) {
	if err := mayDo(v, domain.ActDispatch, "dispatch queue"); err != nil {
		return nil, nil, 0, err
	}
	q := c.store.Q()
	rows, err := q.PendingDispatch(ctx, page.After, page.Limit+1)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("read dispatch queue: %w", err)
	}
	total, err := q.CountPendingDispatch(ctx)
	if err != nil {
		return nil, nil, 0, fmt.Errorf("count dispatch queue: %w", err)
	}
	out := make([]ItemView, 0, len(rows))
	for _, it := range rows {
		out = append(out, c.listView(v, it))
	}
	next := page.next(len(out), func() int64 { return out[page.Limit-1].ID })
	if len(out) > page.Limit {
		out = out[:page.Limit]
	}
	return out, next, total, nil
}

// UnitSuggestion is a unit proposed for an item, and why.
type UnitSuggestion struct {
	PrimaryUnitCode string   `json:"primary_unit_code"`
	CoUnitCodes     []string `json:"co_unit_codes"`
	// RuleID is the routing rule that matches the item (0: from similar items).
	RuleID int64 `json:"rule_id"`
	// Similar is how many similar past items the unit handled.
	Similar int `json:"similar"`
}

// DispatchSuggestions proposes units for an item: those of the routing rules
// that match it now (in the order routing tries them; rules whose units are
// inactive left out), then the units that handled similar items.
func (c *Core) DispatchSuggestions(ctx context.Context, v domain.Viewer, id int64) ([]UnitSuggestion, error) {
	if err := mayDo(v, domain.ActDispatch, "dispatch suggestions"); err != nil {
		return nil, err
	}
	q := c.store.Q()
	it, err := c.visibleItem(ctx, q, v, id, false)
	if err != nil {
		return nil, err
	}
	units, err := q.ListUnits(ctx)
	if err != nil {
		return nil, fmt.Errorf("read units: %w", err)
	}
	active := map[string]bool{}
	for _, u := range units {
		active[u.Code] = u.Active
	}
	out, err := c.ruleSuggestions(ctx, q, it, active)
	if err != nil {
		return nil, err
	}
	similar, err := q.SimilarItems(ctx, it, 180*24*time.Hour, 0.3, 30)
	if err != nil {
		return nil, fmt.Errorf("find similar items: %w", err)
	}
	counts := map[string]int{}
	for _, s := range similar {
		if u := strOr(s.PrimaryUnitCode); u != "" && active[u] {
			counts[u]++
		}
	}
	byCount := make([]string, 0, len(counts))
	for u := range counts {
		byCount = append(byCount, u)
	}
	sort.Slice(byCount, func(i, j int) bool {
		if counts[byCount[i]] != counts[byCount[j]] {
			return counts[byCount[i]] > counts[byCount[j]]
		}
		return byCount[i] < byCount[j]
	})
	for _, u := range byCount[:min(len(byCount), 3)] {
		out = append(out, UnitSuggestion{PrimaryUnitCode: u, CoUnitCodes: []string{}, Similar: counts[u]})
	}
	return out, nil
}

// ruleSuggestions are the rules that match an item, as routing would try
// them.
func (c *Core) ruleSuggestions(ctx context.Context, q *repo.Q, it repo.Item, active map[string]bool) ([]UnitSuggestion, error) {
	rows, err := q.ListRules(ctx)
	if err != nil {
		return nil, fmt.Errorf("read routing rules: %w", err)
	}
	in := domain.RouteInput{Channel: domain.Channel(it.Channel), Kind: domain.Kind(it.Kind), Region: it.Region,
		Text: it.Title + "\n" + it.Content}
	if it.CategoryCode != nil {
		if in.CategoryPath, err = q.CategoryPath(ctx, *it.CategoryCode); err != nil {
			return nil, fmt.Errorf("read category: %w", err)
		}
	}
	rules := make([]domain.Rule, len(rows))
	for i, r := range rows {
		rules[i] = ruleFromRow(r)
	}
	domain.SortRules(rules)
	out := []UnitSuggestion{}
	for _, r := range rules {
		if !r.Matches(in) || !active[r.PrimaryUnitCode] || !allActive(r.CoUnitCodes, active) {
			continue
		}
		out = append(out, UnitSuggestion{PrimaryUnitCode: r.PrimaryUnitCode, CoUnitCodes: nonNil(r.CoUnitCodes), RuleID: r.ID})
		if len(out) == 3 {
			break
		}
	}
	return out, nil
}

func allActive(codes []string, active map[string]bool) bool {
	for _, u := range codes {
		if !active[u] {
			return false
		}
	}
	return true
}

// InboxQuery selects views of a unit's inbox.
type InboxQuery struct {
	// Stage: "assigned" (to sign for), "accepted" (being handled) or "".
	Stage string
	// Role: "primary", "co" or "".
	Role    string
	Overdue bool
	Kind    string
}

// InboxItem is an item in a unit's inbox with the unit's part in it.
type InboxItem struct {
	ItemView
	// Stage is the unit's assignment status: assigned or accepted.
	Stage string `json:"stage"`
	// UnitRole is primary or co.
	UnitRole string `json:"unit_role"`
}

// inboxLimit bounds an inbox view; a unit with more live items narrows it
// with the filters.
const inboxLimit = 200

// Inbox lists the items the viewer's unit is working on, the nearest due
// time (the least working time left) first.
func (c *Core) Inbox(ctx context.Context, v domain.Viewer, f InboxQuery) ([]InboxItem, error) {
	if !v.Role.IsUnitRole() || v.UnitCode == "" {
		return nil, fmt.Errorf("inbox: %w", domain.ErrForbidden)
	}
	var ve domain.ValidationError
	if f.Stage != "" && f.Stage != string(domain.AssignAssigned) && f.Stage != string(domain.AssignAccepted) {
		ve.Add("stage", "unknown value %q: assigned or accepted", f.Stage)
	}
	if f.Role != "" && f.Role != string(domain.PrimaryUnit) && f.Role != string(domain.CoUnit) {
		ve.Add("role", "unknown value %q: primary or co", f.Role)
	}
	if f.Kind != "" && !domain.Kind(f.Kind).Valid() {
		ve.Add("kind", "unknown kind %q", f.Kind)
	}
	if err := ve.Err(); err != nil {
		return nil, err
	}
	rows, err := c.store.Q().Inbox(ctx, repo.InboxFilter{Unit: v.UnitCode, Stage: f.Stage, Role: f.Role,
		Overdue: f.Overdue, Kind: f.Kind, Limit: inboxLimit})
	if err != nil {
		return nil, fmt.Errorf("read inbox: %w", err)
	}
	out := make([]InboxItem, 0, len(rows))
	for _, r := range rows {
		out = append(out, InboxItem{ItemView: c.listView(v, r.Item), Stage: r.Stage, UnitRole: r.UnitRole})
	}
	return out, nil
}

// InboxCounts are the sizes of a unit's inbox views.
type InboxCounts struct {
	ToAccept int64 `json:"to_accept"`
	Working  int64 `json:"working"`
	Overdue  int64 `json:"overdue"`
	// DueToday counts the items not overdue yet that fall due before the
	// next working day begins.
	DueToday int64 `json:"due_today"`
	All      int64 `json:"all"`
}

// InboxCounts counts the viewer's unit's live work.
func (c *Core) InboxCounts(ctx context.Context, v domain.Viewer) (InboxCounts, error) {
	if !v.Role.IsUnitRole() || v.UnitCode == "" {
		return InboxCounts{}, fmt.Errorf("inbox: %w", domain.ErrForbidden)
	}
	cal, err := c.Calendar(ctx)
	if err != nil {
		return InboxCounts{}, err
	}
	now := c.now()
	soon := cal.NextWorkday(now)
	n, err := c.store.Q().CountInbox(ctx, v.UnitCode, soon)
	if err != nil {
		return InboxCounts{}, fmt.Errorf("count inbox: %w", err)
	}
	return InboxCounts{ToAccept: n.ToAccept, Working: n.Working, Overdue: n.Overdue, DueToday: n.DueSoon, All: n.All}, nil
}

// VisitEntry is an answered item waiting for its return visit.
type VisitEntry struct {
	ItemView
	// Due reports whether the visit is due now (it may be made earlier).
	Due bool `json:"due"`
	// Dissatisfied reports that the citizen said they were not satisfied
	// and the item waits for a decision to reopen it.
	Dissatisfied bool `json:"dissatisfied"`
}

// VisitQueue lists answered items no rating has settled, the earliest visit
// due time first.
func (c *Core) VisitQueue(ctx context.Context, v domain.Viewer, limit int) ([]VisitEntry, error) {
	if err := mayDo(v, domain.ActVisit, "visit queue"); err != nil {
		return nil, err
	}
	rows, err := c.store.Q().VisitQueue(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("read visit queue: %w", err)
	}
	now := c.now()
	out := make([]VisitEntry, 0, len(rows))
	for _, r := range rows {
		out = append(out, VisitEntry{ItemView: c.listView(v, r.Item), Due: r.VisitDueAt != nil && !r.VisitDueAt.After(now),
			Dissatisfied: strOr(r.LastSatisfaction) == "dissatisfied"})
	}
	return out, nil
}

// FailedDelivery is a message that could not be delivered, with its item.
type FailedDelivery struct {
	DeliveryView
	ItemID       int64  `json:"item_id"`
	TrackingCode string `json:"tracking_code"`
	Title        string `json:"title"`
}

// FailedDeliveries lists the messages that failed, newest first, for an
// operator to retry.
func (c *Core) FailedDeliveries(ctx context.Context, v domain.Viewer, limit int) ([]FailedDelivery, error) {
	if err := mayDo(v, domain.ActRetryDelivery, "failed deliveries"); err != nil {
		return nil, err
	}
	q := c.store.Q()
	dels, err := q.FailedDeliveries(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("read failed deliveries: %w", err)
	}
	items, err := c.itemsByID(ctx, q, deliveryItemIDs(dels))
	if err != nil {
		return nil, err
	}
	out := make([]FailedDelivery, 0, len(dels))
	for _, d := range dels {
		it := items[d.ItemID]
		view := c.deliveryView(v, it, d)
		view.To = listRecipient(it, d) // a list never shows a full number
		out = append(out, FailedDelivery{DeliveryView: view, ItemID: it.ID, TrackingCode: it.TrackingCode, Title: it.Title})
	}
	return out, nil
}

// listRecipient is a delivery's recipient as lists show it to anyone:
// masked, and nothing at all for a confidential item.
func listRecipient(it repo.Item, d repo.Delivery) string {
	if it.Confidential {
		return ""
	}
	return delivery.MaskRecipient(d.Recipient)
}

func deliveryItemIDs(ds []repo.Delivery) []int64 {
	ids := make([]int64, 0, len(ds))
	for _, d := range ds {
		ids = append(ids, d.ItemID)
	}
	return ids
}

// itemsByID reads items by id into a map.
func (c *Core) itemsByID(ctx context.Context, q *repo.Q, ids []int64) (map[int64]repo.Item, error) {
	rows, err := q.ItemsByIDs(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read items: %w", err)
	}
	m := make(map[int64]repo.Item, len(rows))
	for _, it := range rows {
		m[it.ID] = it
	}
	return m, nil
}

// ItemSummary reads an item for a status line (the desk's "where did it
// go"): as the viewer may see it, the phone number masked, nothing audited.
func (c *Core) ItemSummary(ctx context.Context, v domain.Viewer, id int64) (ItemView, error) {
	it, err := c.visibleItem(ctx, c.store.Q(), v, id, false)
	if err != nil {
		return ItemView{}, err
	}
	return c.listView(v, it), nil
}
