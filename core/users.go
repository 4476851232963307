package core

import (
	"context"
	"errors"
	"fmt"
	"regexp"

	"hotline/domain"
	"hotline/repo"
)

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
		if in.Password == nil {
			v.Add("password", "required")
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
	var ve domain.ValidationError
	if err := in.check(&u, true); err != nil {
		if !errors.As(err, &ve) {
			return UserView{}, err
		}
	}
	if in.Password != nil {
		if msg := c.passwords.Check(u.Username, *in.Password); msg != "" {
			ve.Add("password", "%s", msg)
		}
	}
	if err := ve.Err(); err != nil { // every field's problem at once
		return UserView{}, err
	}
	hash, err := c.hashPassword(ctx, *in.Password)
	if err != nil {
		return UserView{}, err
	}
	u.PasswordHash = hash
	out, err := c.store.Q().CreateUser(ctx, u)
	if errors.Is(err, repo.ErrDuplicate) {
		return UserView{}, fmt.Errorf("username %s is taken: %w", u.Username, domain.ErrConflict)
	}
	if errors.Is(err, repo.ErrMissingReference) {
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
	defer c.changed(repo.ChangeSessions)
	hash, err := c.newPasswordHash(ctx, id, in)
	if err != nil {
		return UserView{}, err
	}
	var out repo.User
	err = c.store.Tx(ctx, func(q *repo.Q) error {
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
			u.PasswordHash = hash
		}
		out, err = q.UpdateUser(ctx, u)
		if errors.Is(err, repo.ErrDuplicate) {
			return fmt.Errorf("username %s is taken: %w", u.Username, domain.ErrConflict)
		}
		if errors.Is(err, repo.ErrMissingReference) {
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

// newPasswordHash checks and hashes the new password of an update, before
// any transaction: bcrypt never runs while a connection is held.
func (c *Core) newPasswordHash(ctx context.Context, id int64, in UserInput) (string, error) {
	if in.Password == nil {
		return "", nil
	}
	u, err := c.store.Q().GetUser(ctx, id)
	if err != nil {
		return "", notFoundAs(err, "user")
	}
	name := u.Username
	if in.Username != nil {
		name = *in.Username
	}
	if err := c.passwordPolicy(name, *in.Password); err != nil {
		return "", err
	}
	return c.hashPassword(ctx, *in.Password)
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
