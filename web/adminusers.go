package web

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

type usersPage struct {
	adminBase
	Users   []userRow
	NextURL string
	Roles   []option
	Units   []option
	// User is the account being edited (edit page only).
	User userRow
}

type userRow struct {
	core.UserView
	RoleLabel, Unit string
}

func (w *Web) userRows(c *fiber.Ctx, us []core.UserView) ([]userRow, []option, error) {
	units, err := w.unitNames(c)
	if err != nil {
		return nil, nil, err
	}
	var out []userRow
	for _, u := range us {
		out = append(out, userRow{UserView: u, RoleLabel: roleLabel(domain.Role(u.Role)), Unit: units.name(deref(u.UnitCode))})
	}
	var opts []option
	for _, u := range units.list {
		opts = append(opts, option{u.Code, u.Name + "(" + u.Code + ")"})
	}
	return out, opts, nil
}

func roleOptions() []option {
	var out []option
	for _, r := range domain.Roles() {
		out = append(out, option{string(r), roleLabel(r)})
	}
	return out
}

// adminUsers is /console/admin/users: the accounts, a page at a time, and
// the form for a new one.
func (w *Web) adminUsers(c *fiber.Ctx, r *request) error {
	return w.showUsers(c, r, fiber.StatusOK, form{Name: "user"})
}

func (w *Web) showUsers(c *fiber.Ctx, r *request, status int, f form) error {
	page, err := core.ParsePage("", c.Query("cursor"))
	if err != nil {
		page = core.Page{Limit: 50}
	}
	list, next, err := w.Core.ListUsers(c.UserContext(), page)
	if err != nil {
		return err
	}
	p := usersPage{adminBase: newAdminBase(c, f), Roles: roleOptions()}
	if p.Users, p.Units, err = w.userRows(c, list); err != nil {
		return err
	}
	if next != nil {
		p.NextURL = "/console/admin/users?cursor=" + *next
	}
	return w.render(c, r, status, "admin_users", "用户管理", p)
}

var userFields = map[string]string{"username": "username", "password": "password", "role": "role",
	"unit_code": "unit_code", "active": "active"}

// adminCreateUser posts the new-account form.
func (w *Web) adminCreateUser(c *fiber.Ctx, r *request) error {
	f := postForm(c, "user", "username", "password", "role", "unit_code")
	in := core.UserInput{}
	for k, p := range map[string]**string{"username": &in.Username, "password": &in.Password, "role": &in.Role} {
		v := f.Values[k]
		if k == "username" {
			v = strings.TrimSpace(v)
		}
		*p = &v
	}
	unit := f.Values["unit_code"]
	in.UnitCode = &unit
	_, err := w.Core.CreateUser(c.UserContext(), in)
	switch {
	case err == nil:
		return c.Redirect("/console/admin/users?done=user-created", fiber.StatusSeeOther)
	case errors.Is(err, domain.ErrConflict):
		f.fail("username", "该用户名已被使用")
	case !failFromCore(&f, err, userFields):
		return err
	}
	f.Values["password"] = "" // never shown again
	return w.showUsers(c, r, fiber.StatusUnprocessableEntity, f)
}

// userID reads :uid; anything but a positive number is a user that does not
// exist.
func userID(c *fiber.Ctx) (int64, error) {
	id, err := strconv.ParseInt(c.Params("uid"), 10, 64)
	if err != nil || id <= 0 {
		return 0, fmt.Errorf("user %q: %w", c.Params("uid"), domain.ErrNotFound)
	}
	return id, nil
}

// adminUser is /console/admin/users/{id}: role and unit, deactivation and a
// new password.
func (w *Web) adminUser(c *fiber.Ctx, r *request) error {
	return w.showUser(c, r, fiber.StatusOK, form{Name: "user-edit"})
}

func (w *Web) showUser(c *fiber.Ctx, r *request, status int, f form) error {
	id, err := userID(c)
	if err != nil {
		return w.userMissing(c, r)
	}
	u, err := w.Core.GetUser(c.UserContext(), id)
	if errors.Is(err, domain.ErrNotFound) {
		return w.userMissing(c, r)
	}
	if err != nil {
		return err
	}
	p := usersPage{adminBase: newAdminBase(c, f), Roles: roleOptions()}
	rows, units, err := w.userRows(c, []core.UserView{u})
	if err != nil {
		return err
	}
	p.User, p.Units = rows[0], units
	return w.render(c, r, status, "admin_user", "编辑用户 "+u.Username, p)
}

func (w *Web) userMissing(c *fiber.Ctx, r *request) error {
	return w.fail(c, r, fiber.StatusNotFound, "找不到该用户", "用户不存在,请从用户列表进入。")
}

// saveUser applies a change and redirects, or shows the user's page again
// with the messages.
func (w *Web) saveUser(c *fiber.Ctx, r *request, f form, in core.UserInput, done string) error {
	id, err := userID(c)
	if err != nil {
		return w.userMissing(c, r)
	}
	_, err = w.Core.UpdateUser(c.UserContext(), id, in)
	switch {
	case err == nil:
		return c.Redirect(fmt.Sprintf("/console/admin/users/%d?done=%s", id, done), fiber.StatusSeeOther)
	case errors.Is(err, domain.ErrNotFound):
		return w.userMissing(c, r)
	case !failFromCore(&f, err, userFields):
		return err
	}
	return w.showUser(c, r, fiber.StatusUnprocessableEntity, f)
}

// adminSaveUser posts the role and unit.
func (w *Web) adminSaveUser(c *fiber.Ctx, r *request) error {
	f := postForm(c, "user-edit", "role", "unit_code")
	role, unit := f.Values["role"], f.Values["unit_code"]
	return w.saveUser(c, r, f, core.UserInput{Role: &role, UnitCode: &unit}, "user-saved")
}

// adminUserActive deactivates or reactivates an account.
func (w *Web) adminUserActive(c *fiber.Ctx, r *request) error {
	f := postForm(c, "user-active", "active")
	active := checked(f.Values["active"])
	done := "user-deactivated"
	if active {
		done = "user-activated"
	}
	return w.saveUser(c, r, f, core.UserInput{Active: &active}, done)
}

// adminUserPassword sets a new password (and ends the user's sessions).
func (w *Web) adminUserPassword(c *fiber.Ctx, r *request) error {
	f := postForm(c, "user-password", "password", "password2")
	pw := f.Values["password"]
	if pw != f.Values["password2"] {
		f.fail("password2", "两次输入的密码不一致")
		f.Values = nil
		return w.showUser(c, r, fiber.StatusUnprocessableEntity, f)
	}
	f.Values = nil
	return w.saveUser(c, r, f, core.UserInput{Password: &pw}, "password")
}
