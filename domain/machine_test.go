package domain

import (
	"errors"
	"testing"
)

// TestStateMachine checks every action from every status against the
// diagram of DESIGN.md, written out by hand: "" means the action is refused.
func TestStateMachine(t *testing.T) {
	const (
		rcv = Received
		ans = Answered
		pen = PendingDispatch
		dis = Dispatched
		acc = Accepted
		rep = Replied
		clo = Closed
		no  = Status("")
	)
	// columns: received, answered, pending_dispatch, dispatched, accepted, replied, closed
	want := map[Action][7]Status{
		ActRoute:           {dis, no, no, no, no, no, no},
		ActRouteUnmatched:  {pen, no, no, no, no, no, no},
		ActDispatch:        {dis, no, dis, no, no, no, no},
		ActAccept:          {no, no, no, acc, no, no, no},
		ActAcceptCo:        {no, no, no, dis, acc, no, no},
		ActReturn:          {no, no, no, pen, pen, no, no},
		ActReturnCo:        {no, no, no, dis, acc, no, no},
		ActRequestExt:      {no, no, no, no, acc, no, no},
		ActApproveExt:      {no, no, no, dis, acc, no, no},
		ActRejectExt:       {no, no, no, dis, acc, no, no},
		ActOpinion:         {no, no, no, dis, acc, no, no},
		ActReplyPending:    {no, no, no, no, acc, no, no},
		ActReply:           {no, no, no, no, rep, no, no},
		ActApproveReply:    {no, no, no, no, rep, no, no},
		ActRemind:          {no, no, no, dis, acc, no, no},
		ActOverdue:         {no, no, no, dis, acc, no, no},
		ActAcceptOverdue:   {no, no, no, dis, no, no, no},
		ActDeliver:         {rcv, ans, pen, dis, acc, rep, clo},
		ActDeliveryFailed:  {rcv, ans, pen, dis, acc, rep, clo},
		ActRetryDelivery:   {rcv, ans, pen, dis, acc, rep, clo},
		ActVisit:           {no, ans, no, no, no, rep, clo},
		ActRate:            {no, ans, no, no, no, rep, clo},
		ActCreateRatingLnk: {no, ans, no, no, no, rep, clo},
		ActReopen:          {no, no, no, no, no, acc, acc},
		ActReopenAnswered:  {no, pen, no, no, no, no, pen},
		ActMerge:           {clo, clo, clo, clo, clo, no, no},
		ActClose:           {no, clo, no, no, no, clo, no},
		ActPublish:         {no, no, no, no, no, rep, clo},
	}
	if len(want) != len(Actions()) {
		t.Fatalf("the table covers %d actions, the machine knows %d", len(want), len(Actions()))
	}
	for _, a := range Actions() {
		row, ok := want[a]
		if !ok {
			t.Errorf("action %s is not in the table", a)
			continue
		}
		for i, from := range Statuses() {
			got, err := Next(from, a)
			switch {
			case row[i] == no && !errors.Is(err, ErrInvalidTransition):
				t.Errorf("%s from %s: want refused, got %s (%v)", a, from, got, err)
			case row[i] != no && (err != nil || got != row[i]):
				t.Errorf("%s from %s: want %s, got %s (%v)", a, from, row[i], got, err)
			}
		}
	}
	if _, err := Next(Received, Action("teleport")); !errors.Is(err, ErrInvalidTransition) {
		t.Errorf("unknown action: %v", err)
	}
}

// TestEveryStatusIsReachableAndLeavable guards the diagram's shape: every
// status but those intake sets (received, answered) can be entered, and every
// status can be left by some staff or system action.
func TestEveryStatusIsReachableAndLeavable(t *testing.T) {
	entered := map[Status]bool{}
	left := map[Status]bool{}
	for _, a := range Actions() {
		for _, from := range Statuses() {
			to, err := Next(from, a)
			if err == nil && to != from {
				entered[to] = true
				left[from] = true
			}
		}
	}
	for _, s := range Statuses() {
		if s != Received && s != Answered && !entered[s] {
			t.Errorf("%s cannot be entered", s)
		}
		if !left[s] {
			t.Errorf("%s cannot be left", s)
		}
	}
}

func TestEventNames(t *testing.T) {
	// the names API.md lists for the timeline
	for a, want := range map[Action]string{
		ActCreate: "created", ActRoute: "routed", ActRouteUnmatched: "routed", ActDispatch: "dispatched",
		ActAccept: "accepted", ActReturn: "returned", ActRequestExt: "extension_requested",
		ActApproveExt: "extension_approved", ActRejectExt: "extension_rejected", ActReply: "replied",
		ActApproveReply: "reply_approved", ActRemind: "reminded", ActOverdue: "overdue", ActDeliver: "delivered",
		ActDeliveryFailed: "delivery_failed", ActVisit: "visited", ActRate: "rated", ActReopen: "reopened",
		ActMerge: "merged", ActClose: "closed",
	} {
		if got := a.Event(); got != want {
			t.Errorf("%s records %q, want %q", a, got, want)
		}
	}
}
