package core

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hotline/domain"
	"hotline/privacy"
	"hotline/repo"
)

// callerHistoryLimit is how many of a caller's items the desk shows.
const callerHistoryLimit = 20

// CallerHistory is what a caller asked before: their latest items and how
// many there are in all.
type CallerHistory struct {
	// Phone is the number as normalised (the way intake stores it).
	Phone string     `json:"phone"`
	Total int64      `json:"total"`
	Items []ItemView `json:"items"`
}

// CallerHistory finds a caller's earlier items by phone number, newest
// first. The number is normalised as intake normalises it, so that "138 1234
// 5678" finds items logged as "13812345678"; the lookup is one index scan
// (items_phone_idx) at any size. Unit roles see only their units' items, with
// the number masked; a role that sees full numbers has each lookup that
// showed some recorded in the audit log.
func (c *Core) CallerHistory(ctx context.Context, v domain.Viewer, phone string) (CallerHistory, error) {
	p, err := privacy.NormalizePhone(phone)
	if err != nil || len(phone) > 40 {
		return CallerHistory{}, domain.ValidationError{{Field: "caller_phone", Message: "not a phone number"}}
	}
	scope := ""
	if !v.SeesEveryUnit() {
		if scope = v.UnitCode; scope == "" {
			return CallerHistory{Phone: p, Items: []ItemView{}}, nil
		}
	}
	q := c.store.Q()
	rows, err := q.CallerItems(ctx, p, scope, callerHistoryLimit)
	if err != nil {
		return CallerHistory{}, fmt.Errorf("read caller history: %w", err)
	}
	h := CallerHistory{Phone: p, Total: int64(len(rows)), Items: make([]ItemView, 0, len(rows))}
	if len(rows) == callerHistoryLimit {
		if h.Total, err = q.CountCallerItems(ctx, p, scope); err != nil {
			return CallerHistory{}, fmt.Errorf("count caller history: %w", err)
		}
	}
	for _, it := range rows {
		h.Items = append(h.Items, c.itemView(v, it))
	}
	if err := c.revealed(ctx, v, "caller history", rows...); err != nil {
		return CallerHistory{}, err
	}
	return h, nil
}

// SimilarToCall lists items a call being logged may duplicate, before it is
// stored: the same caller within 30 days, or similar text (the search of
// Similar, for an item that does not exist yet). A number that is not one
// yet (the operator is still typing) is left out of the search.
func (c *Core) SimilarToCall(ctx context.Context, v domain.Viewer, in CallInput) ([]SimilarItem, error) {
	draft := repo.Item{Title: strings.TrimSpace(in.Title), Content: strings.TrimSpace(in.Content), ReceivedAt: c.now()}
	if p, err := privacy.NormalizePhone(in.CallerPhone); err == nil && len(in.CallerPhone) <= 40 {
		draft.CitizenPhone = p
	}
	if len(draft.Content) > 4*maxContent || len(draft.Title) > 4*maxTitle {
		return nil, domain.ValidationError{{Field: "content", Message: fmt.Sprintf("at most %d characters", maxContent)}}
	}
	if draft.CitizenPhone == "" && len([]rune(draft.Title+draft.Content)) < 4 {
		return []SimilarItem{}, nil
	}
	rows, err := c.store.Q().SimilarItems(ctx, draft, 30*24*time.Hour, 0.3, 10)
	if err != nil {
		return nil, fmt.Errorf("find items similar to a call: %w", err)
	}
	out := []SimilarItem{}
	var shown []repo.Item
	for _, r := range rows {
		if !v.MaySee(strOr(r.PrimaryUnitCode), r.CoUnitCodes) {
			continue
		}
		out = append(out, SimilarItem{ItemView: c.itemView(v, r.Item), Reason: r.Reason, Similarity: r.Similarity})
		shown = append(shown, r.Item)
	}
	return out, c.revealed(ctx, v, "similar items of a call", shown...)
}
