package loadgen

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"hotline/core"
)

// loadUnit is a unit the run creates.
type loadUnit struct {
	code, name string
	primary    bool // routing makes it the primary unit of some items
}

func loadUnits() []loadUnit {
	return []loadUnit{
		{code: "LOAD_TAXI", name: "负载测试·出租车管理处", primary: true},
		{code: "LOAD_BUS", name: "负载测试·公交集团", primary: true},
		{code: "LOAD_ROAD", name: "负载测试·道路运输管理局"},
	}
}

// loadRule is a routing rule the run needs.
type loadRule struct {
	keywords []string
	primary  string
	co       []string
}

func loadRules() []loadRule {
	return []loadRule{
		{keywords: []string{"出租车"}, primary: "LOAD_TAXI", co: []string{"LOAD_ROAD"}},
		{keywords: []string{"公交"}, primary: "LOAD_BUS"},
	}
}

// rulePriority is the priority of the rules the run creates.
const rulePriority = 100

// matches reports whether an existing rule does exactly what r asks: the same
// keywords and units and no other condition. Priority is not compared.
func (r loadRule) matches(v core.RuleView) bool {
	empty := func(p *string) bool { return p == nil || *p == "" }
	if !empty(v.Channel) || !empty(v.Kind) || !empty(v.CategoryCode) || !empty(v.Region) {
		return false
	}
	if v.PrimaryUnitCode != r.primary {
		return false
	}
	return sameSet(v.Keywords, r.keywords) && sameSet(v.CoUnitCodes, r.co)
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// staff is a unit_staff account of a load unit.
type staff struct {
	unit    string
	primary bool
	token   string
}

// accounts are the sessions the run uses.
type accounts struct {
	admin    string
	operator string
	staff    []staff
}

// apiError is an unexpected answer during setup.
type apiError struct {
	method, path string
	status       int
	body         string
}

func (e *apiError) Error() string {
	b := e.body
	if len(b) > 300 {
		b = b[:300] + "…"
	}
	return fmt.Sprintf("%s %s: %d %s", e.method, e.path, e.status, strings.TrimSpace(b))
}

// api sends an unmeasured request of the setup and decodes a JSON answer into
// out when the status is one of want.
func (g *generator) api(ctx context.Context, method, path, token string, in, out any, want ...int) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(ctx, g.cfg.RequestTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, g.cfg.URL+path, body)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := g.cfg.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp.StatusCode, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if !slices.Contains(want, resp.StatusCode) {
		return resp.StatusCode, &apiError{method: method, path: path, status: resp.StatusCode, body: string(raw)}
	}
	if out != nil && resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(raw, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return resp.StatusCode, nil
}

func (g *generator) login(ctx context.Context, username, password string) (core.LoginResult, error) {
	var res core.LoginResult
	_, err := g.api(ctx, "POST", "/api/v1/auth/login", "", map[string]string{"username": username, "password": password}, &res, 200)
	if err != nil {
		return res, fmt.Errorf("log in as %s: %w", username, err)
	}
	return res, nil
}

// setup makes sure the load units, routing rules and accounts exist and logs
// the accounts in. It can run any number of times against one server.
func (g *generator) setup(ctx context.Context) (accounts, error) {
	var acc accounts
	admin, err := g.login(ctx, g.cfg.AdminUser, g.cfg.AdminPassword)
	if err != nil {
		return acc, err
	}
	acc.admin = admin.Token

	for _, u := range loadUnits() {
		name := u.name
		st, err := g.api(ctx, "POST", "/api/v1/units", acc.admin, core.UnitInput{Code: u.code, Name: &name}, nil, 201, 409)
		if err != nil {
			return acc, fmt.Errorf("create unit %s: %w", u.code, err)
		}
		g.log.Info("load setup: unit", "code", u.code, "created", st == 201)
	}

	var rules struct {
		Items []core.RuleView `json:"items"`
	}
	if _, err := g.api(ctx, "GET", "/api/v1/routing-rules", acc.admin, nil, &rules, 200); err != nil {
		return acc, fmt.Errorf("list routing rules: %w", err)
	}
	for _, want := range loadRules() {
		if slices.ContainsFunc(rules.Items, want.matches) {
			continue
		}
		prio, kws, co, primary := rulePriority, slices.Clone(want.keywords), slices.Clone(want.co), want.primary
		if co == nil {
			co = []string{}
		}
		in := core.RuleInput{Priority: &prio, Keywords: &kws, PrimaryUnitCode: &primary, CoUnitCodes: &co}
		var out core.RuleView
		if _, err := g.api(ctx, "POST", "/api/v1/routing-rules", acc.admin, in, &out, 201); err != nil {
			return acc, fmt.Errorf("create routing rule %v → %s: %w", want.keywords, want.primary, err)
		}
		g.log.Info("load setup: routing rule created", "id", out.ID, "keywords", want.keywords, "primary", want.primary)
	}

	acc.operator, err = g.account(ctx, acc.admin, "operator", "")
	if err != nil {
		return acc, err
	}
	for _, u := range loadUnits() {
		tok, err := g.account(ctx, acc.admin, "unit_staff", u.code)
		if err != nil {
			return acc, err
		}
		acc.staff = append(acc.staff, staff{unit: u.code, primary: u.primary, token: tok})
	}
	return acc, nil
}

// account creates a user with a random name and returns a session token.
func (g *generator) account(ctx context.Context, adminToken, role, unit string) (string, error) {
	for range 5 {
		suffix, err := randomHex(4)
		if err != nil {
			return "", err
		}
		password, err := randomHex(12)
		if err != nil {
			return "", err
		}
		username := "load_" + strings.TrimPrefix(role, "unit_") + "_" + suffix
		if unit != "" {
			username = "load_" + strings.ToLower(strings.TrimPrefix(unit, "LOAD_")) + "_" + suffix
		}
		in := core.UserInput{Username: &username, Password: &password, Role: &role}
		if unit != "" {
			in.UnitCode = &unit
		}
		st, err := g.api(ctx, "POST", "/api/v1/users", adminToken, in, nil, 201, 409)
		if err != nil {
			return "", fmt.Errorf("create %s user: %w", role, err)
		}
		if st == 409 {
			continue // the name is taken: draw another
		}
		res, err := g.login(ctx, username, password)
		if err != nil {
			return "", err
		}
		g.log.Info("load setup: user", "username", username, "role", role, "unit", unit)
		return res.Token, nil
	}
	return "", fmt.Errorf("create %s user: no free username after 5 tries", role)
}

// randomHex returns n random bytes in hex.
func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return hex.EncodeToString(b), nil
}
