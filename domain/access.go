package domain

import (
	"slices"

	"hotline/privacy"
)

// Viewer is the staff account making a request.
type Viewer struct {
	ID       int64
	Username string
	Role     Role
	UnitCode string // set for unit roles only
}

// SeesEveryUnit reports whether the viewer reads items of all units.
func (v Viewer) SeesEveryUnit() bool {
	return v.Role == RoleAdmin || v.Role == RoleManager || v.Role == RoleOperator
}

// MaySee reports whether the viewer may read an item held by these units:
// unit roles see only items on which their unit is the primary or a
// co-handling unit; everyone else sees every item.
func (v Viewer) MaySee(primaryUnit string, coUnits []string) bool {
	if v.SeesEveryUnit() {
		return true
	}
	if !v.Role.IsUnitRole() || v.UnitCode == "" {
		return false
	}
	return primaryUnit == v.UnitCode || slices.Contains(coUnits, v.UnitCode)
}

// SeesFullPhone reports whether phone numbers are shown unmasked.
func (v Viewer) SeesFullPhone() bool {
	return v.Role == RoleOperator || v.Role == RoleManager || v.Role == RoleAdmin
}

// MaySeeReply reports whether the viewer may read a reply of this unit in
// this status: a draft (a final reply waiting for its head, or one the head
// turned down) stays inside the author's unit and the roles above every unit
// (managers and admins); a reply that counts is read by everyone who sees
// the item.
func (v Viewer) MaySeeReply(unit string, s ReplyStatus) bool {
	if s != ReplyPending && s != ReplyDiscarded {
		return true
	}
	return v.Role == RoleManager || v.Role == RoleAdmin || (v.Role.IsUnitRole() && v.UnitCode == unit)
}

// Citizen is the person behind an item as one viewer may see them.
type Citizen struct {
	Name  string `json:"name"`
	Phone string `json:"phone"`
	Email string `json:"email,omitempty"`
}

// CitizenFor returns what the viewer may see of the citizen: nothing (nil) on a
// confidential item for unit roles, a masked phone number and e-mail for unit
// roles, everything for operators, managers and admins.
func CitizenFor(v Viewer, confidential bool, c Citizen) *Citizen {
	if v.SeesFullPhone() {
		return &c
	}
	if confidential {
		return nil
	}
	return &Citizen{Name: c.Name, Phone: privacy.MaskPhone(c.Phone), Email: privacy.MaskEmail(c.Email)}
}

// Allowed reports whether a staff role may perform the action at all. Whether
// the viewer's unit holds the item is checked separately (see UnitMayAct).
// Actions the system performs (routing, reminders, deliveries) and the
// citizen's own rating are allowed to no staff role.
func Allowed(r Role, a Action) bool {
	switch a {
	case ActDispatch, ActReopen, ActReopenAnswered, ActClose, ActRetryDelivery:
		return r == RoleOperator || r == RoleManager
	case ActAccept, ActReturn, ActAcceptCo, ActReturnCo, ActOpinion, ActReplyPending, ActReply:
		return r.IsUnitRole()
	case ActRequestExt, ActApproveReply:
		return r == RoleUnitHead
	case ActApproveExt, ActRejectExt, ActPublish:
		return r == RoleManager
	case ActVisit, ActCreateRatingLnk, ActMerge:
		return r == RoleOperator
	}
	return false
}

// UnitMayAct reports whether a unit-role viewer's unit holds the part of the
// item the action needs: a co-handling unit signs for, declines and gives
// opinions on its own part; everything else belongs to the primary unit, which
// may also add opinions (progress notes). Non-unit roles act on every unit's
// items, so this is true for them.
func UnitMayAct(v Viewer, a Action, primaryUnit string, coUnits []string) bool {
	if !v.Role.IsUnitRole() {
		return true
	}
	switch a {
	case ActAcceptCo, ActReturnCo:
		return slices.Contains(coUnits, v.UnitCode)
	case ActOpinion:
		return v.UnitCode == primaryUnit || slices.Contains(coUnits, v.UnitCode)
	}
	return v.UnitCode == primaryUnit
}
