package core

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"hotline/domain"
	"hotline/repo"
)

var codePattern = regexp.MustCompile(`^[A-Za-z0-9_.-]{1,64}$`)

// UnitInput creates or changes a unit. On PATCH, absent fields keep their
// value; parent_code "" removes the parent.
type UnitInput struct {
	Code          string  `json:"code"`
	Name          *string `json:"name"`
	ParentCode    *string `json:"parent_code"`
	ReplyApproval *bool   `json:"reply_approval"`
	Active        *bool   `json:"active"`
}

// ListUnits returns every unit.
func (c *Core) ListUnits(ctx context.Context) ([]repo.Unit, error) {
	return c.store.Q().ListUnits(ctx)
}

// CreateUnit adds a unit.
func (c *Core) CreateUnit(ctx context.Context, in UnitInput) (repo.Unit, error) {
	defer c.changed(repo.ChangeUnits)
	var v domain.ValidationError
	if !codePattern.MatchString(in.Code) {
		v.Add("code", "required: 1 to 64 letters, digits, '_', '.' or '-'")
	}
	if in.Name == nil || strings.TrimSpace(*in.Name) == "" {
		v.Add("name", "required")
	} else if utf8.RuneCountInString(*in.Name) > 100 {
		v.Add("name", "at most 100 characters")
	}
	if err := v.Err(); err != nil {
		return repo.Unit{}, err
	}
	u := repo.Unit{Code: in.Code, Name: strings.TrimSpace(*in.Name), Active: true}
	if in.ParentCode != nil && *in.ParentCode != "" {
		u.ParentCode = in.ParentCode
	}
	if in.ReplyApproval != nil {
		u.ReplyApproval = *in.ReplyApproval
	}
	if in.Active != nil {
		u.Active = *in.Active
	}
	out, err := c.store.Q().CreateUnit(ctx, u)
	if errors.Is(err, repo.ErrDuplicate) {
		return repo.Unit{}, fmt.Errorf("unit %s exists: %w", in.Code, domain.ErrConflict)
	}
	if errors.Is(err, repo.ErrMissingReference) {
		return repo.Unit{}, domain.ValidationError{{Field: "parent_code", Message: "no such unit"}}
	}
	return out, err
}

// UpdateUnit changes a unit.
func (c *Core) UpdateUnit(ctx context.Context, code string, in UnitInput) (repo.Unit, error) {
	defer c.changed(repo.ChangeUnits)
	if !codePattern.MatchString(code) {
		return repo.Unit{}, fmt.Errorf("unit %q: %w", code, domain.ErrNotFound)
	}
	var out repo.Unit
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		u, err := q.GetUnit(ctx, code)
		if err != nil {
			return notFoundAs(err, "unit "+code)
		}
		var v domain.ValidationError
		if in.Code != "" && in.Code != code {
			v.Add("code", "cannot be changed")
		}
		if in.Name != nil {
			if n := strings.TrimSpace(*in.Name); n == "" || utf8.RuneCountInString(n) > 100 {
				v.Add("name", "1 to 100 characters")
			} else {
				u.Name = n
			}
		}
		if in.ParentCode != nil {
			if *in.ParentCode == "" {
				u.ParentCode = nil
			} else {
				cycle, err := q.UnitIsAncestor(ctx, code, *in.ParentCode)
				if err != nil {
					return err
				}
				if cycle {
					v.Add("parent_code", "would make the unit its own ancestor")
				}
				u.ParentCode = in.ParentCode
			}
		}
		if in.ReplyApproval != nil {
			u.ReplyApproval = *in.ReplyApproval
		}
		if in.Active != nil {
			u.Active = *in.Active
		}
		if err := v.Err(); err != nil {
			return err
		}
		out, err = q.UpdateUnit(ctx, u)
		if errors.Is(err, repo.ErrMissingReference) {
			return domain.ValidationError{{Field: "parent_code", Message: "no such unit"}}
		}
		return err
	})
	return out, err
}

// unitsActive reports whether every unit of codes exists and is active, from
// the units kept in memory (see cache.go).
func (c *Core) unitsActive(ctx context.Context, q *repo.Q, codes []string) (bool, error) {
	active, err := c.caches.units.get(c.caches.on.Load(), func() (map[string]bool, error) {
		rows, err := q.ListUnits(ctx)
		if err != nil {
			return nil, fmt.Errorf("read units: %w", err)
		}
		active := make(map[string]bool, len(rows))
		for _, u := range rows {
			active[u.Code] = u.Active
		}
		return active, nil
	})
	if err != nil {
		return false, err
	}
	for _, code := range codes {
		if !active[code] {
			return false, nil
		}
	}
	return true, nil
}
