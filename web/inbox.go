package web

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

// The unit inbox (/console/inbox): the items the viewer's unit is working
// on, the least working time left first, shown as text and colour; every
// filter in the query string so that a view can be bookmarked; the counts
// and the list refresh themselves.

// inboxFilters are the inbox's query parameters.
var inboxFilters = []string{"stage", "role", "overdue", "kind"}

type inboxRow struct {
	core.InboxItem
	Remaining remainingTime
}

type inboxPage struct {
	Rows       []inboxRow
	Counts     countsPanel
	Filter     map[string]string
	Kinds      []option
	Form       form
	Units      unitNames
	RefreshURL string
}

// UnitName is a unit's name for the template.
func (p inboxPage) UnitName(code string) string { return p.Units.name(code) }

// countsPanel is the row of views with their sizes.
type countsPanel struct {
	core.InboxCounts
	Current string // the query of the view shown
}

// inboxViews are the bookmarkable views the counts link to.
func (p countsPanel) Links() []countLink {
	return []countLink{
		{"全部", "", p.All, ""},
		{"待签收", "stage=assigned", p.ToAccept, ""},
		{"办理中", "stage=accepted", p.Working, ""},
		{"已超时", "overdue=true", p.Overdue, "overdue-count"},
	}
}

type countLink struct {
	Label, Query string
	N            int64
	Class        string
}

func (w *Web) inbox(c *fiber.Ctx, r *request) error {
	ctx := c.UserContext()
	p := inboxPage{Filter: map[string]string{}, Form: form{Name: "inbox"}}
	for _, k := range inboxFilters {
		p.Filter[k] = strings.TrimSpace(c.Query(k))
	}
	for _, k := range domain.Kinds() {
		p.Kinds = append(p.Kinds, option{string(k), k.Label()})
	}
	q := core.InboxQuery{Stage: p.Filter["stage"], Role: p.Filter["role"], Kind: p.Filter["kind"]}
	switch p.Filter["overdue"] {
	case "", "false":
	case "true":
		q.Overdue = true
	default:
		p.Form.fail("overdue", "请选择“是”或“否”")
	}
	units, err := w.unitNames(c)
	if err != nil {
		return err
	}
	p.Units = units
	counts, err := w.Core.InboxCounts(ctx, r.viewer)
	if err != nil {
		return err
	}
	p.Counts = countsPanel{InboxCounts: counts, Current: inboxQuery(p.Filter)}
	status := fiber.StatusOK
	if p.Form.ok() {
		items, err := w.Core.Inbox(ctx, r.viewer, q)
		var ve domain.ValidationError
		switch {
		case errors.As(err, &ve):
			p.Form.fromCore(ve, map[string]string{"stage": "stage", "role": "role", "kind": "kind"})
		case err != nil:
			return err
		}
		cal, err := w.Core.Calendar(ctx)
		if err != nil {
			return err
		}
		now := w.Core.Now()
		for _, it := range items {
			p.Rows = append(p.Rows, inboxRow{InboxItem: it, Remaining: remainingFor(cal, now, it.ItemView)})
		}
	}
	if !p.Form.ok() {
		status = fiber.StatusUnprocessableEntity
	}
	p.RefreshURL = c.OriginalURL()
	return w.render(c, r, status, "inbox", "待办件", p)
}

// inboxCounts is the counts row alone, polled by the page.
func (w *Web) inboxCounts(c *fiber.Ctx, r *request) error {
	counts, err := w.Core.InboxCounts(c.UserContext(), r.viewer)
	if err != nil {
		return err
	}
	f := map[string]string{}
	for _, k := range inboxFilters {
		f[k] = strings.TrimSpace(c.Query(k))
	}
	return w.renderFragment(c, r, "inbox", "counts", countsPanel{InboxCounts: counts, Current: inboxQuery(f)})
}

// inboxQuery is the query string of a view, in a fixed order.
func inboxQuery(f map[string]string) string {
	v := url.Values{}
	for _, k := range inboxFilters {
		if f[k] != "" {
			v.Set(k, f[k])
		}
	}
	return v.Encode()
}
