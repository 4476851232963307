package web

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
	"hotline/repo"
)

// The dispatch queue (/console/dispatch): the items no routing rule matched,
// oldest first, each with the units the rules and similar past items
// suggest (loaded into each row as it shows, since finding similar items is
// the slow part); dispatch one with a suggested unit's button, or many at
// once with the checkboxes, 主办单位 and co-units.

type dispatchPage struct {
	Rows    []core.ItemView
	Total   int64
	NextURL string
	Units   []repo.Unit
	Form    form
	Done    string
	// Failed lists the items a bulk dispatch could not dispatch, and why.
	Failed []string
}

// UnitName is a unit's name for the template.
func (p dispatchPage) UnitName(code string) string {
	for _, u := range p.Units {
		if u.Code == code {
			return u.Name
		}
	}
	return code
}

func (w *Web) dispatchQueue(c *fiber.Ctx, r *request) error {
	done := ""
	if n, err := strconv.Atoi(c.Query("done")); err == nil && n > 0 {
		done = fmt.Sprintf("已派单 %d 件。", n)
	}
	return w.showDispatchQueue(c, r, fiber.StatusOK, form{Name: "dispatch"}, done, nil)
}

func (w *Web) showDispatchQueue(c *fiber.Ctx, r *request, status int, f form, done string, failed []string) error {
	page, err := core.ParsePage("", c.Query("cursor"))
	if err != nil {
		page = core.Page{Limit: 50}
	}
	rows, next, total, err := w.Core.DispatchQueue(c.UserContext(), r.viewer, page)
	if err != nil {
		return err
	}
	units, err := w.unitNames(c)
	if err != nil {
		return err
	}
	p := dispatchPage{Rows: rows, Total: total, Units: units.list, Form: f, Done: done, Failed: failed}
	if next != nil {
		p.NextURL = "/console/dispatch?cursor=" + url.QueryEscape(*next)
	}
	return w.render(c, r, status, "dispatchqueue", "待派单", p)
}

type suggestionsPanel struct {
	ItemID      int64
	Suggestions []suggestion
}

type suggestion struct {
	core.UnitSuggestion
	Unit    string
	CoUnits []string
	Value   string // the quick-dispatch button's value
}

// dispatchSuggestions is one row's suggested units, each a button that
// dispatches the item there.
func (w *Web) dispatchSuggestions(c *fiber.Ctx, r *request) error {
	id, err := itemID(c)
	if err != nil {
		return err
	}
	sugg, err := w.Core.DispatchSuggestions(c.UserContext(), r.viewer, id)
	if err != nil {
		return err
	}
	units, err := w.unitNames(c)
	if err != nil {
		return err
	}
	p := suggestionsPanel{ItemID: id}
	for _, s := range sugg {
		x := suggestion{UnitSuggestion: s, Unit: units.name(s.PrimaryUnitCode),
			Value: fmt.Sprintf("%d|%s|%s", id, s.PrimaryUnitCode, strings.Join(s.CoUnitCodes, ","))}
		for _, u := range s.CoUnitCodes {
			x.CoUnits = append(x.CoUnits, units.name(u))
		}
		p.Suggestions = append(p.Suggestions, x)
	}
	return w.renderFragment(c, r, "dispatchqueue", "suggestions", p)
}

// dispatchMany dispatches the items ticked to the units chosen, or one item
// to a suggested unit (the button's value "id|unit|co,co").
func (w *Web) dispatchMany(c *fiber.Ctx, r *request) error {
	ctx := c.UserContext()
	f := postForm(c, "dispatch", "primary_unit_code", "note", "quick")
	if q := f.Values["quick"]; q != "" {
		id, in, ok := parseQuick(q)
		if !ok {
			return fmt.Errorf("quick dispatch %q: %w", q, domain.ErrNotFound)
		}
		if _, err := w.Core.Dispatch(ctx, r.viewer, id, in); err != nil {
			return w.showDispatchQueue(c, r, statusOf(err), f, "", []string{dispatchFailure(id, err)})
		}
		return c.Redirect("/console/dispatch?done=1", fiber.StatusSeeOther)
	}
	in := core.DispatchInput{PrimaryUnitCode: strings.TrimSpace(f.Values["primary_unit_code"]), Note: f.Values["note"]}
	for _, v := range c.Request().PostArgs().PeekMulti("co_unit_codes") {
		if s := strings.TrimSpace(string(v)); s != "" {
			in.CoUnitCodes = append(in.CoUnitCodes, s)
		}
	}
	var ids []int64
	for _, v := range c.Request().PostArgs().PeekMulti("ids") {
		if id, err := strconv.ParseInt(string(v), 10, 64); err == nil && id > 0 {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		f.fail("ids", "请勾选要派单的事项")
	}
	if in.PrimaryUnitCode == "" {
		f.fail("primary_unit_code", "请选择主办单位")
	}
	if !f.ok() {
		return w.showDispatchQueue(c, r, fiber.StatusUnprocessableEntity, f, "", nil)
	}
	var failed []string
	done := 0
	for _, id := range ids {
		_, err := w.Core.Dispatch(ctx, r.viewer, id, in)
		var ve domain.ValidationError
		switch {
		case errors.As(err, &ve):
			// the units are wrong for every item alike: say so beside the fields
			f.fromCore(ve, map[string]string{"primary_unit_code": "primary_unit_code", "co_unit_codes": "co_unit_codes", "note": "note"})
			return w.showDispatchQueue(c, r, fiber.StatusUnprocessableEntity, f, "", nil)
		case errors.Is(err, domain.ErrNotFound), errors.Is(err, domain.ErrInvalidTransition), errors.Is(err, domain.ErrConflict):
			failed = append(failed, dispatchFailure(id, err))
		case err != nil:
			return err
		default:
			done++
		}
	}
	if len(failed) == 0 {
		return c.Redirect(fmt.Sprintf("/console/dispatch?done=%d", done), fiber.StatusSeeOther)
	}
	return w.showDispatchQueue(c, r, fiber.StatusConflict, form{Name: "dispatch"}, fmt.Sprintf("已派单 %d 件。", done), failed)
}

// parseQuick reads a suggestion button's value.
func parseQuick(s string) (int64, core.DispatchInput, bool) {
	parts := strings.Split(s, "|")
	if len(parts) != 3 {
		return 0, core.DispatchInput{}, false
	}
	id, err := strconv.ParseInt(parts[0], 10, 64)
	if err != nil || id <= 0 || parts[1] == "" {
		return 0, core.DispatchInput{}, false
	}
	in := core.DispatchInput{PrimaryUnitCode: parts[1]}
	if parts[2] != "" {
		in.CoUnitCodes = strings.Split(parts[2], ",")
	}
	return id, in, true
}

func dispatchFailure(id int64, err error) string {
	switch {
	case errors.Is(err, domain.ErrNotFound):
		return fmt.Sprintf("事项 #%d 不存在。", id)
	case errors.Is(err, domain.ErrInvalidTransition), errors.Is(err, domain.ErrConflict):
		return fmt.Sprintf("事项 #%d 已不在待派单状态(可能已被他人派单)。", id)
	}
	var ve domain.ValidationError
	if errors.As(err, &ve) {
		return fmt.Sprintf("事项 #%d:所选单位不存在或已停用。", id)
	}
	return fmt.Sprintf("事项 #%d 派单失败,请稍后重试。", id)
}

func statusOf(err error) int {
	var ve domain.ValidationError
	if errors.As(err, &ve) {
		return fiber.StatusUnprocessableEntity
	}
	if errors.Is(err, domain.ErrNotFound) {
		return fiber.StatusNotFound
	}
	return fiber.StatusConflict
}
