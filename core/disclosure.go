package core

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"
	"time"

	"hotline/calendar"
	"hotline/domain"
	"hotline/repo"
)

// Applications for government information (依申请公开): intake, the
// statutory clock, consultations, 补正, fees, extensions and the decision.
// Every action is one transaction and every change an event on the
// application's own timeline.

// Field limits of applications, in characters.
const (
	maxDisclosureText  = 10000
	maxDisclosureShort = 200
	maxIDNumber        = 40
)

// DisclosureInput is an application (POST /disclosure-requests and the
// portal's POST /public/disclosure-requests).
type DisclosureInput struct {
	ApplicantType domain.ApplicantType `json:"applicant_type"`
	ApplicantName string               `json:"applicant_name"`
	IDNumber      string               `json:"id_number,omitempty"`
	OrgName       string               `json:"org_name,omitempty"`
	Phone         string               `json:"phone,omitempty"`
	Email         string               `json:"email,omitempty"`
	Address       string               `json:"address,omitempty"`
	Description   string               `json:"description"`
	Purpose       string               `json:"purpose,omitempty"`
	DeliveryForm  string               `json:"delivery_form,omitempty"`
	SubmittedVia  domain.SubmittedVia  `json:"submitted_via,omitempty"`
	ReceivedOn    string               `json:"received_on,omitempty"`
}

// DisclosureView is an application as staff read it.
type DisclosureView struct {
	ID                 int64        `json:"id"`
	Code               string       `json:"code"`
	Status             string       `json:"status"`
	StatusLabel        string       `json:"status_label"`
	ApplicantType      string       `json:"applicant_type"`
	ApplicantTypeLabel string       `json:"applicant_type_label"`
	ApplicantName      string       `json:"applicant_name"`
	IDNumber           string       `json:"id_number"`
	OrgName            string       `json:"org_name"`
	Phone              string       `json:"phone"`
	Email              string       `json:"email"`
	Address            string       `json:"address"`
	Description        string       `json:"description"`
	Purpose            string       `json:"purpose"`
	DeliveryForm       string       `json:"delivery_form"`
	SubmittedVia       string       `json:"submitted_via"`
	ReceivedOn         *domain.Date `json:"received_on"`
	ClockStartOn       *domain.Date `json:"clock_start_on"`
	OriginalDueOn      *domain.Date `json:"original_due_on"`
	DueOn              *domain.Date `json:"due_on"`
	DueAt              *time.Time   `json:"due_at"`
	RemindAt           *time.Time   `json:"remind_at"`
	Overdue            bool         `json:"overdue"`
	ExtensionDays      int          `json:"extension_days"`
	Outcome            *string      `json:"outcome"`
	OutcomeLabel       string       `json:"outcome_label,omitempty"`
	Reply              string       `json:"reply"`
	DecidedOn          *domain.Date `json:"decided_on"`
	CreatedAt          time.Time    `json:"created_at"`
}

// DisclosureReceipt answers staff intake: the application and, once, the
// secret the applicant tracks it with.
type DisclosureReceipt struct {
	DisclosureView
	Secret string `json:"secret"`
}

// DisclosurePortalReceipt answers the portal: the code and secret to track
// the application with.
type DisclosurePortalReceipt struct {
	Code   string `json:"code"`
	Secret string `json:"secret"`
	Status string `json:"status"`
}

// DisclosureDetail is an application with everything recorded on it.
type DisclosureDetail struct {
	DisclosureView
	Consultations []repo.Consultation        `json:"consultations"`
	Correction    *repo.Correction           `json:"correction"`
	Fees          []repo.Fee                 `json:"fees"`
	Extensions    []repo.DisclosureExtension `json:"extensions"`
	Events        []repo.DisclosureEvent     `json:"events"`
}

// DisclosureTrackView is what the applicant holding the code and secret
// sees.
type DisclosureTrackView struct {
	Code         string       `json:"code"`
	Status       string       `json:"status"`
	StatusLabel  string       `json:"status_label"`
	ReceivedOn   *domain.Date `json:"received_on"`
	DueOn        *domain.Date `json:"due_on"`
	OutcomeLabel string       `json:"outcome_label,omitempty"`
	Reply        string       `json:"reply,omitempty"`
	DecidedOn    *domain.Date `json:"decided_on"`
}

func (c *Core) disclosureView(r repo.DisclosureRequest) DisclosureView {
	v := DisclosureView{ID: r.ID, Code: r.Code, Status: r.Status, StatusLabel: domain.DisclosureStatus(r.Status).Label(),
		ApplicantType: r.ApplicantType, ApplicantTypeLabel: domain.ApplicantType(r.ApplicantType).Label(),
		ApplicantName: r.ApplicantName, IDNumber: r.IDNumber, OrgName: r.OrgName, Phone: r.Phone, Email: r.Email,
		Address: r.Address, Description: r.Description, Purpose: r.Purpose, DeliveryForm: r.DeliveryForm,
		SubmittedVia: r.SubmittedVia, ReceivedOn: r.ReceivedOn, ClockStartOn: r.ClockStartOn,
		OriginalDueOn: r.OriginalDueOn, DueOn: r.DueOn, DueAt: c.tm(r.DueAt), RemindAt: c.tm(r.RemindAt),
		Overdue: r.Overdue, ExtensionDays: r.ExtensionDays, Outcome: r.Outcome, Reply: r.Reply, DecidedOn: r.DecidedOn,
		CreatedAt: r.CreatedAt.In(c.set.Location)}
	if r.Outcome != nil {
		v.OutcomeLabel = domain.DisclosureOutcome(*r.Outcome).Label()
	}
	return v
}

// today is the current date in the configured zone.
func (c *Core) today() domain.Date { return domain.DateOf(c.Now()) }

// dateField reads a required or optional YYYY-MM-DD field that may not lie
// after today.
func (c *Core) dateField(v *domain.ValidationError, field, s string, required bool) *domain.Date {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			v.Add(field, "required: a date YYYY-MM-DD")
		}
		return nil
	}
	d, err := domain.ParseDate(s)
	switch {
	case err != nil:
		v.Add(field, "a date YYYY-MM-DD")
		return nil
	case d.Year < 2000:
		v.Add(field, "a date from 2000 on")
		return nil
	case d.After(c.today()):
		v.Add(field, "must not be after today (%s)", c.today())
		return nil
	}
	return &d
}

func oneOf(v *domain.ValidationError, field, s string, required bool, valid bool, choices string) {
	switch {
	case s == "" && required:
		v.Add(field, "required: one of %s", choices)
	case s != "" && !valid:
		v.Add(field, "unknown value %q: one of %s", s, choices)
	}
}

func choicesOf[T ~string](xs []T) string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return strings.Join(out, ", ")
}

// request checks an application; portal marks one from the portal, whose
// receipt day an operator fixes later.
func (c *Core) request(in DisclosureInput, portal bool) (repo.DisclosureRequest, error) {
	var v domain.ValidationError
	t := in.ApplicantType
	oneOf(&v, "applicant_type", string(t), true, t.Valid(), choicesOf(domain.ApplicantTypes()))
	r := repo.DisclosureRequest{ApplicantType: string(t),
		ApplicantName: text(&v, "applicant_name", in.ApplicantName, true, maxName),
		IDNumber:      text(&v, "id_number", in.IDNumber, false, maxIDNumber),
		OrgName:       text(&v, "org_name", in.OrgName, t.IsOrg(), maxDisclosureShort),
		Phone:         phone(&v, "phone", in.Phone, false),
		Email:         email(&v, "email", in.Email),
		Address:       text(&v, "address", in.Address, false, maxDisclosureShort),
		Description:   text(&v, "description", in.Description, true, maxDisclosureText),
		Purpose:       text(&v, "purpose", in.Purpose, false, maxDisclosureText),
		DeliveryForm:  in.DeliveryForm, SubmittedVia: string(in.SubmittedVia)}
	oneOf(&v, "delivery_form", in.DeliveryForm, false, contains(domain.DeliveryForms(), in.DeliveryForm), strings.Join(domain.DeliveryForms(), ", "))
	if strings.TrimSpace(in.Phone) == "" && strings.TrimSpace(in.Email) == "" && strings.TrimSpace(in.Address) == "" {
		v.Add("phone", "give a way to reach the applicant: phone, email or address (第二十九条)")
	}
	if portal {
		if in.SubmittedVia != "" && in.SubmittedVia != domain.ViaOnline {
			v.Add("submitted_via", "the portal receives applications online only")
		}
		if in.ReceivedOn != "" {
			v.Add("received_on", "set by the office when it confirms receipt")
		}
		r.SubmittedVia = string(domain.ViaOnline)
		r.Status = string(domain.DisUnconfirmed)
		return r, v.Err()
	}
	oneOf(&v, "submitted_via", string(in.SubmittedVia), true, in.SubmittedVia.Valid(), choicesOf(domain.SubmittedVias()))
	r.ReceivedOn = c.dateField(&v, "received_on", in.ReceivedOn, true)
	r.ClockStartOn = r.ReceivedOn
	r.Status = string(domain.DisProcessing)
	return r, v.Err()
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// CreateDisclosure stores an application taken in by staff (in person, by
// post, fax or e-mail): its clock starts from received_on.
func (c *Core) CreateDisclosure(ctx context.Context, v domain.Viewer, in DisclosureInput) (DisclosureReceipt, error) {
	r, err := c.request(in, false)
	if err != nil {
		return DisclosureReceipt{}, err
	}
	r.CreatedBy = &v.ID
	stored, secret, err := c.insertDisclosure(ctx, r, actorOf(v), domain.DisActCreate)
	if err != nil {
		return DisclosureReceipt{}, err
	}
	return DisclosureReceipt{DisclosureView: c.disclosureView(stored), Secret: secret}, nil
}

// SubmitDisclosure stores an application from the portal; it waits for an
// operator to confirm its receipt day.
func (c *Core) SubmitDisclosure(ctx context.Context, in DisclosureInput) (DisclosurePortalReceipt, error) {
	r, err := c.request(in, true)
	if err != nil {
		return DisclosurePortalReceipt{}, err
	}
	stored, secret, err := c.insertDisclosure(ctx, r, actor{name: "applicant"}, domain.DisActSubmit)
	if err != nil {
		return DisclosurePortalReceipt{}, err
	}
	return DisclosurePortalReceipt{Code: stored.Code, Secret: secret, Status: stored.Status}, nil
}

// insertDisclosure stores a new application with a fresh code and secret,
// its clock when the receipt day is known, and its first event. The same
// Idempotency-Key again returns the first application with a new secret
// (only the hash of the first was kept).
func (c *Core) insertDisclosure(ctx context.Context, r repo.DisclosureRequest, who actor, act domain.DisclosureAction) (repo.DisclosureRequest, string, error) {
	secret, err := randomCode(16)
	if err != nil {
		return repo.DisclosureRequest{}, "", err
	}
	h := sha256.Sum256([]byte(secret))
	r.SecretHash = h[:]
	var cal *calendar.Calendar
	if r.ClockStartOn != nil {
		if cal, err = c.Calendar(ctx); err != nil {
			return repo.DisclosureRequest{}, "", err
		}
		c.setClock(cal, &r, nil, nil)
	}
	for attempt := 0; ; attempt++ {
		r.CreatedAt = c.now()
		if r.Code, err = trackingCode(c.Now()); err != nil {
			return repo.DisclosureRequest{}, "", err
		}
		r.Code = "GK" + r.Code
		var stored repo.DisclosureRequest
		created := false
		err = c.store.Tx(ctx, func(q *repo.Q) error {
			var err error
			stored, created, err = q.InsertDisclosureRequest(ctx, r)
			if err != nil || !created {
				return err
			}
			to, err := domain.NextDisclosure("", act)
			if err != nil {
				return err
			}
			note := "依申请公开申请已登记,待确认收到日期"
			if stored.ReceivedOn != nil {
				note = fmt.Sprintf("收到申请 %s,答复期限 %s", stored.ReceivedOn, stored.DueOn)
			}
			return disclosureEvent(ctx, q, stored.CreatedAt, stored.ID, who, act, "", to, note)
		})
		switch {
		case errors.Is(err, repo.ErrDisclosureCodeTaken) && attempt < 5:
			continue
		case err != nil:
			return repo.DisclosureRequest{}, "", fmt.Errorf("store disclosure application: %w", err)
		case !created:
			if err := c.store.Q().SetDisclosureSecret(ctx, stored.ID, r.SecretHash); err != nil {
				return repo.DisclosureRequest{}, "", err
			}
		}
		return stored, secret, nil
	}
}

// disclosureEvent appends one event to an application's timeline.
func disclosureEvent(ctx context.Context, q *repo.Q, at time.Time, id int64, who actor, a domain.DisclosureAction, from, to domain.DisclosureStatus, note string) error {
	e := repo.DisclosureEvent{RequestID: id, At: at, ActorID: who.id, Actor: who.name, Action: string(a), Note: note}
	if from != "" {
		e.FromStatus = ptr(string(from))
	}
	if to != "" {
		e.ToStatus = ptr(string(to))
	}
	return q.AppendDisclosureEvent(ctx, e)
}

// disclosureStep moves a locked application through the machine and records
// the event; it does not save the application.
func disclosureStep(ctx context.Context, q *repo.Q, at time.Time, r *repo.DisclosureRequest, who actor, a domain.DisclosureAction, note string) error {
	from := domain.DisclosureStatus(r.Status)
	to, err := domain.NextDisclosure(from, a)
	if err != nil {
		return err
	}
	r.Status = string(to)
	return disclosureEvent(ctx, q, at, r.ID, who, a, from, to, note)
}

// setClock computes due_on, original_due_on, the due time (the end of
// working hours of due_on) and the reminder time (four fifths of the working
// time, as for items) from the clock's start, the pauses and the extension.
// A reminder still ahead is armed again.
func (c *Core) setClock(cal *calendar.Calendar, r *repo.DisclosureRequest, cons []repo.Consultation, fees []repo.Fee) {
	if r.ClockStartOn == nil {
		return
	}
	clock := domain.DisclosureClock{Start: *r.ClockStartOn, ExtensionDays: r.ExtensionDays}
	for _, x := range cons {
		clock.Pauses = append(clock.Pauses, domain.ConsultationPause(x.SentOn, x.AnsweredOn))
	}
	for _, f := range fees {
		clock.Pauses = append(clock.Pauses, domain.FeePause(f.NotifiedOn, f.PaidOn))
	}
	orig, due := clock.Due(cal)
	loc := cal.Location()
	dueAt := cal.EndOfWorkday(due.In(loc).Add(12 * time.Hour))
	from := cal.EndOfWorkday(r.ClockStartOn.In(loc).Add(12 * time.Hour))
	remind := domain.ReminderTime(cal, from, dueAt)
	r.OriginalDueOn, r.DueOn, r.DueAt, r.RemindAt = &orig, &due, &dueAt, &remind
	if r.RemindedAt != nil && remind.After(c.now()) {
		r.RemindedAt = nil
	}
}

// disclosureAction runs fn on a locked application in one transaction,
// with the calendar, then saves the application.
func (c *Core) disclosureAction(ctx context.Context, id int64, fn func(q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error) (repo.DisclosureRequest, error) {
	cal, err := c.Calendar(ctx)
	if err != nil {
		return repo.DisclosureRequest{}, err
	}
	var out repo.DisclosureRequest
	err = c.store.Tx(ctx, func(q *repo.Q) error {
		r, err := q.LockDisclosureRequest(ctx, id)
		if err != nil {
			return notFoundAs(err, "disclosure application")
		}
		if err := fn(q, cal, &r); err != nil {
			return err
		}
		out = r
		return q.SaveDisclosureRequest(ctx, r)
	})
	return out, err
}

// reclock recomputes the clock of a locked application from its stored
// consultations and fees.
func (c *Core) reclock(ctx context.Context, q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error {
	cons, err := q.Consultations(ctx, r.ID)
	if err != nil {
		return err
	}
	fees, err := q.Fees(ctx, r.ID)
	if err != nil {
		return err
	}
	c.setClock(cal, r, cons, fees)
	return nil
}

// ConfirmInput fixes a portal application's receipt day.
type ConfirmInput struct {
	ReceivedOn string `json:"received_on"`
}

// ConfirmDisclosure fixes the receipt day of a portal application (第三十一
// 条: the day both sides confirm it) and starts its clock.
func (c *Core) ConfirmDisclosure(ctx context.Context, v domain.Viewer, id int64, in ConfirmInput) (DisclosureView, error) {
	var ve domain.ValidationError
	on := c.dateField(&ve, "received_on", in.ReceivedOn, true)
	if err := ve.Err(); err != nil {
		return DisclosureView{}, err
	}
	r, err := c.disclosureAction(ctx, id, func(q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error {
		if submitted := domain.DateOf(r.CreatedAt.In(c.set.Location)); on.Before(submitted) {
			return domain.ValidationError{{Field: "received_on", Message: fmt.Sprintf("must not be before the day it was sent (%s)", submitted)}}
		}
		r.ReceivedOn, r.ClockStartOn = on, on
		c.setClock(cal, r, nil, nil)
		return disclosureStep(ctx, q, c.now(), r, actorOf(v), domain.DisActConfirm,
			fmt.Sprintf("确认收到日期 %s,答复期限 %s", on, r.DueOn))
	})
	if err != nil {
		return DisclosureView{}, err
	}
	return c.disclosureView(r), nil
}

// ConsultationInput asks a third party or another agency.
type ConsultationInput struct {
	Party  string `json:"party"`
	SentOn string `json:"sent_on"`
}

// AddConsultation records a consultation; the days until its answer, at most
// 15 working days, do not count.
func (c *Core) AddConsultation(ctx context.Context, v domain.Viewer, id int64, in ConsultationInput) (repo.Consultation, error) {
	var ve domain.ValidationError
	party := text(&ve, "party", in.Party, true, maxDisclosureShort)
	sent := c.dateField(&ve, "sent_on", in.SentOn, true)
	if err := ve.Err(); err != nil {
		return repo.Consultation{}, err
	}
	var out repo.Consultation
	_, err := c.disclosureAction(ctx, id, func(q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error {
		if r.ClockStartOn != nil && sent.Before(*r.ClockStartOn) {
			return domain.ValidationError{{Field: "sent_on", Message: fmt.Sprintf("must not be before the clock started (%s)", r.ClockStartOn)}}
		}
		var err error
		if out, err = q.InsertConsultation(ctx, repo.Consultation{RequestID: r.ID, Party: party, SentOn: *sent}); err != nil {
			return err
		}
		if err := c.reclock(ctx, q, cal, r); err != nil {
			return err
		}
		return disclosureStep(ctx, q, c.now(), r, actorOf(v), domain.DisActConsult,
			fmt.Sprintf("征求%s意见(%s 发出),答复期限暂计 %s", party, sent, r.DueOn))
	})
	return out, err
}

// ConsultationAnswerInput records the answer of a consultation.
type ConsultationAnswerInput struct {
	AnsweredOn string `json:"answered_on"`
	Consents   *bool  `json:"consents"`
}

// AnswerConsultation records an answer; due_on moves to count only the days
// the consultation really took.
func (c *Core) AnswerConsultation(ctx context.Context, v domain.Viewer, id, cid int64, in ConsultationAnswerInput) (DisclosureView, error) {
	var ve domain.ValidationError
	on := c.dateField(&ve, "answered_on", in.AnsweredOn, true)
	if err := ve.Err(); err != nil {
		return DisclosureView{}, err
	}
	r, err := c.disclosureAction(ctx, id, func(q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error {
		if _, err := domain.NextDisclosure(domain.DisclosureStatus(r.Status), domain.DisActConsultAnswer); err != nil {
			return err
		}
		cons, err := q.Consultations(ctx, r.ID)
		if err != nil {
			return err
		}
		var found *repo.Consultation
		for i := range cons {
			if cons[i].ID == cid {
				found = &cons[i]
			}
		}
		switch {
		case found == nil:
			return fmt.Errorf("consultation %d: %w", cid, domain.ErrNotFound)
		case found.AnsweredOn != nil:
			return fmt.Errorf("%w: the consultation was answered on %s", domain.ErrConflict, found.AnsweredOn)
		case on.Before(found.SentOn):
			return domain.ValidationError{{Field: "answered_on", Message: fmt.Sprintf("must not be before it was sent (%s)", found.SentOn)}}
		}
		if _, err := q.AnswerConsultation(ctx, r.ID, cid, *on, in.Consents); err != nil {
			return err
		}
		if err := c.reclock(ctx, q, cal, r); err != nil {
			return err
		}
		note := fmt.Sprintf("%s 于 %s 答复", found.Party, on)
		if in.Consents != nil {
			note += map[bool]string{true: ",同意公开", false: ",不同意公开"}[*in.Consents]
		}
		return disclosureStep(ctx, q, c.now(), r, actorOf(v), domain.DisActConsultAnswer, note+",答复期限 "+r.DueOn.String())
	})
	if err != nil {
		return DisclosureView{}, err
	}
	return c.disclosureView(r), nil
}

// CorrectionInput asks the applicant to supplement the application (补正).
type CorrectionInput struct {
	AskedOn string `json:"asked_on"`
	What    string `json:"what"`
	ReplyBy string `json:"reply_by"`
}

// AskCorrection records the one 补正 request, allowed within 7 working days
// of receipt; the clock stops until the supplement arrives.
func (c *Core) AskCorrection(ctx context.Context, v domain.Viewer, id int64, in CorrectionInput) (repo.Correction, error) {
	var ve domain.ValidationError
	asked := c.dateField(&ve, "asked_on", in.AskedOn, true)
	what := text(&ve, "what", in.What, true, maxDisclosureText)
	replyBy, err := domain.ParseDate(strings.TrimSpace(in.ReplyBy))
	if err != nil {
		ve.Add("reply_by", "required: a date YYYY-MM-DD")
	} else if asked != nil && !replyBy.After(*asked) {
		ve.Add("reply_by", "must be after asked_on")
	}
	if err := ve.Err(); err != nil {
		return repo.Correction{}, err
	}
	var out repo.Correction
	_, err = c.disclosureAction(ctx, id, func(q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error {
		if _, err := domain.NextDisclosure(domain.DisclosureStatus(r.Status), domain.DisActAskCorrection); err != nil {
			return err
		}
		last := domain.CorrectionAskBy(cal, *r.ReceivedOn)
		if asked.Before(*r.ReceivedOn) || asked.After(last) {
			return domain.ValidationError{{Field: "asked_on", Message: fmt.Sprintf(
				"a 补正 is asked within 7 working days of receipt: from %s to %s", r.ReceivedOn, last)}}
		}
		var err error
		out, err = q.InsertCorrection(ctx, repo.Correction{RequestID: r.ID, AskedOn: *asked, What: what, ReplyBy: replyBy})
		if errors.Is(err, repo.ErrCorrectionTaken) {
			return fmt.Errorf("%w: a 补正 may be asked only once", domain.ErrConflict)
		}
		if err != nil {
			return err
		}
		return disclosureStep(ctx, q, c.now(), r, actorOf(v), domain.DisActAskCorrection,
			fmt.Sprintf("%s 告知补正,期限 %s:%s", asked, replyBy, what))
	})
	return out, err
}

// CorrectionReceivedInput records the supplement's arrival.
type CorrectionReceivedInput struct {
	ReceivedOn string `json:"received_on"`
}

// ReceiveCorrection records the supplement: the 20 working days start again
// from the day it arrived.
func (c *Core) ReceiveCorrection(ctx context.Context, v domain.Viewer, id, cid int64, in CorrectionReceivedInput) (DisclosureView, error) {
	var ve domain.ValidationError
	on := c.dateField(&ve, "received_on", in.ReceivedOn, true)
	if err := ve.Err(); err != nil {
		return DisclosureView{}, err
	}
	r, err := c.disclosureAction(ctx, id, func(q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error {
		corr, err := q.CorrectionOf(ctx, r.ID)
		if errors.Is(err, repo.ErrNotFound) || (err == nil && corr.ID != cid) {
			return fmt.Errorf("correction %d: %w", cid, domain.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if _, err := domain.NextDisclosure(domain.DisclosureStatus(r.Status), domain.DisActCorrectionArrived); err != nil {
			return err
		}
		if on.Before(corr.AskedOn) || on.After(corr.ReplyBy) {
			return domain.ValidationError{{Field: "received_on", Message: fmt.Sprintf("must lie from %s to %s", corr.AskedOn, corr.ReplyBy)}}
		}
		if _, err := q.ReceiveCorrection(ctx, r.ID, cid, *on); err != nil {
			return err
		}
		r.ClockStartOn = on
		if err := c.reclock(ctx, q, cal, r); err != nil {
			return err
		}
		return disclosureStep(ctx, q, c.now(), r, actorOf(v), domain.DisActCorrectionArrived,
			fmt.Sprintf("%s 收到补正材料,重新计算答复期限至 %s", on, r.DueOn))
	})
	if err != nil {
		return DisclosureView{}, err
	}
	return c.disclosureView(r), nil
}

// FeeInput is a fee notice (国办函〔2020〕109号).
type FeeInput struct {
	NotifiedOn string  `json:"notified_on"`
	AmountYuan float64 `json:"amount_yuan"`
}

// NotifyFee records a fee notice: the applicant pays within 20 working days
// and the days until payment do not count.
func (c *Core) NotifyFee(ctx context.Context, v domain.Viewer, id int64, in FeeInput) (repo.Fee, error) {
	var ve domain.ValidationError
	on := c.dateField(&ve, "notified_on", in.NotifiedOn, true)
	if !(in.AmountYuan > 0 && in.AmountYuan <= 1e9) { // also refuses NaN and ±Inf
		ve.Add("amount_yuan", "a positive amount in yuan, at most 1e9")
	}
	if err := ve.Err(); err != nil {
		return repo.Fee{}, err
	}
	var out repo.Fee
	_, err := c.disclosureAction(ctx, id, func(q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error {
		if _, err := domain.NextDisclosure(domain.DisclosureStatus(r.Status), domain.DisActFeeNotice); err != nil {
			return err
		}
		if on.Before(*r.ClockStartOn) {
			return domain.ValidationError{{Field: "notified_on", Message: fmt.Sprintf("must not be before the clock started (%s)", r.ClockStartOn)}}
		}
		var err error
		out, err = q.InsertFee(ctx, repo.Fee{RequestID: r.ID, NotifiedOn: *on, AmountYuan: in.AmountYuan, PayBy: domain.FeePayBy(cal, *on)})
		if errors.Is(err, repo.ErrFeeOpen) {
			return fmt.Errorf("%w: a fee notice is open", domain.ErrConflict)
		}
		if err != nil {
			return err
		}
		return disclosureStep(ctx, q, c.now(), r, actorOf(v), domain.DisActFeeNotice,
			fmt.Sprintf("%s 发出收费通知 %.2f 元,缴费期限 %s", on, in.AmountYuan, out.PayBy))
	})
	return out, err
}

// FeePaidInput records a payment.
type FeePaidInput struct {
	PaidOn string `json:"paid_on"`
}

// PayFee records the payment; the clock runs again.
func (c *Core) PayFee(ctx context.Context, v domain.Viewer, id, fid int64, in FeePaidInput) (DisclosureView, error) {
	var ve domain.ValidationError
	on := c.dateField(&ve, "paid_on", in.PaidOn, true)
	if err := ve.Err(); err != nil {
		return DisclosureView{}, err
	}
	r, err := c.disclosureAction(ctx, id, func(q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error {
		fees, err := q.Fees(ctx, r.ID)
		if err != nil {
			return err
		}
		var fee *repo.Fee
		for i := range fees {
			if fees[i].ID == fid {
				fee = &fees[i]
			}
		}
		switch {
		case fee == nil:
			return fmt.Errorf("fee notice %d: %w", fid, domain.ErrNotFound)
		case fee.PaidOn != nil:
			return fmt.Errorf("%w: paid on %s", domain.ErrConflict, fee.PaidOn)
		}
		if _, err := domain.NextDisclosure(domain.DisclosureStatus(r.Status), domain.DisActFeePaid); err != nil {
			return err
		}
		if on.Before(fee.NotifiedOn) || on.After(fee.PayBy) {
			return domain.ValidationError{{Field: "paid_on", Message: fmt.Sprintf("must lie from %s to %s", fee.NotifiedOn, fee.PayBy)}}
		}
		if _, err := q.PayFee(ctx, r.ID, fid, *on); err != nil {
			return err
		}
		if err := c.reclock(ctx, q, cal, r); err != nil {
			return err
		}
		return disclosureStep(ctx, q, c.now(), r, actorOf(v), domain.DisActFeePaid,
			fmt.Sprintf("%s 缴费,答复期限 %s", on, r.DueOn))
	})
	if err != nil {
		return DisclosureView{}, err
	}
	return c.disclosureView(r), nil
}

// DisclosureExtensionInput asks for more working days.
type DisclosureExtensionInput struct {
	Workdays int    `json:"workdays"`
	Reason   string `json:"reason"`
}

// RequestDisclosureExtension asks for the one extension (at most 20 working
// days), before the application is overdue; a manager decides.
func (c *Core) RequestDisclosureExtension(ctx context.Context, v domain.Viewer, id int64, in DisclosureExtensionInput) (repo.DisclosureExtension, error) {
	if v.Role != domain.RoleOperator {
		return repo.DisclosureExtension{}, fmt.Errorf("%w: the office's operators ask for extensions; managers decide them", domain.ErrForbidden)
	}
	var ve domain.ValidationError
	if in.Workdays < 1 || in.Workdays > domain.DisclosureMaxExtension {
		ve.Add("workdays", "a whole number from 1 to %d", domain.DisclosureMaxExtension)
	}
	reason := text(&ve, "reason", in.Reason, true, maxDisclosureText)
	if err := ve.Err(); err != nil {
		return repo.DisclosureExtension{}, err
	}
	var out repo.DisclosureExtension
	_, err := c.disclosureAction(ctx, id, func(q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error {
		if _, err := domain.NextDisclosure(domain.DisclosureStatus(r.Status), domain.DisActRequestExt); err != nil {
			return err
		}
		if r.Overdue {
			return fmt.Errorf("%w: the application is already overdue", domain.ErrConflict)
		}
		var err error
		out, err = q.InsertDisclosureExtension(ctx, repo.DisclosureExtension{RequestID: r.ID, Workdays: in.Workdays, Reason: reason, RequestedBy: v.ID})
		if errors.Is(err, repo.ErrExtensionOpen) {
			return fmt.Errorf("%w: an application is extended once; one is pending or approved", domain.ErrConflict)
		}
		if err != nil {
			return err
		}
		return disclosureStep(ctx, q, c.now(), r, actorOf(v), domain.DisActRequestExt,
			fmt.Sprintf("申请延期 %d 个工作日:%s", in.Workdays, reason))
	})
	return out, err
}

// DecideDisclosureExtension approves or rejects a pending extension; an
// approved one moves due_on (original_due_on keeps the first).
func (c *Core) DecideDisclosureExtension(ctx context.Context, v domain.Viewer, id, eid int64, approve bool, in DecisionInput) (DisclosureView, error) {
	var ve domain.ValidationError
	note := text(&ve, "note", in.Note, false, maxDisclosureText)
	if err := ve.Err(); err != nil {
		return DisclosureView{}, err
	}
	act, status := domain.DisActRejectExt, "rejected"
	if approve {
		act, status = domain.DisActApproveExt, "approved"
	}
	r, err := c.disclosureAction(ctx, id, func(q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error {
		if _, err := domain.NextDisclosure(domain.DisclosureStatus(r.Status), act); err != nil {
			return err
		}
		ext, err := q.DecideDisclosureExtension(ctx, r.ID, eid, status, v.ID, c.now(), note)
		if errors.Is(err, repo.ErrNotFound) {
			return fmt.Errorf("pending extension %d: %w", eid, domain.ErrNotFound)
		}
		if err != nil {
			return err
		}
		if ext.RequestedBy == v.ID { // returning the error rolls the decision back
			return fmt.Errorf("%w: an extension is decided by someone other than who asked for it", domain.ErrForbidden)
		}
		msg := fmt.Sprintf("不同意延期 %d 个工作日", ext.Workdays)
		if approve {
			old := r.DueOn
			r.ExtensionDays = ext.Workdays
			if err := c.reclock(ctx, q, cal, r); err != nil {
				return err
			}
			msg = fmt.Sprintf("同意延期 %d 个工作日,答复期限由 %s 延至 %s", ext.Workdays, old, r.DueOn)
		}
		if note != "" {
			msg += ":" + note
		}
		return disclosureStep(ctx, q, c.now(), r, actorOf(v), act, msg)
	})
	if err != nil {
		return DisclosureView{}, err
	}
	return c.disclosureView(r), nil
}

// DisclosureDecisionInput answers an application.
type DisclosureDecisionInput struct {
	Outcome   domain.DisclosureOutcome `json:"outcome"`
	Reply     string                   `json:"reply"`
	DecidedOn string                   `json:"decided_on"`
}

// DecideDisclosure answers an application with an outcome code (a row of
// table 三) and its reply text.
func (c *Core) DecideDisclosure(ctx context.Context, v domain.Viewer, id int64, in DisclosureDecisionInput) (DisclosureView, error) {
	var ve domain.ValidationError
	o := in.Outcome
	oneOf(&ve, "outcome", string(o), true, o.Valid(), choicesOf(domain.DisclosureOutcomes()))
	reply := text(&ve, "reply", in.Reply, true, maxDisclosureText)
	on := c.dateField(&ve, "decided_on", in.DecidedOn, true)
	if err := ve.Err(); err != nil {
		return DisclosureView{}, err
	}
	r, err := c.disclosureAction(ctx, id, func(q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error {
		if _, err := domain.NextDisclosure(domain.DisclosureStatus(r.Status), domain.DisActDecide); err != nil {
			return err
		}
		if !o.DecidableFrom(domain.DisclosureStatus(r.Status)) {
			return domain.ValidationError{{Field: "outcome", Message: fmt.Sprintf("not possible while the application is %s",
				domain.DisclosureStatus(r.Status).Label())}}
		}
		if on.Before(*r.ReceivedOn) {
			return domain.ValidationError{{Field: "decided_on", Message: fmt.Sprintf("must not be before receipt (%s)", r.ReceivedOn)}}
		}
		return c.decide(ctx, q, r, actorOf(v), domain.DisActDecide, o, reply, *on)
	})
	if err != nil {
		return DisclosureView{}, err
	}
	return c.disclosureView(r), nil
}

// decide records an outcome on a locked application.
func (c *Core) decide(ctx context.Context, q *repo.Q, r *repo.DisclosureRequest, who actor, act domain.DisclosureAction, o domain.DisclosureOutcome, reply string, on domain.Date) error {
	now := c.now()
	r.Outcome, r.Reply, r.DecidedOn, r.DecidedAt = ptr(string(o)), reply, &on, &now
	note := fmt.Sprintf("%s 答复:%s", on, o.Label())
	if r.DueOn != nil && on.After(*r.DueOn) {
		note += fmt.Sprintf("(超过答复期限 %s)", r.DueOn)
	}
	return disclosureStep(ctx, q, now, r, who, act, note)
}

// DisclosureQuery is the filter of GET /disclosure-requests.
type DisclosureQuery struct {
	Status, ApplicantType, Outcome string
	Overdue                        *bool
	From, To                       string
}

// ListDisclosure lists applications newest first.
func (c *Core) ListDisclosure(ctx context.Context, v domain.Viewer, f DisclosureQuery, p Page) ([]DisclosureView, *string, error) {
	var ve domain.ValidationError
	oneOf(&ve, "status", f.Status, false, domain.DisclosureStatus(f.Status).Valid(), choicesOf(domain.DisclosureStatuses()))
	oneOf(&ve, "applicant_type", f.ApplicantType, false, domain.ApplicantType(f.ApplicantType).Valid(), choicesOf(domain.ApplicantTypes()))
	oneOf(&ve, "outcome", f.Outcome, false, domain.DisclosureOutcome(f.Outcome).Valid(), choicesOf(domain.DisclosureOutcomes()))
	rf := repo.DisclosureFilter{Status: f.Status, ApplicantType: f.ApplicantType, Outcome: f.Outcome, Overdue: f.Overdue}
	for _, x := range []struct {
		field, s string
		dst      **domain.Date
	}{{"from", f.From, &rf.From}, {"to", f.To, &rf.To}} {
		if x.s == "" {
			continue
		}
		d, err := domain.ParseDate(x.s)
		if err != nil {
			ve.Add(x.field, "a date YYYY-MM-DD")
			continue
		}
		*x.dst = &d
	}
	if err := ve.Err(); err != nil {
		return nil, nil, err
	}
	rows, err := c.store.Q().ListDisclosureRequests(ctx, rf, p.After, p.Limit+1)
	if err != nil {
		return nil, nil, err
	}
	next := p.next(len(rows), func() int64 { return rows[p.Limit-1].ID })
	if len(rows) > p.Limit {
		rows = rows[:p.Limit]
	}
	out := make([]DisclosureView, len(rows))
	for i, r := range rows {
		out[i] = c.disclosureView(r)
	}
	return out, next, nil
}

// GetDisclosure returns an application with its consultations, 补正, fees,
// extensions and timeline.
func (c *Core) GetDisclosure(ctx context.Context, v domain.Viewer, id int64) (DisclosureDetail, error) {
	var out DisclosureDetail
	err := c.store.ReadTx(ctx, func(q *repo.Q) error {
		r, err := q.GetDisclosureRequest(ctx, id)
		if err != nil {
			return notFoundAs(err, "disclosure application")
		}
		out.DisclosureView = c.disclosureView(r)
		if out.Consultations, err = q.Consultations(ctx, id); err != nil {
			return err
		}
		corr, err := q.CorrectionOf(ctx, id)
		switch {
		case err == nil:
			out.Correction = &corr
		case !errors.Is(err, repo.ErrNotFound):
			return err
		}
		if out.Fees, err = q.Fees(ctx, id); err != nil {
			return err
		}
		if out.Extensions, err = q.DisclosureExtensions(ctx, id); err != nil {
			return err
		}
		out.Events, err = q.DisclosureEvents(ctx, id)
		return err
	})
	if out.Consultations == nil {
		out.Consultations = []repo.Consultation{}
	}
	if out.Fees == nil {
		out.Fees = []repo.Fee{}
	}
	if out.Extensions == nil {
		out.Extensions = []repo.DisclosureExtension{}
	}
	return out, err
}

// TrackDisclosure shows an application to the applicant holding its code and
// secret; a wrong secret answers exactly like an unknown code.
func (c *Core) TrackDisclosure(ctx context.Context, code, secret string) (DisclosureTrackView, error) {
	notFound := fmt.Errorf("disclosure code: %w", domain.ErrNotFound)
	if code == "" || len(code) > 40 || secret == "" || len(secret) > 100 {
		return DisclosureTrackView{}, notFound
	}
	r, err := c.store.Q().DisclosureRequestByCode(ctx, strings.ToUpper(code))
	given := sha256.Sum256([]byte(strings.ToUpper(secret)))
	if errors.Is(err, repo.ErrNotFound) || len(r.SecretHash) != len(given) {
		subtle.ConstantTimeCompare(given[:], make([]byte, len(given)))
		return DisclosureTrackView{}, notFound
	}
	if err != nil {
		return DisclosureTrackView{}, err
	}
	if subtle.ConstantTimeCompare(r.SecretHash, given[:]) != 1 {
		return DisclosureTrackView{}, notFound
	}
	out := DisclosureTrackView{Code: r.Code, Status: r.Status, StatusLabel: domain.DisclosureStatus(r.Status).Label(),
		ReceivedOn: r.ReceivedOn, DueOn: r.DueOn, DecidedOn: r.DecidedOn, Reply: r.Reply}
	if r.Outcome != nil {
		out.OutcomeLabel = domain.DisclosureOutcome(*r.Outcome).Label()
	}
	return out, nil
}

// RunDisclosureCheck performs one deadline check on one application if, and
// only if, it has come due and was not done before: the reminder, the
// overdue escalation (both noticed to managers), or the abandonment of an
// application whose supplement or fee did not come in time. It reports
// whether it changed anything; the sweep may call it any number of times.
func (c *Core) RunDisclosureCheck(ctx context.Context, id int64, check string) (bool, error) {
	changed := false
	_, err := c.disclosureAction(ctx, id, func(q *repo.Q, cal *calendar.Calendar, r *repo.DisclosureRequest) error {
		now, today := c.now(), c.today()
		processing := r.Status == string(domain.DisProcessing)
		switch check {
		case repo.DisclosureCheckRemind:
			if !processing || r.RemindAt == nil || r.RemindedAt != nil || r.Overdue || now.Before(*r.RemindAt) {
				return nil
			}
			r.RemindedAt = &now
			msg := fmt.Sprintf("催办:依申请公开 %s 答复期限 %s", r.Code, r.DueOn)
			if err := disclosureStep(ctx, q, now, r, systemActor(), domain.DisActRemind, msg); err != nil {
				return err
			}
			changed = true
			return c.notifyManagers(ctx, q, "disclosure_reminded", msg)
		case repo.DisclosureCheckOverdue:
			if !processing || r.Overdue || r.DueAt == nil || now.Before(*r.DueAt) {
				return nil
			}
			r.Overdue, r.OverdueAt = true, &now
			msg := fmt.Sprintf("督办:依申请公开 %s 已超过答复期限 %s", r.Code, r.DueOn)
			if err := disclosureStep(ctx, q, now, r, systemActor(), domain.DisActOverdue, msg); err != nil {
				return err
			}
			changed = true
			return c.notifyManagers(ctx, q, "disclosure_overdue", msg)
		case repo.DisclosureCheckNoCorrection:
			corr, err := q.CorrectionOf(ctx, r.ID)
			if err != nil || r.Status != string(domain.DisAwaitingCorrection) || corr.ReceivedOn != nil || !corr.ReplyBy.Before(today) {
				return nil
			}
			changed = true
			return c.decide(ctx, q, r, systemActor(), domain.DisActAbandon, domain.OutOtherNoCorrection,
				"申请人无正当理由逾期不补正,视为放弃申请,本机关不再处理该政府信息公开申请。", corr.ReplyBy.AddDays(1))
		case repo.DisclosureCheckNoFee:
			fees, err := q.Fees(ctx, r.ID)
			if err != nil || r.Status != string(domain.DisAwaitingFee) {
				return err
			}
			for _, f := range fees {
				if f.PaidOn == nil && f.PayBy.Before(today) {
					changed = true
					return c.decide(ctx, q, r, systemActor(), domain.DisActAbandon, domain.OutOtherNoFee,
						"申请人逾期未按收费通知要求缴纳费用,视为放弃申请,本机关不再处理该政府信息公开申请。", f.PayBy.AddDays(1))
				}
			}
			return nil
		}
		return fmt.Errorf("unknown disclosure check %q", check)
	})
	if errors.Is(err, domain.ErrNotFound) {
		return false, nil
	}
	return changed, err
}

func (c *Core) notifyManagers(ctx context.Context, q *repo.Q, typ, msg string) error {
	ids, err := q.RoleUserIDs(ctx, string(domain.RoleManager))
	if err != nil {
		return err
	}
	return q.Notify(ctx, ids, nil, typ, msg)
}

// SweepDisclosure runs every disclosure check that has come due; the
// deadline sweep calls it. It returns how many applications it changed.
func (c *Core) SweepDisclosure(ctx context.Context) (int, error) {
	due, err := c.store.Q().DueDisclosureChecks(ctx, c.now(), c.today(), 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		changed, err := c.RunDisclosureCheck(ctx, d.RequestID, d.Check)
		if err != nil {
			return n, fmt.Errorf("disclosure check %s of %d: %w", d.Check, d.RequestID, err)
		}
		if changed {
			n++
		}
	}
	return n, nil
}
