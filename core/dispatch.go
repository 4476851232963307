package core

import (
	"context"
	"fmt"
	"strings"
	"time"

	"hotline/domain"
	"hotline/repo"
)

// DispatchInput is an operator's or manager's choice of units.
type DispatchInput struct {
	PrimaryUnitCode string   `json:"primary_unit_code"`
	CoUnitCodes     []string `json:"co_unit_codes"`
	Note            string   `json:"note"`
}

// Dispatch gives an item in received or pending_dispatch to the units chosen.
func (c *Core) Dispatch(ctx context.Context, v domain.Viewer, id int64, in DispatchInput) (ItemView, error) {
	var ve domain.ValidationError
	if !codePattern.MatchString(in.PrimaryUnitCode) {
		ve.Add("primary_unit_code", "required: a unit code")
	}
	for i, u := range in.CoUnitCodes {
		if !codePattern.MatchString(u) {
			ve.Add(fmt.Sprintf("co_unit_codes[%d]", i), "not a unit code")
		}
	}
	if len(in.CoUnitCodes) > 20 {
		ve.Add("co_unit_codes", "at most 20 units")
	}
	note := text(&ve, "note", in.Note, false, 2000)
	co := domain.CoUnits(in.PrimaryUnitCode, in.CoUnitCodes)
	it, err := c.act(ctx, v, id, fixed(domain.ActDispatch), ve.Err(), func(q *repo.Q, it *repo.Item, now time.Time) error {
		units := append([]string{in.PrimaryUnitCode}, co...)
		n, err := q.CountUnits(ctx, units)
		if err != nil {
			return err
		}
		if n != len(units) {
			return domain.ValidationError{{Field: "primary_unit_code", Message: "every unit must exist and be active"}}
		}
		full := fmt.Sprintf("分派:主办 %s", in.PrimaryUnitCode)
		if len(co) > 0 {
			full += ",协办 " + strings.Join(co, "、")
		}
		if note != "" {
			full += "。" + note
		}
		return c.assign(ctx, q, it, in.PrimaryUnitCode, co, actorOf(v), domain.ActDispatch, full, now)
	})
	if err != nil {
		return ItemView{}, err
	}
	c.tasks.ScheduleDeadlines(it.ID, it.RemindAt, it.AcceptDueAt, it.DueAt)
	return c.answer(ctx, v, it, domain.ActDispatch)
}

// assign gives a locked item to a primary unit and co-handling units, sets its
// deadlines from the SLA policy and the working calendar, records the event
// and tells the units' staff. The caller has checked the units.
func (c *Core) assign(ctx context.Context, q *repo.Q, it *repo.Item, primary string, co []string, who actor, a domain.Action, note string, now time.Time) error {
	if err := transition(ctx, q, now, it, who, a, note); err != nil {
		return err
	}
	p, err := c.planAssign(ctx, q, it, primary, co, now)
	if err != nil {
		return err
	}
	// a re-dispatch replaces what is left of earlier assignments
	if err := q.WithdrawAssignments(ctx, it.ID); err != nil {
		return err
	}
	if err := q.WithdrawPendingExtensions(ctx, it.ID); err != nil {
		return err
	}
	if err := q.InsertAssignments(ctx, p.assignments); err != nil {
		return fmt.Errorf("assign item %d: %w", it.ID, err)
	}
	if err := q.SaveItem(ctx, *it); err != nil {
		return err
	}
	return q.NotifyUnits(ctx, p.notices)
}

// assignPlan is what giving items to units writes besides the items: the
// assignments and a notice to each unit.
type assignPlan struct {
	assignments []repo.Assignment
	notices     []repo.UnitNotice
}

func (p *assignPlan) add(o assignPlan) {
	p.assignments = append(p.assignments, o.assignments...)
	p.notices = append(p.notices, o.notices...)
}

// planAssign sets an item's units, deadlines and dispatch fields for its
// assignment to primary and co at now, and returns the rows that go with
// it; it writes nothing.
func (c *Core) planAssign(ctx context.Context, q *repo.Q, it *repo.Item, primary string, co []string, now time.Time) (assignPlan, error) {
	cal, err := c.Calendar(ctx)
	if err != nil {
		return assignPlan{}, err
	}
	pol, err := c.policy(ctx, q, it.Kind)
	if err != nil {
		return assignPlan{}, err
	}
	d := domain.ComputeDeadlines(cal, pol, now, it.Urgent, it.UpstreamDueAt)
	units := append([]string{primary}, co...)
	var p assignPlan
	for i, unit := range units {
		role := domain.PrimaryUnit
		if i > 0 {
			role = domain.CoUnit
		}
		p.assignments = append(p.assignments, repo.Assignment{ItemID: it.ID, UnitCode: unit, Role: string(role),
			Status: string(domain.AssignAssigned), AssignedAt: now, AcceptDueAt: &d.AcceptDue})
	}
	it.PrimaryUnitCode = &primary
	it.CoUnitCodes = co
	it.DispatchedAt = &now
	it.AcceptDueAt, it.DueAt, it.RemindAt = &d.AcceptDue, &d.Due, &d.RemindAt
	it.OriginalDueAt, it.RemindedAt = nil, nil
	it.Overdue, it.OverdueAt = false, nil
	it.AcceptedAt, it.RepliedAt, it.CompletedAt, it.HandleSeconds = nil, nil, nil, nil
	msg := fmt.Sprintf("新交办件 %s:%s(%s前签收,%s前办结)", it.TrackingCode, unitText(*it, it.Title),
		d.AcceptDue.In(c.set.Location).Format("01-02 15:04"), d.Due.In(c.set.Location).Format("01-02 15:04"))
	for _, unit := range units {
		p.notices = append(p.notices, repo.UnitNotice{UnitCode: unit, ItemID: it.ID, Type: "assigned", Message: msg})
	}
	return p, nil
}
