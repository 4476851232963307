package web_test

import (
	"fmt"
	"testing"
	"time"

	"hotline/domain"
	"hotline/testenv"
)

// today is the civil date in Asia/Shanghai, as proposals count days.
func today() string {
	return time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
}

// proposal records, through the API as a manager, a suggestion led by unit
// with UB as joint unit when the lead is UA.
func (w *world) proposal(t *testing.T, unit string) int64 {
	t.Helper()
	w.calls++
	tok := w.s.Login(t, w.accounts[domain.RoleManager].Username, w.accounts[domain.RoleManager].Password)
	var out struct {
		ID int64 `json:"id"`
	}
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/proposals", Token: tok,
		Header: map[string]string{"Idempotency-Key": fmt.Sprintf("p-%s-%d", unit, w.calls)},
		Body: map[string]any{"type": "suggestion", "session": "市十七届人大三次会议", "number": fmt.Sprintf("%d号", 100+w.calls),
			"title": "关于优化公交线路的建议", "content": "建议增开夜间公交线路。", "lead_author": "王代表",
			"assigned_on": today(), "our_role": "lead", "lead_unit_code": unit}}).Decode(t, &out)
	return out.ID
}

// article writes a knowledge-base article of the unit through the API as a
// manager, with the status given.
func (w *world) article(t *testing.T, unit, status string) int64 {
	t.Helper()
	return w.articleWith(t, map[string]any{"title": "网络预约出租汽车投诉渠道", "question": "网约车司机绕路怎么投诉?",
		"answer": "可拨打12328交通运输服务监督电话投诉,或通过网约车平台客服投诉。", "owner_unit_code": unit, "status": status})
}

func (w *world) articleWith(t *testing.T, body map[string]any) int64 {
	t.Helper()
	w.calls++
	tok := w.s.Login(t, w.accounts[domain.RoleManager].Username, w.accounts[domain.RoleManager].Password)
	var out struct {
		ID int64 `json:"id"`
	}
	w.s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/kb/articles", Token: tok,
		Header: map[string]string{"Idempotency-Key": fmt.Sprintf("a-%d", w.calls)}, Body: body}).Decode(t, &out)
	return out.ID
}
