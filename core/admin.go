package core

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"hotline/calendar"
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
	if _, dup := repo.IsUniqueViolation(err); dup {
		return repo.Unit{}, fmt.Errorf("unit %s exists: %w", in.Code, domain.ErrConflict)
	}
	if _, fk := repo.IsForeignKeyViolation(err); fk {
		return repo.Unit{}, domain.ValidationError{{Field: "parent_code", Message: "no such unit"}}
	}
	return out, err
}

// UpdateUnit changes a unit.
func (c *Core) UpdateUnit(ctx context.Context, code string, in UnitInput) (repo.Unit, error) {
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
		if _, fk := repo.IsForeignKeyViolation(err); fk {
			return domain.ValidationError{{Field: "parent_code", Message: "no such unit"}}
		}
		return err
	})
	return out, err
}

// UserInput creates or changes a staff account.
type UserInput struct {
	Username *string `json:"username"`
	Password *string `json:"password"`
	Role     *string `json:"role"`
	UnitCode *string `json:"unit_code"`
	Active   *bool   `json:"active"`
}

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9_.@-]{3,64}$`)

func (in UserInput) check(u *repo.User, creating bool) error {
	var v domain.ValidationError
	if in.Username != nil || creating {
		if in.Username == nil || !usernamePattern.MatchString(*in.Username) {
			v.Add("username", "required: 3 to 64 letters, digits or _ . @ -")
		} else {
			u.Username = *in.Username
		}
	}
	if in.Password != nil || creating {
		if in.Password == nil || len(*in.Password) < 8 || len(*in.Password) > 72 {
			v.Add("password", "required: 8 to 72 characters")
		}
	}
	if in.Role != nil || creating {
		if in.Role == nil || !domain.Role(*in.Role).Valid() {
			v.Add("role", "one of admin, manager, operator, unit_head, unit_staff")
		} else {
			u.Role = *in.Role
		}
	}
	if in.UnitCode != nil {
		u.UnitCode = nilIfEmpty(*in.UnitCode)
	}
	if in.Active != nil {
		u.Active = *in.Active
	}
	if domain.Role(u.Role).Valid() {
		if domain.Role(u.Role).IsUnitRole() && u.UnitCode == nil {
			v.Add("unit_code", "required for unit roles")
		}
		if !domain.Role(u.Role).IsUnitRole() && u.UnitCode != nil {
			v.Add("unit_code", "only unit roles belong to a unit")
		}
	}
	return v.Err()
}

// ListUsers returns users by id after the cursor.
func (c *Core) ListUsers(ctx context.Context, page Page) ([]UserView, *string, error) {
	rows, err := c.store.Q().ListUsers(ctx, page.After, page.Limit+1)
	if err != nil {
		return nil, nil, err
	}
	out := make([]UserView, 0, len(rows))
	for _, u := range rows {
		out = append(out, userView(u))
	}
	next := page.next(len(out), func() int64 { return out[page.Limit-1].ID })
	if len(out) > page.Limit {
		out = out[:page.Limit]
	}
	return out, next, nil
}

// CreateUser adds a staff account.
func (c *Core) CreateUser(ctx context.Context, in UserInput) (UserView, error) {
	u := repo.User{Active: true}
	if err := in.check(&u, true); err != nil {
		return UserView{}, err
	}
	hash, err := hashPassword(*in.Password)
	if err != nil {
		return UserView{}, err
	}
	u.PasswordHash = hash
	out, err := c.store.Q().CreateUser(ctx, u)
	if _, dup := repo.IsUniqueViolation(err); dup {
		return UserView{}, fmt.Errorf("username %s is taken: %w", u.Username, domain.ErrConflict)
	}
	if _, fk := repo.IsForeignKeyViolation(err); fk {
		return UserView{}, domain.ValidationError{{Field: "unit_code", Message: "no such unit"}}
	}
	if err != nil {
		return UserView{}, fmt.Errorf("create user: %w", err)
	}
	return userView(out), nil
}

// UpdateUser changes an account; a new password, role, unit or deactivation
// ends the account's sessions.
func (c *Core) UpdateUser(ctx context.Context, id int64, in UserInput) (UserView, error) {
	var out repo.User
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		u, err := q.GetUser(ctx, id)
		if err != nil {
			return notFoundAs(err, "user")
		}
		before := u
		if err := in.check(&u, false); err != nil {
			return err
		}
		if err := keepAnAdmin(ctx, q, before, u); err != nil {
			return err
		}
		if in.Password != nil {
			if u.PasswordHash, err = hashPassword(*in.Password); err != nil {
				return err
			}
		}
		out, err = q.UpdateUser(ctx, u)
		if _, dup := repo.IsUniqueViolation(err); dup {
			return fmt.Errorf("username %s is taken: %w", u.Username, domain.ErrConflict)
		}
		if _, fk := repo.IsForeignKeyViolation(err); fk {
			return domain.ValidationError{{Field: "unit_code", Message: "no such unit"}}
		}
		if err != nil {
			return fmt.Errorf("update user: %w", err)
		}
		if in.Password != nil || before.Role != u.Role || strOr(before.UnitCode) != strOr(u.UnitCode) || !u.Active {
			return q.RevokeUserSessions(ctx, id)
		}
		return nil
	})
	return userView(out), err
}

// keepAnAdmin refuses a change that would leave no active admin: nobody could
// manage accounts any more, and the next start could not create the first
// admin under a name that is taken.
func keepAnAdmin(ctx context.Context, q *repo.Q, before, after repo.User) error {
	isAdmin := func(u repo.User) bool { return u.Active && domain.Role(u.Role) == domain.RoleAdmin }
	if !isAdmin(before) || isAdmin(after) {
		return nil
	}
	ids, err := q.LockActiveAdmins(ctx)
	if err != nil {
		return fmt.Errorf("lock the active admins: %w", err)
	}
	for _, id := range ids {
		if id != before.ID {
			return nil
		}
	}
	field := "active"
	if domain.Role(after.Role) != domain.RoleAdmin {
		field = "role"
	}
	return domain.ValidationError{{Field: field, Message: "this is the last active admin: make another user admin first"}}
}

// CategoryInput creates a category.
type CategoryInput struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	ParentCode *string `json:"parent_code"`
}

// ListCategories returns every category.
func (c *Core) ListCategories(ctx context.Context) ([]repo.Category, error) {
	return c.store.Q().ListCategories(ctx)
}

// CreateCategory adds a category.
func (c *Core) CreateCategory(ctx context.Context, in CategoryInput) (repo.Category, error) {
	var v domain.ValidationError
	if !codePattern.MatchString(in.Code) {
		v.Add("code", "required: 1 to 64 letters, digits, '_', '.' or '-'")
	}
	if n := strings.TrimSpace(in.Name); n == "" || utf8.RuneCountInString(n) > 100 {
		v.Add("name", "required: 1 to 100 characters")
	}
	if err := v.Err(); err != nil {
		return repo.Category{}, err
	}
	cat := repo.Category{Code: in.Code, Name: strings.TrimSpace(in.Name)}
	if in.ParentCode != nil && *in.ParentCode != "" {
		cat.ParentCode = in.ParentCode
	}
	out, err := c.store.Q().CreateCategory(ctx, cat)
	if _, dup := repo.IsUniqueViolation(err); dup {
		return repo.Category{}, fmt.Errorf("category %s exists: %w", in.Code, domain.ErrConflict)
	}
	if _, fk := repo.IsForeignKeyViolation(err); fk {
		return repo.Category{}, domain.ValidationError{{Field: "parent_code", Message: "no such category"}}
	}
	return out, err
}

// RuleInput creates or changes a routing rule. On PATCH, absent fields keep
// their value and "" clears a condition.
type RuleInput struct {
	Priority        *int      `json:"priority"`
	Channel         *string   `json:"channel"`
	Kind            *string   `json:"kind"`
	CategoryCode    *string   `json:"category_code"`
	Keywords        *[]string `json:"keywords"`
	Region          *string   `json:"region"`
	PrimaryUnitCode *string   `json:"primary_unit_code"`
	CoUnitCodes     *[]string `json:"co_unit_codes"`
}

// RuleView is a routing rule as the API shows it.
type RuleView struct {
	ID              int64     `json:"id"`
	Priority        int       `json:"priority"`
	Channel         *string   `json:"channel"`
	Kind            *string   `json:"kind"`
	CategoryCode    *string   `json:"category_code"`
	Keywords        []string  `json:"keywords"`
	Region          *string   `json:"region"`
	PrimaryUnitCode string    `json:"primary_unit_code"`
	CoUnitCodes     []string  `json:"co_unit_codes"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func ruleView(r repo.Rule) RuleView {
	return RuleView{ID: r.ID, Priority: r.Priority, Channel: r.Channel, Kind: r.Kind, CategoryCode: r.CategoryCode,
		Keywords: nonNil(r.Keywords), Region: r.Region, PrimaryUnitCode: r.PrimaryUnitCode,
		CoUnitCodes: nonNil(r.CoUnitCodes), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (in RuleInput) apply(r *repo.Rule, creating bool) error {
	var v domain.ValidationError
	if in.Priority != nil {
		if *in.Priority < 0 || *in.Priority > 1_000_000 {
			v.Add("priority", "between 0 and 1000000")
		}
		r.Priority = *in.Priority
	} else if creating {
		v.Add("priority", "required")
	}
	if in.Channel != nil {
		if *in.Channel != "" && !domain.Channel(*in.Channel).Valid() {
			v.Add("channel", "one of hotline, mailbox, microblog, platform")
		}
		r.Channel = nilIfEmpty(*in.Channel)
	}
	if in.Kind != nil {
		if *in.Kind != "" && !domain.Kind(*in.Kind).Valid() {
			v.Add("kind", "one of consultation, complaint, suggestion, help, report, praise")
		}
		r.Kind = nilIfEmpty(*in.Kind)
	}
	if in.CategoryCode != nil {
		r.CategoryCode = nilIfEmpty(*in.CategoryCode)
	}
	if in.Keywords != nil {
		kws := []string{}
		for i, k := range *in.Keywords {
			k = strings.TrimSpace(k)
			if k == "" || utf8.RuneCountInString(k) > 50 {
				v.Add(fmt.Sprintf("keywords[%d]", i), "1 to 50 characters")
				continue
			}
			kws = append(kws, k)
		}
		if len(kws) > 100 {
			v.Add("keywords", "at most 100 keywords")
		}
		r.Keywords = kws
	}
	if in.Region != nil {
		if utf8.RuneCountInString(*in.Region) > 100 {
			v.Add("region", "at most 100 characters")
		}
		r.Region = nilIfEmpty(strings.TrimSpace(*in.Region))
	}
	if in.PrimaryUnitCode != nil {
		r.PrimaryUnitCode = *in.PrimaryUnitCode
	}
	if !codePattern.MatchString(r.PrimaryUnitCode) {
		v.Add("primary_unit_code", "required: a unit code")
	}
	if r.CategoryCode != nil && !codePattern.MatchString(*r.CategoryCode) {
		v.Add("category_code", "not a category code")
	}
	if in.CoUnitCodes != nil {
		if len(*in.CoUnitCodes) > 20 {
			v.Add("co_unit_codes", "at most 20 units")
		}
		for i, u := range *in.CoUnitCodes {
			if !codePattern.MatchString(u) {
				v.Add(fmt.Sprintf("co_unit_codes[%d]", i), "not a unit code")
			}
		}
		r.CoUnitCodes = *in.CoUnitCodes
	}
	// also when only the primary unit changed: it may not help itself
	r.CoUnitCodes = domain.CoUnits(r.PrimaryUnitCode, r.CoUnitCodes)
	if r.Keywords == nil {
		r.Keywords = []string{}
	}
	if r.CoUnitCodes == nil {
		r.CoUnitCodes = []string{}
	}
	return v.Err()
}

func (c *Core) checkRuleRefs(ctx context.Context, q *repo.Q, r repo.Rule) error {
	var v domain.ValidationError
	if n, err := q.CountUnits(ctx, []string{r.PrimaryUnitCode}); err != nil {
		return err
	} else if n != 1 {
		v.Add("primary_unit_code", "no such active unit")
	}
	if len(r.CoUnitCodes) > 0 {
		if n, err := q.CountUnits(ctx, r.CoUnitCodes); err != nil {
			return err
		} else if n != len(r.CoUnitCodes) {
			v.Add("co_unit_codes", "every unit must exist and be active")
		}
	}
	if r.CategoryCode != nil {
		path, err := q.CategoryPath(ctx, *r.CategoryCode)
		if err != nil {
			return err
		}
		if len(path) == 0 {
			v.Add("category_code", "no such category")
		}
	}
	return v.Err()
}

// ListRules returns the routing rules in the order routing tries them.
func (c *Core) ListRules(ctx context.Context) ([]RuleView, error) {
	rows, err := c.store.Q().ListRules(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]RuleView, len(rows))
	for i, r := range rows {
		out[i] = ruleView(r)
	}
	return out, nil
}

// CreateRule adds a routing rule.
func (c *Core) CreateRule(ctx context.Context, in RuleInput) (RuleView, error) {
	var r repo.Rule
	if err := in.apply(&r, true); err != nil {
		return RuleView{}, err
	}
	var out repo.Rule
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		if err := c.checkRuleRefs(ctx, q, r); err != nil {
			return err
		}
		var err error
		out, err = q.CreateRule(ctx, r)
		if err == nil {
			repo.SetIdemResource(ctx, "rule", out.ID)
		}
		return err
	})
	return ruleView(out), err
}

// UpdateRule changes a routing rule.
func (c *Core) UpdateRule(ctx context.Context, id int64, in RuleInput) (RuleView, error) {
	var out repo.Rule
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		r, err := q.GetRule(ctx, id)
		if err != nil {
			return notFoundAs(err, "rule")
		}
		if err := in.apply(&r, false); err != nil {
			return err
		}
		if err := c.checkRuleRefs(ctx, q, r); err != nil {
			return err
		}
		out, err = q.UpdateRule(ctx, r)
		return err
	})
	return ruleView(out), err
}

// DeleteRule removes a routing rule.
func (c *Core) DeleteRule(ctx context.Context, id int64) error {
	return notFoundAs(c.store.Q().DeleteRule(ctx, id), "rule")
}

// SLAPolicies returns the policy of every kind, defaults filled in.
func (c *Core) SLAPolicies(ctx context.Context) ([]domain.SLAPolicy, error) {
	rows, err := c.store.Q().ListSLAPolicies(ctx)
	if err != nil {
		return nil, err
	}
	byKind := map[domain.Kind]domain.SLAPolicy{}
	for _, r := range rows {
		byKind[domain.Kind(r.Kind)] = policyFromRow(r)
	}
	out := make([]domain.SLAPolicy, 0, len(domain.Kinds()))
	for _, k := range domain.Kinds() {
		p, ok := byKind[k]
		if !ok {
			p = domain.DefaultPolicy(k)
		}
		out = append(out, p)
	}
	return out, nil
}

func policyFromRow(r repo.SLAPolicy) domain.SLAPolicy {
	return domain.SLAPolicy{Kind: domain.Kind(r.Kind), AcceptHours: r.AcceptHours, ReplyWorkdays: r.ReplyWorkdays,
		UrgentAcceptMinutes: r.UrgentAcceptMinutes, UrgentReplyWorkdays: r.UrgentReplyWorkdays}
}

// PutSLAPolicies replaces the policies of the kinds given.
func (c *Core) PutSLAPolicies(ctx context.Context, in []domain.SLAPolicy) ([]domain.SLAPolicy, error) {
	var v domain.ValidationError
	seen := map[domain.Kind]bool{}
	if len(in) == 0 {
		v.Add("", "give at least one policy")
	}
	for i, p := range in {
		if p.UrgentReplyWorkdays == 0 {
			p.UrgentReplyWorkdays = 1
			in[i] = p
		}
		if err := p.Validate(fmt.Sprintf("[%d].", i)); err != nil {
			var ve domain.ValidationError
			if errors.As(err, &ve) {
				v = append(v, ve...)
			}
		}
		if seen[p.Kind] {
			v.Add(fmt.Sprintf("[%d].kind", i), "kind %s given twice", p.Kind)
		}
		seen[p.Kind] = true
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		for _, p := range in {
			if err := q.PutSLAPolicy(ctx, repo.SLAPolicy{Kind: string(p.Kind), AcceptHours: p.AcceptHours,
				ReplyWorkdays: p.ReplyWorkdays, UrgentAcceptMinutes: p.UrgentAcceptMinutes,
				UrgentReplyWorkdays: p.UrgentReplyWorkdays}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return c.SLAPolicies(ctx)
}

// policy returns the SLA policy of a kind.
func (c *Core) policy(ctx context.Context, q *repo.Q, kind string) (domain.SLAPolicy, error) {
	r, err := q.GetSLAPolicy(ctx, kind)
	if errors.Is(err, repo.ErrNotFound) {
		return domain.DefaultPolicy(domain.Kind(kind)), nil
	}
	if err != nil {
		return domain.SLAPolicy{}, fmt.Errorf("read SLA policy: %w", err)
	}
	return policyFromRow(r), nil
}

// CalendarYear is one year of the working calendar.
type CalendarYear struct {
	Year     int      `json:"year"`
	Holidays []string `json:"holidays"`
	Workdays []string `json:"workdays"`
}

// GetCalendarYear returns the holidays and make-up working days of a year.
func (c *Core) GetCalendarYear(ctx context.Context, year int) (CalendarYear, error) {
	if year < 1900 || year > 2200 {
		return CalendarYear{}, domain.ValidationError{{Field: "year", Message: "between 1900 and 2200"}}
	}
	rows, err := c.store.Q().ListCalendarDays(ctx)
	if err != nil {
		return CalendarYear{}, err
	}
	out := CalendarYear{Year: year, Holidays: []string{}, Workdays: []string{}}
	for _, r := range rows {
		if r.Day.Year() != year {
			continue
		}
		if r.Kind == string(calendar.Holiday) {
			out.Holidays = append(out.Holidays, r.Day.Format("2006-01-02"))
		} else {
			out.Workdays = append(out.Workdays, r.Day.Format("2006-01-02"))
		}
	}
	return out, nil
}

// PutCalendarYear replaces a year's holidays and make-up working days.
func (c *Core) PutCalendarYear(ctx context.Context, year int, in CalendarYear) (CalendarYear, error) {
	var v domain.ValidationError
	if year < 1900 || year > 2200 {
		v.Add("year", "between 1900 and 2200")
	}
	var days []repo.CalendarDay
	seen := map[string]bool{}
	check := func(field string, list []string, kind calendar.DayKind) {
		if len(list) > 366 {
			v.Add(field, "at most 366 dates")
			return
		}
		for i, s := range list {
			d, err := time.ParseInLocation("2006-01-02", s, time.UTC)
			switch {
			case err != nil:
				v.Add(fmt.Sprintf("%s[%d]", field, i), "not a date YYYY-MM-DD: %q", s)
			case d.Year() != year:
				v.Add(fmt.Sprintf("%s[%d]", field, i), "%s is not in %d", s, year)
			case seen[s]:
				v.Add(fmt.Sprintf("%s[%d]", field, i), "%s is listed twice", s)
			case kind == calendar.Workday && d.Weekday() != time.Saturday && d.Weekday() != time.Sunday:
				v.Add(fmt.Sprintf("%s[%d]", field, i), "%s is a weekday; list only weekend days that are worked", s)
			default:
				seen[s] = true
				days = append(days, repo.CalendarDay{Day: d, Kind: string(kind)})
			}
		}
	}
	check("holidays", in.Holidays, calendar.Holiday)
	check("workdays", in.Workdays, calendar.Workday)
	if err := v.Err(); err != nil {
		return CalendarYear{}, err
	}
	slices.SortFunc(days, func(a, b repo.CalendarDay) int { return a.Day.Compare(b.Day) })
	if err := c.store.Tx(ctx, func(q *repo.Q) error { return q.ReplaceCalendarYear(ctx, year, days) }); err != nil {
		return CalendarYear{}, err
	}
	c.invalidateCalendar()
	return c.GetCalendarYear(ctx, year)
}
