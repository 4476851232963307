// Package domain is the heart of Hotline in plain Go: the kinds, channels and
// statuses of an item, the state machine (machine.go), who may do what
// (access.go), routing-rule matching (routing.go), deadline arithmetic
// (deadline.go) and the statistics formulas (metrics.go). It does no I/O.
package domain

import (
	"errors"
	"fmt"
)

// Kind is what the citizen wants (诉求类型).
type Kind string

// The kinds of item.
const (
	Consultation Kind = "consultation" // 咨询
	Complaint    Kind = "complaint"    // 投诉
	Suggestion   Kind = "suggestion"   // 建议
	Help         Kind = "help"         // 求助
	Report       Kind = "report"       // 举报
	Praise       Kind = "praise"       // 表扬
)

// Kinds lists every kind in display order.
func Kinds() []Kind {
	return []Kind{Consultation, Complaint, Suggestion, Help, Report, Praise}
}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	switch k {
	case Consultation, Complaint, Suggestion, Help, Report, Praise:
		return true
	}
	return false
}

// Label is the Chinese name staff read.
func (k Kind) Label() string {
	switch k {
	case Consultation:
		return "咨询"
	case Complaint:
		return "投诉"
	case Suggestion:
		return "建议"
	case Help:
		return "求助"
	case Report:
		return "举报"
	case Praise:
		return "表扬"
	}
	return string(k)
}

// Channel is how an item reached the department.
type Channel string

// The intake channels.
const (
	Hotline   Channel = "hotline"   // 12328 / 12345 calls
	Mailbox   Channel = "mailbox"   // 厅长信箱 letters on the portal
	Microblog Channel = "microblog" // posts to the official account
	Platform  Channel = "platform"  // items handed down by an upstream platform
)

// Channels lists every channel in display order.
func Channels() []Channel { return []Channel{Hotline, Mailbox, Microblog, Platform} }

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool {
	switch c {
	case Hotline, Mailbox, Microblog, Platform:
		return true
	}
	return false
}

// Label is the Chinese name used in reports.
func (c Channel) Label() string {
	switch c {
	case Hotline:
		return "服务监督电话"
	case Mailbox:
		return "厅长信箱"
	case Microblog:
		return "政务微博"
	case Platform:
		return "上级平台交办"
	}
	return string(c)
}

// Status is where an item stands; machine.go says how it moves.
type Status string

// The statuses of an item.
const (
	Received        Status = "received"         // stored, not yet routed
	Answered        Status = "answered"         // answered at first contact (直接答复)
	PendingDispatch Status = "pending_dispatch" // waiting for an operator to pick the unit
	Dispatched      Status = "dispatched"       // given to a unit, not yet signed for (交办)
	Accepted        Status = "accepted"         // the primary unit signed for it (签收)
	Replied         Status = "replied"          // the primary unit's final reply counts (办结)
	Closed          Status = "closed"           // finished
)

// Statuses lists every status in lifecycle order.
func Statuses() []Status {
	return []Status{Received, Answered, PendingDispatch, Dispatched, Accepted, Replied, Closed}
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	switch s {
	case Received, Answered, PendingDispatch, Dispatched, Accepted, Replied, Closed:
		return true
	}
	return false
}

// Role is what a staff account may do.
type Role string

// The roles.
const (
	RoleAdmin     Role = "admin"
	RoleManager   Role = "manager"
	RoleOperator  Role = "operator"
	RoleUnitHead  Role = "unit_head"
	RoleUnitStaff Role = "unit_staff"
)

// Roles lists every role.
func Roles() []Role {
	return []Role{RoleAdmin, RoleManager, RoleOperator, RoleUnitHead, RoleUnitStaff}
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleManager, RoleOperator, RoleUnitHead, RoleUnitStaff:
		return true
	}
	return false
}

// IsUnitRole reports whether accounts with this role belong to one unit and
// see only that unit's items.
func (r Role) IsUnitRole() bool { return r == RoleUnitHead || r == RoleUnitStaff }

// AssignmentRole says whether a unit leads an item or helps with it.
type AssignmentRole string

// Assignment roles.
const (
	PrimaryUnit AssignmentRole = "primary" // 主办
	CoUnit      AssignmentRole = "co"      // 协办
)

// AssignmentStatus is where one unit's part of an item stands.
type AssignmentStatus string

// Assignment statuses.
const (
	AssignAssigned  AssignmentStatus = "assigned"
	AssignAccepted  AssignmentStatus = "accepted"
	AssignReplied   AssignmentStatus = "replied"
	AssignReturned  AssignmentStatus = "returned"
	AssignWithdrawn AssignmentStatus = "withdrawn"
)

// Active reports whether the assignment still binds its unit.
func (s AssignmentStatus) Active() bool { return s != AssignReturned && s != AssignWithdrawn }

// FieldError names one bad input field; handlers turn a list of them into a
// 422 problem.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ValidationError is a list of field errors.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	if len(v) == 0 {
		return "invalid input"
	}
	return fmt.Sprintf("invalid %s: %s", v[0].Field, v[0].Message)
}

// Add appends a field error.
func (v *ValidationError) Add(field, format string, args ...any) {
	*v = append(*v, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// Err returns nil when nothing was added.
func (v ValidationError) Err() error {
	if len(v) == 0 {
		return nil
	}
	return v
}

// Sentinel errors that handlers map to HTTP statuses.
var (
	ErrNotFound          = errors.New("not found")              // 404
	ErrForbidden         = errors.New("forbidden")              // 403
	ErrConflict          = errors.New("conflict")               // 409
	ErrInvalidTransition = errors.New("transition not allowed") // 409
	ErrGone              = errors.New("gone")                   // 410
)

// ReplyStatus is where a unit's reply stands.
type ReplyStatus string

// Reply statuses.
const (
	ReplyPending    ReplyStatus = "pending"    // a final reply waiting for the unit head
	ReplyEffective  ReplyStatus = "effective"  // counts as written
	ReplyApproved   ReplyStatus = "approved"   // counts, approved by the unit head
	ReplySuperseded ReplyStatus = "superseded" // counted once; a later final reply replaced it
	ReplyDiscarded  ReplyStatus = "discarded"  // never counted
)

// Counted reports whether a final reply in this status is (or was) the
// item's answer: what the citizen was told.
func (s ReplyStatus) Counted() bool {
	return s == ReplyEffective || s == ReplyApproved || s == ReplySuperseded
}

// ExtensionStatus is where a request for more working days stands.
type ExtensionStatus string

// Extension statuses.
const (
	ExtensionPending   ExtensionStatus = "pending"
	ExtensionApproved  ExtensionStatus = "approved"
	ExtensionRejected  ExtensionStatus = "rejected"
	ExtensionWithdrawn ExtensionStatus = "withdrawn" // the item left the unit before a decision
)

// DeliveryStatus is where an outbound message stands.
type DeliveryStatus string

// Delivery statuses.
const (
	DeliveryPending DeliveryStatus = "pending" // waiting for its next attempt
	DeliverySent    DeliveryStatus = "sent"
	DeliveryFailed  DeliveryStatus = "failed" // out of retries: an operator retries it by hand
)
