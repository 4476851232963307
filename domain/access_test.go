package domain

import (
	"slices"
	"testing"
)

// TestAllowed checks every role against every action, from a table written
// from DESIGN.md's list of who does what.
func TestAllowed(t *testing.T) {
	var (
		admin = RoleAdmin
		mgr   = RoleManager
		op    = RoleOperator
		head  = RoleUnitHead
		staff = RoleUnitStaff
	)
	want := map[Action][]Role{
		ActDispatch:        {mgr, op},
		ActAccept:          {head, staff},
		ActAcceptCo:        {head, staff},
		ActReturn:          {head, staff},
		ActReturnCo:        {head, staff},
		ActOpinion:         {head, staff},
		ActReplyPending:    {head, staff},
		ActReply:           {head, staff},
		ActApproveReply:    {head},
		ActRequestExt:      {head},
		ActApproveExt:      {mgr},
		ActRejectExt:       {mgr},
		ActPublish:         {mgr},
		ActVisit:           {op},
		ActCreateRatingLnk: {op},
		ActMerge:           {op},
		ActReopen:          {mgr, op},
		ActReopenAnswered:  {mgr, op},
		ActClose:           {mgr, op},
		ActRetryDelivery:   {mgr, op},
		// the system's and the citizen's own
		ActRoute: nil, ActRouteUnmatched: nil, ActRemind: nil, ActOverdue: nil, ActAcceptOverdue: nil,
		ActDeliver: nil, ActDeliveryFailed: nil, ActRate: nil, ActCreate: nil,
	}
	_ = admin
	for _, a := range append(Actions(), ActCreate) {
		allowed, ok := want[a]
		if !ok {
			t.Errorf("action %s is not in the table", a)
			continue
		}
		for _, r := range Roles() {
			if got := Allowed(r, a); got != slices.Contains(allowed, r) {
				t.Errorf("Allowed(%s, %s) = %v", r, a, got)
			}
		}
	}
}

func TestMaySeeAndUnitMayAct(t *testing.T) {
	type who = Viewer
	taxiStaff := who{Role: RoleUnitStaff, UnitCode: "TAXI"}
	roadHead := who{Role: RoleUnitHead, UnitCode: "ROAD"}
	busStaff := who{Role: RoleUnitStaff, UnitCode: "BUS"}
	orphan := who{Role: RoleUnitStaff} // a unit role without a unit sees nothing
	cases := []struct {
		v                                Viewer
		see                              bool
		accept, acceptCo, reply, opinion bool
	}{
		{who{Role: RoleAdmin}, true, true, true, true, true},
		{who{Role: RoleManager}, true, true, true, true, true},
		{who{Role: RoleOperator}, true, true, true, true, true},
		{taxiStaff, true, true, false, true, true}, // primary
		{roadHead, true, false, true, false, true}, // co-handling
		{busStaff, false, false, false, false, false},
		{orphan, false, false, false, false, false},
	}
	for _, c := range cases {
		if got := c.v.MaySee("TAXI", []string{"ROAD"}); got != c.see {
			t.Errorf("%+v MaySee = %v", c.v, got)
		}
		for a, want := range map[Action]bool{ActAccept: c.accept, ActAcceptCo: c.acceptCo, ActReply: c.reply, ActOpinion: c.opinion} {
			if got := UnitMayAct(c.v, a, "TAXI", []string{"ROAD"}); got != want {
				t.Errorf("%+v UnitMayAct(%s) = %v", c.v, a, got)
			}
		}
	}
}

func TestCitizenFor(t *testing.T) {
	c := Citizen{Name: "张三", Phone: "13812345678", Email: "zhangsan@example.com"}
	cases := []struct {
		role         Role
		confidential bool
		want         *Citizen
	}{
		{RoleAdmin, false, &c},
		{RoleManager, true, &c},
		{RoleOperator, true, &c},
		{RoleUnitHead, false, &Citizen{Name: "张三", Phone: "138****5678", Email: "z*******@example.com"}},
		{RoleUnitStaff, false, &Citizen{Name: "张三", Phone: "138****5678", Email: "z*******@example.com"}},
		{RoleUnitHead, true, nil},
		{RoleUnitStaff, true, nil},
	}
	for _, tc := range cases {
		got := CitizenFor(Viewer{Role: tc.role, UnitCode: "U"}, tc.confidential, c)
		switch {
		case tc.want == nil && got != nil:
			t.Errorf("%s confidential=%v sees %+v", tc.role, tc.confidential, *got)
		case tc.want != nil && (got == nil || *got != *tc.want):
			t.Errorf("%s confidential=%v sees %v, want %+v", tc.role, tc.confidential, got, *tc.want)
		}
	}
}
