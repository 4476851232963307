package repo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"hotline/domain"
)

// Named errors of the disclosure tables.
var (
	ErrDisclosureCodeTaken = errors.New("disclosure code already taken")
	ErrCorrectionTaken     = errors.New("a correction was already asked for this application")
	ErrFeeOpen             = errors.New("an unpaid fee notice is already open")
	ErrExtensionOpen       = errors.New("an extension is already pending or approved")
	ErrNoSuchRequest       = errors.New("no such disclosure application")
)

// DisclosureRequest is a row of disclosure_requests.
type DisclosureRequest struct {
	ID            int64        `db:"id"`
	Code          string       `db:"code"`
	SecretHash    []byte       `db:"secret_hash"`
	Status        string       `db:"status"`
	ApplicantType string       `db:"applicant_type"`
	ApplicantName string       `db:"applicant_name"`
	IDNumber      string       `db:"id_number"`
	OrgName       string       `db:"org_name"`
	Phone         string       `db:"phone"`
	Email         string       `db:"email"`
	Address       string       `db:"address"`
	Description   string       `db:"description"`
	Purpose       string       `db:"purpose"`
	DeliveryForm  string       `db:"delivery_form"`
	SubmittedVia  string       `db:"submitted_via"`
	ReceivedOn    *domain.Date `db:"received_on"`
	ClockStartOn  *domain.Date `db:"clock_start_on"`
	OriginalDueOn *domain.Date `db:"original_due_on"`
	DueOn         *domain.Date `db:"due_on"`
	DueAt         *time.Time   `db:"due_at"`
	RemindAt      *time.Time   `db:"remind_at"`
	RemindedAt    *time.Time   `db:"reminded_at"`
	Overdue       bool         `db:"overdue"`
	OverdueAt     *time.Time   `db:"overdue_at"`
	ExtensionDays int          `db:"extension_days"`
	Outcome       *string      `db:"outcome"`
	Reply         string       `db:"reply"`
	DecidedOn     *domain.Date `db:"decided_on"`
	DecidedAt     *time.Time   `db:"decided_at"`
	CreatedBy     *int64       `db:"created_by"`
	CreatedAt     time.Time    `db:"created_at"`
	IdemScope     *string      `db:"idem_scope"`
	IdemKey       *string      `db:"idem_key"`
}

const disclosureCols = `id, code, secret_hash, status, applicant_type, applicant_name, id_number, org_name, phone,
	email, address, description, purpose, delivery_form, submitted_via, received_on, clock_start_on, original_due_on,
	due_on, due_at, remind_at, reminded_at, overdue, overdue_at, extension_days, outcome, reply, decided_on,
	decided_at, created_by, created_at, idem_scope, idem_key`

// InsertDisclosureRequest stores a new application. When its idempotency key
// was used before, nothing is stored and the earlier application is returned
// with created false. The request's Idempotency-Key, if any, is stored with
// it. A tracking code in use is ErrDisclosureCodeTaken.
func (q *Q) InsertDisclosureRequest(ctx context.Context, r DisclosureRequest) (DisclosureRequest, bool, error) {
	if c := idemClaimFrom(ctx); c != nil && r.IdemKey == nil {
		r.IdemScope, r.IdemKey = &c.Scope, &c.Key
	}
	var out DisclosureRequest
	err := sqlxGet(ctx, q, "insert disclosure request", &out, `INSERT INTO disclosure_requests (code, secret_hash, status, applicant_type,
			applicant_name, id_number, org_name, phone, email, address, description, purpose, delivery_form,
			submitted_via, received_on, clock_start_on, original_due_on, due_on, due_at, remind_at, created_by,
			created_at, idem_scope, idem_key)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24)
		ON CONFLICT (idem_scope, idem_key) DO NOTHING RETURNING `+disclosureCols,
		r.Code, r.SecretHash, r.Status, r.ApplicantType, r.ApplicantName, r.IDNumber, r.OrgName, r.Phone, r.Email,
		r.Address, r.Description, r.Purpose, r.DeliveryForm, r.SubmittedVia, r.ReceivedOn, r.ClockStartOn,
		r.OriginalDueOn, r.DueOn, r.DueAt, r.RemindAt, r.CreatedBy, r.CreatedAt, r.IdemScope, r.IdemKey)
	if errors.Is(err, ErrNotFound) && r.IdemScope != nil && r.IdemKey != nil {
		err = sqlxGet(ctx, q, "insert disclosure request", &out, `SELECT `+disclosureCols+` FROM disclosure_requests
			WHERE idem_scope = $1 AND idem_key = $2`, *r.IdemScope, *r.IdemKey)
		return out, false, wrapDisclosure(err, "read the application of an idempotency key")
	}
	if c, ok := IsUniqueViolation(err); ok && c == "disclosure_requests_code_key" {
		return out, false, ErrDisclosureCodeTaken
	}
	if err == nil {
		q.created(ctx, "disclosure_request", out.ID)
	}
	return out, err == nil, wrapDisclosure(err, "store disclosure application")
}

func wrapDisclosure(err error, what string) error {
	if err == nil || errors.Is(err, ErrNotFound) {
		return err
	}
	return fmt.Errorf("%s: %w", what, err)
}

// LockDisclosureRequest reads an application for update.
func (q *Q) LockDisclosureRequest(ctx context.Context, id int64) (DisclosureRequest, error) {
	var r DisclosureRequest
	err := sqlxGet(ctx, q, "lock disclosure request", &r, `SELECT `+disclosureCols+` FROM disclosure_requests WHERE id = $1 FOR UPDATE`, id)
	return r, wrapDisclosure(err, "lock disclosure application")
}

// GetDisclosureRequest reads an application.
func (q *Q) GetDisclosureRequest(ctx context.Context, id int64) (DisclosureRequest, error) {
	var r DisclosureRequest
	err := sqlxGet(ctx, q, "get disclosure request", &r, `SELECT `+disclosureCols+` FROM disclosure_requests WHERE id = $1`, id)
	return r, wrapDisclosure(err, "read disclosure application")
}

// DisclosureRequestByCode reads an application by its tracking code.
func (q *Q) DisclosureRequestByCode(ctx context.Context, code string) (DisclosureRequest, error) {
	var r DisclosureRequest
	err := sqlxGet(ctx, q, "disclosure request by code", &r, `SELECT `+disclosureCols+` FROM disclosure_requests WHERE code = $1`, code)
	return r, wrapDisclosure(err, "read disclosure application by code")
}

// SetDisclosureSecret replaces the hash of an application's secret.
func (q *Q) SetDisclosureSecret(ctx context.Context, id int64, hash []byte) error {
	_, err := q.x.ExecContext(ctx, `UPDATE disclosure_requests SET secret_hash = $2 WHERE id = $1`, id, hash)
	return wrapDisclosure(err, "set disclosure secret")
}

// SaveDisclosureRequest writes the fields that change after intake.
func (q *Q) SaveDisclosureRequest(ctx context.Context, r DisclosureRequest) error {
	_, err := q.x.ExecContext(ctx, `UPDATE disclosure_requests SET status = $2, received_on = $3,
			clock_start_on = $4, original_due_on = $5, due_on = $6, due_at = $7, remind_at = $8, reminded_at = $9,
			overdue = $10, overdue_at = $11, extension_days = $12, outcome = $13, reply = $14, decided_on = $15,
			decided_at = $16
		WHERE id = $1`,
		r.ID, r.Status, r.ReceivedOn, r.ClockStartOn, r.OriginalDueOn, r.DueOn, r.DueAt, r.RemindAt, r.RemindedAt,
		r.Overdue, r.OverdueAt, r.ExtensionDays, r.Outcome, r.Reply, r.DecidedOn, r.DecidedAt)
	return wrapDisclosure(err, "save disclosure application")
}

// DisclosureFilter is the filter of the list.
type DisclosureFilter struct {
	Status, ApplicantType, Outcome string
	Overdue                        *bool
	From, To                       *domain.Date // received_on in [From, To)
}

// ListDisclosureRequests lists applications newest first, before the id
// afterID (0: from the newest), at most limit.
func (q *Q) ListDisclosureRequests(ctx context.Context, f DisclosureFilter, afterID int64, limit int) ([]DisclosureRequest, error) {
	var out []DisclosureRequest
	err := sqlxSelect(ctx, q, "list disclosure requests", &out, `SELECT `+disclosureCols+` FROM disclosure_requests
		WHERE ($1 = '' OR status = $1) AND ($2 = '' OR applicant_type = $2) AND ($3 = '' OR outcome = $3)
			AND ($4::boolean IS NULL OR overdue = $4) AND ($5::date IS NULL OR received_on >= $5)
			AND ($6::date IS NULL OR received_on < $6) AND ($7 = 0 OR id < $7)
		ORDER BY id DESC LIMIT $8`,
		f.Status, f.ApplicantType, f.Outcome, f.Overdue, f.From, f.To, afterID, limit)
	return out, wrapDisclosure(err, "list disclosure applications")
}

// DisclosureEvent is a row of an application's timeline.
type DisclosureEvent struct {
	ID         int64     `db:"id" json:"id"`
	RequestID  int64     `db:"request_id" json:"-"`
	At         time.Time `db:"at" json:"at"`
	ActorID    *int64    `db:"actor_id" json:"actor_id"`
	Actor      string    `db:"actor" json:"actor"`
	Action     string    `db:"action" json:"action"`
	FromStatus *string   `db:"from_status" json:"from_status"`
	ToStatus   *string   `db:"to_status" json:"to_status"`
	Note       string    `db:"note" json:"note"`
}

// AppendDisclosureEvent adds an event to an application's timeline.
func (q *Q) AppendDisclosureEvent(ctx context.Context, e DisclosureEvent) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO disclosure_events (request_id, at, actor_id, actor, action,
		from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		e.RequestID, e.At, e.ActorID, e.Actor, e.Action, e.FromStatus, e.ToStatus, e.Note)
	return wrapDisclosure(err, "append disclosure event "+e.Action)
}

// DisclosureEvents is an application's timeline, oldest first.
func (q *Q) DisclosureEvents(ctx context.Context, id int64) ([]DisclosureEvent, error) {
	var out []DisclosureEvent
	err := sqlxSelect(ctx, q, "disclosure events", &out, `SELECT id, request_id, at, actor_id, actor, action, from_status, to_status, note
		FROM disclosure_events WHERE request_id = $1 ORDER BY id`, id)
	return out, wrapDisclosure(err, "read disclosure timeline")
}

// Consultation is a row of disclosure_consultations.
type Consultation struct {
	ID         int64        `db:"id" json:"id"`
	RequestID  int64        `db:"request_id" json:"-"`
	Party      string       `db:"party" json:"party"`
	SentOn     domain.Date  `db:"sent_on" json:"sent_on"`
	AnsweredOn *domain.Date `db:"answered_on" json:"answered_on"`
	Consents   *bool        `db:"consents" json:"consents"`
}

// InsertConsultation stores a consultation.
func (q *Q) InsertConsultation(ctx context.Context, c Consultation) (Consultation, error) {
	err := sqlxGet(ctx, q, "insert consultation", &c, `INSERT INTO disclosure_consultations (request_id, party, sent_on)
		VALUES ($1, $2, $3) RETURNING id, request_id, party, sent_on, answered_on, consents`, c.RequestID, c.Party, c.SentOn)
	if err == nil {
		q.created(ctx, "disclosure_consultation", c.ID)
	}
	return c, wrapDisclosure(err, "store consultation")
}

// Consultations lists an application's consultations.
func (q *Q) Consultations(ctx context.Context, requestID int64) ([]Consultation, error) {
	var out []Consultation
	err := sqlxSelect(ctx, q, "consultations", &out, `SELECT id, request_id, party, sent_on, answered_on, consents
		FROM disclosure_consultations WHERE request_id = $1 ORDER BY id`, requestID)
	return out, wrapDisclosure(err, "read consultations")
}

// AnswerConsultation records an answer once; ErrNotFound when the
// consultation is not the application's or was answered already.
func (q *Q) AnswerConsultation(ctx context.Context, requestID, id int64, on domain.Date, consents *bool) (Consultation, error) {
	var c Consultation
	err := sqlxGet(ctx, q, "answer consultation", &c, `UPDATE disclosure_consultations SET answered_on = $3, consents = $4
		WHERE id = $2 AND request_id = $1 AND answered_on IS NULL
		RETURNING id, request_id, party, sent_on, answered_on, consents`, requestID, id, on, consents)
	return c, wrapDisclosure(err, "answer consultation")
}

// Correction is a row of disclosure_corrections.
type Correction struct {
	ID         int64        `db:"id" json:"id"`
	RequestID  int64        `db:"request_id" json:"-"`
	AskedOn    domain.Date  `db:"asked_on" json:"asked_on"`
	What       string       `db:"what" json:"what"`
	ReplyBy    domain.Date  `db:"reply_by" json:"reply_by"`
	ReceivedOn *domain.Date `db:"received_on" json:"received_on"`
}

const correctionCols = `id, request_id, asked_on, what, reply_by, received_on`

// InsertCorrection stores the one 补正 of an application; a second is
// ErrCorrectionTaken.
func (q *Q) InsertCorrection(ctx context.Context, c Correction) (Correction, error) {
	err := sqlxGet(ctx, q, "insert correction", &c, `INSERT INTO disclosure_corrections (request_id, asked_on, what, reply_by)
		VALUES ($1, $2, $3, $4) RETURNING `+correctionCols, c.RequestID, c.AskedOn, c.What, c.ReplyBy)
	if k, ok := IsUniqueViolation(err); ok && k == "disclosure_corrections_once" {
		return c, ErrCorrectionTaken
	}
	if err == nil {
		q.created(ctx, "disclosure_correction", c.ID)
	}
	return c, wrapDisclosure(err, "store correction")
}

// CorrectionOf reads an application's 补正 (ErrNotFound when none).
func (q *Q) CorrectionOf(ctx context.Context, requestID int64) (Correction, error) {
	var c Correction
	err := sqlxGet(ctx, q, "correction of", &c, `SELECT `+correctionCols+` FROM disclosure_corrections WHERE request_id = $1`, requestID)
	return c, wrapDisclosure(err, "read correction")
}

// ReceiveCorrection records the supplement's arrival once; ErrNotFound when
// the correction is not the application's or was received already.
func (q *Q) ReceiveCorrection(ctx context.Context, requestID, id int64, on domain.Date) (Correction, error) {
	var c Correction
	err := sqlxGet(ctx, q, "receive correction", &c, `UPDATE disclosure_corrections SET received_on = $3
		WHERE id = $2 AND request_id = $1 AND received_on IS NULL RETURNING `+correctionCols, requestID, id, on)
	return c, wrapDisclosure(err, "receive correction")
}

// Fee is a row of disclosure_fees.
type Fee struct {
	ID         int64        `db:"id" json:"id"`
	RequestID  int64        `db:"request_id" json:"-"`
	NotifiedOn domain.Date  `db:"notified_on" json:"notified_on"`
	AmountYuan float64      `db:"amount_yuan" json:"amount_yuan"`
	PayBy      domain.Date  `db:"pay_by" json:"pay_by"`
	PaidOn     *domain.Date `db:"paid_on" json:"paid_on"`
}

const feeCols = `id, request_id, notified_on, amount_yuan, pay_by, paid_on`

// InsertFee stores a fee notice; a second unpaid one is ErrFeeOpen.
func (q *Q) InsertFee(ctx context.Context, f Fee) (Fee, error) {
	err := sqlxGet(ctx, q, "insert fee", &f, `INSERT INTO disclosure_fees (request_id, notified_on, amount_yuan, pay_by)
		VALUES ($1, $2, $3, $4) RETURNING `+feeCols, f.RequestID, f.NotifiedOn, f.AmountYuan, f.PayBy)
	if k, ok := IsUniqueViolation(err); ok && k == "disclosure_fees_one_open" {
		return f, ErrFeeOpen
	}
	if err == nil {
		q.created(ctx, "disclosure_fee", f.ID)
	}
	return f, wrapDisclosure(err, "store fee notice")
}

// Fees lists an application's fee notices.
func (q *Q) Fees(ctx context.Context, requestID int64) ([]Fee, error) {
	var out []Fee
	err := sqlxSelect(ctx, q, "fees", &out, `SELECT `+feeCols+` FROM disclosure_fees WHERE request_id = $1 ORDER BY id`, requestID)
	return out, wrapDisclosure(err, "read fee notices")
}

// PayFee records a payment once; ErrNotFound when the notice is not the
// application's or was paid already.
func (q *Q) PayFee(ctx context.Context, requestID, id int64, on domain.Date) (Fee, error) {
	var f Fee
	err := sqlxGet(ctx, q, "pay fee", &f, `UPDATE disclosure_fees SET paid_on = $3
		WHERE id = $2 AND request_id = $1 AND paid_on IS NULL RETURNING `+feeCols, requestID, id, on)
	return f, wrapDisclosure(err, "record fee payment")
}

// DisclosureExtension is a row of disclosure_extensions.
type DisclosureExtension struct {
	ID           int64      `db:"id" json:"id"`
	RequestID    int64      `db:"request_id" json:"request_id"`
	Workdays     int        `db:"workdays" json:"workdays"`
	Reason       string     `db:"reason" json:"reason"`
	Status       string     `db:"status" json:"status"`
	RequestedBy  int64      `db:"requested_by" json:"requested_by"`
	DecidedBy    *int64     `db:"decided_by" json:"decided_by"`
	DecidedAt    *time.Time `db:"decided_at" json:"decided_at"`
	DecisionNote string     `db:"decision_note" json:"decision_note"`
	CreatedAt    time.Time  `db:"created_at" json:"created_at"`
}

const extCols = `id, request_id, workdays, reason, status, requested_by, decided_by, decided_at, decision_note, created_at`

// InsertDisclosureExtension stores a pending extension; one pending or
// approved already is ErrExtensionOpen.
func (q *Q) InsertDisclosureExtension(ctx context.Context, e DisclosureExtension) (DisclosureExtension, error) {
	err := sqlxGet(ctx, q, "insert disclosure extension", &e, `INSERT INTO disclosure_extensions (request_id, workdays, reason, status, requested_by)
		VALUES ($1, $2, $3, 'pending', $4) RETURNING `+extCols, e.RequestID, e.Workdays, e.Reason, e.RequestedBy)
	if k, ok := IsUniqueViolation(err); ok && k == "disclosure_extensions_one_open" {
		return e, ErrExtensionOpen
	}
	if err == nil {
		q.created(ctx, "disclosure_extension", e.ID)
	}
	return e, wrapDisclosure(err, "store extension")
}

// DisclosureExtensions lists an application's extensions.
func (q *Q) DisclosureExtensions(ctx context.Context, requestID int64) ([]DisclosureExtension, error) {
	var out []DisclosureExtension
	err := sqlxSelect(ctx, q, "disclosure extensions", &out, `SELECT `+extCols+` FROM disclosure_extensions WHERE request_id = $1 ORDER BY id`, requestID)
	return out, wrapDisclosure(err, "read extensions")
}

// DecideDisclosureExtension approves or rejects a pending extension;
// ErrNotFound when it is not the application's or not pending.
func (q *Q) DecideDisclosureExtension(ctx context.Context, requestID, id int64, status string, by int64, at time.Time, note string) (DisclosureExtension, error) {
	var e DisclosureExtension
	err := sqlxGet(ctx, q, "decide disclosure extension", &e, `UPDATE disclosure_extensions SET status = $3, decided_by = $4, decided_at = $5,
			decision_note = $6
		WHERE id = $2 AND request_id = $1 AND status = 'pending' RETURNING `+extCols, requestID, id, status, by, at, note)
	return e, wrapDisclosure(err, "decide extension")
}

// DisclosureCase is a row of disclosure_cases.
type DisclosureCase struct {
	ID        int64           `db:"id" json:"id"`
	RequestID *int64          `db:"request_id" json:"request_id"`
	Kind      domain.CaseKind `db:"kind" json:"kind"`
	FiledOn   domain.Date     `db:"filed_on" json:"filed_on"`
	Result    *string         `db:"result" json:"result"`
	Note      string          `db:"note" json:"note"`
	CreatedBy *int64          `db:"created_by" json:"-"`
	CreatedAt time.Time       `db:"created_at" json:"created_at"`
	UpdatedAt time.Time       `db:"updated_at" json:"updated_at"`
}

const caseCols = `id, request_id, kind, filed_on, result, note, created_by, created_at, updated_at`

func caseErr(err error, what string) error {
	if _, ok := IsForeignKeyViolation(err); ok {
		return ErrNoSuchRequest
	}
	return wrapDisclosure(err, what)
}

// InsertDisclosureCase stores a case; an unknown application is
// ErrNoSuchRequest.
func (q *Q) InsertDisclosureCase(ctx context.Context, c DisclosureCase) (DisclosureCase, error) {
	err := sqlxGet(ctx, q, "insert disclosure case", &c, `INSERT INTO disclosure_cases (request_id, kind, filed_on, result, note, created_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+caseCols, c.RequestID, c.Kind, c.FiledOn, c.Result, c.Note, c.CreatedBy)
	if err == nil {
		q.created(ctx, "disclosure_case", c.ID)
	}
	return c, caseErr(err, "store case")
}

// LockDisclosureCase reads a case for update.
func (q *Q) LockDisclosureCase(ctx context.Context, id int64) (DisclosureCase, error) {
	var c DisclosureCase
	err := sqlxGet(ctx, q, "lock disclosure case", &c, `SELECT `+caseCols+` FROM disclosure_cases WHERE id = $1 FOR UPDATE`, id)
	return c, wrapDisclosure(err, "lock case")
}

// SaveDisclosureCase writes a case's fields.
func (q *Q) SaveDisclosureCase(ctx context.Context, c DisclosureCase) (DisclosureCase, error) {
	err := sqlxGet(ctx, q, "save disclosure case", &c, `UPDATE disclosure_cases SET request_id = $2, kind = $3, filed_on = $4, result = $5,
		note = $6, updated_at = now() WHERE id = $1 RETURNING `+caseCols, c.ID, c.RequestID, c.Kind, c.FiledOn, c.Result, c.Note)
	return c, caseErr(err, "save case")
}

// ListDisclosureCases lists cases newest first, filed in [from, to) when
// given, before afterID.
func (q *Q) ListDisclosureCases(ctx context.Context, from, to *domain.Date, afterID int64, limit int) ([]DisclosureCase, error) {
	var out []DisclosureCase
	err := sqlxSelect(ctx, q, "list disclosure cases", &out, `SELECT `+caseCols+` FROM disclosure_cases
		WHERE ($1::date IS NULL OR filed_on >= $1) AND ($2::date IS NULL OR filed_on < $2) AND ($3 = 0 OR id < $3)
		ORDER BY id DESC LIMIT $4`, from, to, afterID, limit)
	return out, wrapDisclosure(err, "list cases")
}

// DisclosureRecords are the applications table 三 of a year may count: with
// a receipt day by 31 December and not decided before 1 January.
func (q *Q) DisclosureRecords(ctx context.Context, year int) ([]domain.DisclosureRecord, error) {
	var rows []struct {
		ApplicantType string       `db:"applicant_type"`
		ReceivedOn    domain.Date  `db:"received_on"`
		DecidedOn     *domain.Date `db:"decided_on"`
		Outcome       *string      `db:"outcome"`
	}
	err := sqlxSelect(ctx, q, "disclosure records", &rows, `SELECT applicant_type, received_on, decided_on, outcome FROM disclosure_requests
		WHERE received_on IS NOT NULL AND received_on <= $2 AND (decided_on IS NULL OR decided_on >= $1)`,
		domain.Date{Year: year, Month: 1, Day: 1}, domain.Date{Year: year, Month: 12, Day: 31})
	if err != nil {
		return nil, wrapDisclosure(err, "read the year's applications")
	}
	out := make([]domain.DisclosureRecord, len(rows))
	for i, r := range rows {
		out[i] = domain.DisclosureRecord{ApplicantType: domain.ApplicantType(r.ApplicantType), ReceivedOn: r.ReceivedOn,
			DecidedOn: r.DecidedOn}
		if r.Outcome != nil {
			out[i].Outcome = domain.DisclosureOutcome(*r.Outcome)
		}
	}
	return out, nil
}

// DisclosureCaseRecords are the cases filed in a year.
func (q *Q) DisclosureCaseRecords(ctx context.Context, year int) ([]domain.DisclosureCaseRecord, error) {
	var rows []struct {
		Kind    string      `db:"kind"`
		FiledOn domain.Date `db:"filed_on"`
		Result  *string     `db:"result"`
	}
	err := sqlxSelect(ctx, q, "disclosure case records", &rows, `SELECT kind, filed_on, result FROM disclosure_cases
		WHERE filed_on >= $1 AND filed_on <= $2`,
		domain.Date{Year: year, Month: 1, Day: 1}, domain.Date{Year: year, Month: 12, Day: 31})
	if err != nil {
		return nil, wrapDisclosure(err, "read the year's cases")
	}
	out := make([]domain.DisclosureCaseRecord, len(rows))
	for i, r := range rows {
		out[i] = domain.DisclosureCaseRecord{Kind: domain.CaseKind(r.Kind), FiledOn: r.FiledOn}
		if r.Result != nil {
			out[i].Result = domain.CaseResult(*r.Result)
		}
	}
	return out, nil
}

// ActiveFigures is table 二 of a year (主动公开), entered by hand.
type ActiveFigures struct {
	Year                 int     `db:"year"`
	RegulationsIssued    int64   `db:"regulations_issued"`
	RegulationsRepealed  int64   `db:"regulations_repealed"`
	RegulationsInForce   int64   `db:"regulations_in_force"`
	NormativeIssued      int64   `db:"normative_issued"`
	NormativeRepealed    int64   `db:"normative_repealed"`
	NormativeInForce     int64   `db:"normative_in_force"`
	LicensingDecisions   int64   `db:"licensing_decisions"`
	PenaltyDecisions     int64   `db:"penalty_decisions"`
	EnforcementDecisions int64   `db:"enforcement_decisions"`
	Fees10kYuan          float64 `db:"fees_10k_yuan"`
	UpdatedBy            *int64  `db:"updated_by"`
}

// PutActiveFigures stores a year's table 二.
func (q *Q) PutActiveFigures(ctx context.Context, a ActiveFigures) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO disclosure_active_figures (year, regulations_issued,
			regulations_repealed, regulations_in_force, normative_issued, normative_repealed, normative_in_force,
			licensing_decisions, penalty_decisions, enforcement_decisions, fees_10k_yuan, updated_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
		ON CONFLICT (year) DO UPDATE SET regulations_issued = $2, regulations_repealed = $3,
			regulations_in_force = $4, normative_issued = $5, normative_repealed = $6, normative_in_force = $7,
			licensing_decisions = $8, penalty_decisions = $9, enforcement_decisions = $10, fees_10k_yuan = $11,
			updated_by = $12, updated_at = now()`,
		a.Year, a.RegulationsIssued, a.RegulationsRepealed, a.RegulationsInForce, a.NormativeIssued,
		a.NormativeRepealed, a.NormativeInForce, a.LicensingDecisions, a.PenaltyDecisions, a.EnforcementDecisions,
		a.Fees10kYuan, a.UpdatedBy)
	return wrapDisclosure(err, "store table 二 figures")
}

// GetActiveFigures reads a year's table 二 (ErrNotFound when not entered).
func (q *Q) GetActiveFigures(ctx context.Context, year int) (ActiveFigures, error) {
	var a ActiveFigures
	err := sqlxGet(ctx, q, "get active figures", &a, `SELECT year, regulations_issued, regulations_repealed, regulations_in_force,
		normative_issued, normative_repealed, normative_in_force, licensing_decisions, penalty_decisions,
		enforcement_decisions, fees_10k_yuan, updated_by FROM disclosure_active_figures WHERE year = $1`, year)
	return a, wrapDisclosure(err, "read table 二 figures")
}

// ReportTexts are sections 五 and 六 of a year's report.
type ReportTexts struct {
	Year         int    `db:"year"`
	ProblemsText string `db:"problems_text"`
	OtherText    string `db:"other_text"`
}

// PutReportTexts stores a year's sections 五 and 六.
func (q *Q) PutReportTexts(ctx context.Context, t ReportTexts, by int64) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO disclosure_report_texts (year, problems_text, other_text, updated_by)
		VALUES ($1, $2, $3, $4) ON CONFLICT (year) DO UPDATE SET problems_text = $2, other_text = $3,
			updated_by = $4, updated_at = now()`, t.Year, t.ProblemsText, t.OtherText, by)
	return wrapDisclosure(err, "store report texts")
}

// GetReportTexts reads a year's sections 五 and 六 (empty when not written).
func (q *Q) GetReportTexts(ctx context.Context, year int) (ReportTexts, error) {
	t := ReportTexts{Year: year}
	err := sqlxGet(ctx, q, "get report texts", &t, `SELECT year, problems_text, other_text FROM disclosure_report_texts WHERE year = $1`, year)
	if errors.Is(err, ErrNotFound) {
		return t, nil
	}
	return t, wrapDisclosure(err, "read report texts")
}

// The checks the sweep runs on applications.
const (
	DisclosureCheckRemind       = "remind"
	DisclosureCheckOverdue      = "overdue"
	DisclosureCheckNoCorrection = "no_correction"
	DisclosureCheckNoFee        = "no_fee"
)

// DueDisclosureCheck is one check that has come due.
type DueDisclosureCheck struct {
	RequestID int64  `db:"request_id"`
	Check     string `db:"check_name"`
}

// DueDisclosureChecks finds the reminders, overdue checks and abandonments
// that have come due: times at or before now; a 补正 or fee whose last day is
// before today.
func (q *Q) DueDisclosureChecks(ctx context.Context, now time.Time, today domain.Date, limit int) ([]DueDisclosureCheck, error) {
	var out []DueDisclosureCheck
	err := sqlxSelect(ctx, q, "due disclosure checks", &out, `
		(SELECT id AS request_id, 'overdue' AS check_name FROM disclosure_requests
			WHERE status = 'processing' AND NOT overdue AND due_at <= $1 ORDER BY due_at LIMIT $3)
		UNION ALL
		(SELECT id, 'remind' FROM disclosure_requests
			WHERE status = 'processing' AND reminded_at IS NULL AND NOT overdue AND remind_at <= $1
			ORDER BY remind_at LIMIT $3)
		UNION ALL
		(SELECT r.id, 'no_correction' FROM disclosure_requests r JOIN disclosure_corrections c ON c.request_id = r.id
			WHERE r.status = 'awaiting_correction' AND c.received_on IS NULL AND c.reply_by < $2 LIMIT $3)
		UNION ALL
		(SELECT r.id, 'no_fee' FROM disclosure_requests r JOIN disclosure_fees f ON f.request_id = r.id
			WHERE r.status = 'awaiting_fee' AND f.paid_on IS NULL AND f.pay_by < $2 LIMIT $3)`, now, today, limit)
	return out, wrapDisclosure(err, "find due disclosure checks")
}
