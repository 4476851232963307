package web

import (
	"errors"
	"strings"
	"unicode"

	"github.com/gofiber/fiber/v2"

	"hotline/domain"
)

type portalStep struct {
	Label, At string
	Done      bool
	Current   bool
}

type portalReply struct{ Body, At string }

// portalTrackResult is a letter as its writer follows it.
type portalTrackResult struct {
	Code, Title, Kind, Status, ReceivedAt, DueAt string
	Steps                                        []portalStep
	Replies                                      []portalReply
}

type portalTrackPage struct {
	Form   form
	Result *portalTrackResult
}

// portalTrackForm shows the tracking form.
func (w *Web) portalTrackForm(c *fiber.Ctx, r *request) error {
	return w.renderPortal(c, r, fiber.StatusOK, "portal_track", "查询办理进度", portalTrackPage{Form: form{Name: "track"}})
}

// portalTrack shows a letter's progress and answer to the holder of its
// code and secret (a POST, so that the secret stays out of addresses). A
// wrong secret reads exactly like an unknown code.
func (w *Web) portalTrack(c *fiber.Ctx, r *request) error {
	p := portalTrackPage{Form: form{Name: "track", Values: map[string]string{
		"code": c.FormValue("code"), "secret": c.FormValue("secret")}}}
	code, secret := compact(p.Form.Values["code"]), compact(p.Form.Values["secret"])
	if code == "" {
		p.Form.fail("code", "请填写查询码")
	}
	if secret == "" {
		p.Form.fail("secret", "请填写查询密码")
	}
	if !p.Form.ok() {
		return w.renderPortal(c, r, fiber.StatusUnprocessableEntity, "portal_track", "查询办理进度", p)
	}
	v, err := w.Core.Track(c.UserContext(), code, secret)
	if errors.Is(err, domain.ErrNotFound) {
		p.Form.fail("", "查询码或查询密码不正确,没有找到对应的信件。请对照回执重新输入(字母不区分大小写)。")
		return w.renderPortal(c, r, fiber.StatusNotFound, "portal_track", "查询办理进度", p)
	}
	if err != nil {
		return err
	}
	res := &portalTrackResult{Code: v.TrackingCode, Title: v.Title, Kind: domain.Kind(v.Kind).Label(),
		Status: v.StatusLabel, ReceivedAt: w.portalTime(v.ReceivedAt)}
	if v.DueAt != nil && v.RepliedAt == nil {
		res.DueAt = w.portalDate(*v.DueAt)
	}
	current := -1
	for i, s := range v.Steps {
		if s.Reached {
			current = i
		}
	}
	for i, s := range v.Steps {
		st := portalStep{Label: s.Label, Done: s.Reached, Current: i == current}
		if s.At != nil {
			st.At = w.portalTime(*s.At)
		}
		res.Steps = append(res.Steps, st)
	}
	for _, rp := range v.Replies {
		res.Replies = append(res.Replies, portalReply{Body: rp.Body, At: w.portalTime(rp.At)})
	}
	p.Result = res
	return w.renderPortal(c, r, fiber.StatusOK, "portal_track", "查询办理进度", p)
}

// compact drops the spaces a citizen may type inside a code (the receipt
// shows the secret in groups of four).
func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}
