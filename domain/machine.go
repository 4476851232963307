package domain

import "fmt"

// Action is something done to an item. Each action that succeeds appends one
// event whose action name is Event(); the status it leads to comes from Next.
type Action string

// The actions on an item.
const (
	ActCreate          Action = "create"            // intake stores the item
	ActRoute           Action = "route"             // the router found a rule (system)
	ActRouteUnmatched  Action = "route_unmatched"   // no rule matched (system)
	ActDispatch        Action = "dispatch"          // an operator or manager picks the units
	ActAccept          Action = "accept"            // the primary unit signs for it
	ActReturn          Action = "return"            // the primary unit sends it back (退单)
	ActAcceptCo        Action = "accept_co"         // a co-handling unit signs for its part
	ActReturnCo        Action = "return_co"         // a co-handling unit declines its part
	ActRequestExt      Action = "request_extension" // a unit head asks for more days
	ActApproveExt      Action = "approve_extension" // a manager grants them
	ActRejectExt       Action = "reject_extension"  // a manager refuses them
	ActOpinion         Action = "opinion"           // a co-handling unit's non-final reply
	ActReplyPending    Action = "reply_pending"     // the primary unit's final reply, waiting for its head
	ActReply           Action = "reply"             // the primary unit's final reply counts (办结)
	ActApproveReply    Action = "approve_reply"     // the unit head approves a pending final reply
	ActRemind          Action = "remind"            // reminder before the due time (system)
	ActOverdue         Action = "overdue"           // the due time passed (system)
	ActAcceptOverdue   Action = "accept_overdue"    // the sign-for deadline passed (system)
	ActDeliver         Action = "deliver"           // a message to the citizen went out (system)
	ActDeliveryFailed  Action = "delivery_failed"   // a message could not be delivered (system)
	ActVisit           Action = "visit"             // an operator's return visit (回访)
	ActRate            Action = "rate"              // the citizen rated through a link
	ActReopen          Action = "reopen"            // back to the primary unit (重办)
	ActReopenAnswered  Action = "reopen_answered"   // an answered item back to the operators
	ActMerge           Action = "merge"             // folded into another item
	ActClose           Action = "close"             // finished
	ActPublish         Action = "publish"           // shown in the public list (公开选登)
	ActRetryDelivery   Action = "retry_delivery"    // an operator retries a failed delivery
	ActCreateRatingLnk Action = "rating_link"       // an operator makes a rating link
)

// Event is the name recorded on the timeline for the action (the "action" of
// an event in the API).
func (a Action) Event() string {
	switch a {
	case ActCreate:
		return "created"
	case ActRoute, ActRouteUnmatched:
		return "routed"
	case ActDispatch:
		return "dispatched"
	case ActAccept, ActAcceptCo:
		return "accepted"
	case ActReturn, ActReturnCo:
		return "returned"
	case ActRequestExt:
		return "extension_requested"
	case ActApproveExt:
		return "extension_approved"
	case ActRejectExt:
		return "extension_rejected"
	case ActOpinion, ActReplyPending, ActReply:
		return "replied"
	case ActApproveReply:
		return "reply_approved"
	case ActRemind:
		return "reminded"
	case ActOverdue:
		return "overdue"
	case ActAcceptOverdue:
		return "accept_overdue"
	case ActDeliver:
		return "delivered"
	case ActDeliveryFailed:
		return "delivery_failed"
	case ActVisit:
		return "visited"
	case ActRate:
		return "rated"
	case ActReopen, ActReopenAnswered:
		return "reopened"
	case ActMerge:
		return "merged"
	case ActClose:
		return "closed"
	case ActPublish:
		return "published"
	case ActRetryDelivery:
		return "delivery_retried"
	case ActCreateRatingLnk:
		return "rating_link_created"
	}
	return string(a)
}

// transition gives, for an action, the statuses it may start from and the
// status it leads to ("" = the status does not change).
func transition(a Action) (from []Status, to Status, ok bool) {
	unitWork := []Status{Dispatched, Accepted}
	finished := []Status{Answered, Replied, Closed}
	switch a {
	case ActRoute:
		return []Status{Received}, Dispatched, true
	case ActRouteUnmatched:
		return []Status{Received}, PendingDispatch, true
	case ActDispatch:
		return []Status{Received, PendingDispatch}, Dispatched, true
	case ActAccept:
		return []Status{Dispatched}, Accepted, true
	case ActReturn:
		return unitWork, PendingDispatch, true
	case ActRequestExt, ActReplyPending:
		return []Status{Accepted}, "", true
	case ActApproveExt, ActRejectExt, ActOpinion, ActRemind, ActOverdue, ActAcceptCo, ActReturnCo:
		return unitWork, "", true
	case ActReply, ActApproveReply:
		return []Status{Accepted}, Replied, true
	case ActAcceptOverdue:
		return []Status{Dispatched}, "", true
	case ActDeliver, ActDeliveryFailed, ActRetryDelivery:
		return Statuses(), "", true
	case ActVisit, ActRate, ActCreateRatingLnk:
		return finished, "", true
	case ActReopen:
		return []Status{Replied, Closed}, Accepted, true
	case ActReopenAnswered:
		return []Status{Answered, Closed}, PendingDispatch, true
	case ActMerge:
		return []Status{Received, PendingDispatch, Dispatched, Accepted, Answered}, Closed, true
	case ActClose:
		return []Status{Answered, Replied}, Closed, true
	case ActPublish:
		return []Status{Replied, Closed}, "", true
	}
	return nil, "", false
}

// Next returns the status an item moves to when a is done in status from.
// It returns an error wrapping ErrInvalidTransition when the status does not
// allow the action.
func Next(from Status, a Action) (Status, error) {
	fromStatuses, to, ok := transition(a)
	if !ok {
		return "", fmt.Errorf("%w: unknown action %q", ErrInvalidTransition, a)
	}
	for _, s := range fromStatuses {
		if s == from {
			if to == "" {
				return from, nil
			}
			return to, nil
		}
	}
	return "", fmt.Errorf("%w: cannot %s an item that is %s", ErrInvalidTransition, a, from)
}

// Actions lists every action the machine knows, for tests and documentation.
func Actions() []Action {
	return []Action{
		ActRoute, ActRouteUnmatched, ActDispatch, ActAccept, ActReturn, ActAcceptCo, ActReturnCo, ActRequestExt,
		ActApproveExt, ActRejectExt, ActOpinion, ActReplyPending, ActReply, ActApproveReply,
		ActRemind, ActOverdue, ActAcceptOverdue, ActDeliver, ActDeliveryFailed, ActRetryDelivery,
		ActVisit, ActRate, ActCreateRatingLnk, ActReopen, ActReopenAnswered, ActMerge,
		ActClose, ActPublish,
	}
}
