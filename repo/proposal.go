package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// Named errors of the proposal tables.
var (
	// ErrProposalDuplicate: a proposal of the same type, session and number
	// is already stored.
	ErrProposalDuplicate = errors.New("a proposal with this session and number exists")
	// ErrProposalUnit: the lead unit does not exist.
	ErrProposalUnit = errors.New("no such unit")
	// ErrAnswerPending: the proposal already has an answer waiting for
	// approval.
	ErrAnswerPending = errors.New("an answer is already waiting for approval")
)

// Proposal is a row of proposals.
type Proposal struct {
	ID                int64          `db:"id"`
	Type              string         `db:"type"`
	Session           string         `db:"session"`
	Number            string         `db:"number"`
	Title             string         `db:"title"`
	Content           string         `db:"content"`
	LeadAuthor        string         `db:"lead_author"`
	CoAuthors         pq.StringArray `db:"co_authors"`
	RaisedDuring      *string        `db:"raised_during"`
	AssignedOn        time.Time      `db:"assigned_on"`
	OurRole           string         `db:"our_role"`
	LeadUnitCode      string         `db:"lead_unit_code"`
	CoUnitCodes       pq.StringArray `db:"co_unit_codes"`
	Key               bool           `db:"key"`
	Status            string         `db:"status"`
	DueOn             time.Time      `db:"due_on"`
	OriginalDueOn     time.Time      `db:"original_due_on"`
	OpinionDueOn      *time.Time     `db:"opinion_due_on"`
	BaseMonths        int            `db:"base_months"`
	ExtensionMonths   int            `db:"extension_months"`
	Rehandled         int            `db:"rehandled"`
	RemindedFor       *time.Time     `db:"reminded_for"`
	EscalatedFor      *time.Time     `db:"escalated_for"`
	OpinionsEscalated bool           `db:"opinions_escalated"`
	PublishedAt       *time.Time     `db:"published_at"`
	PublishedAnswerID *int64         `db:"published_answer_id"`
	PublishedBody     *string        `db:"published_body"`
	CreatedBy         *int64         `db:"created_by"`
	CreatedAt         time.Time      `db:"created_at"`
	UpdatedAt         time.Time      `db:"updated_at"`
}

const proposalCols = `id, type, session, number, title, content, lead_author, co_authors, raised_during, assigned_on,
	our_role, lead_unit_code, co_unit_codes, key, status, due_on, original_due_on, opinion_due_on, base_months,
	extension_months, rehandled, reminded_for, escalated_for, opinions_escalated, published_at, published_answer_id,
	published_body, created_by, created_at, updated_at`

// InsertProposal stores a new proposal.
func (q *Q) InsertProposal(ctx context.Context, p Proposal) (Proposal, error) {
	var out Proposal
	err := sqlxGet(ctx, q, "insert proposal", &out, `INSERT INTO proposals (type, session, number, title, content, lead_author, co_authors,
		raised_during, assigned_on, our_role, lead_unit_code, co_unit_codes, key, status, due_on, original_due_on,
		opinion_due_on, base_months, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16, $17, $18, $19, $19)
		RETURNING `+proposalCols,
		p.Type, p.Session, p.Number, p.Title, p.Content, p.LeadAuthor, p.CoAuthors, p.RaisedDuring, p.AssignedOn,
		p.OurRole, p.LeadUnitCode, p.CoUnitCodes, p.Key, p.Status, p.DueOn, p.OpinionDueOn, p.BaseMonths,
		p.CreatedBy, p.CreatedAt)
	if c, ok := IsUniqueViolation(err); ok && c == "proposals_number_key" {
		return out, ErrProposalDuplicate
	}
	if c, ok := IsForeignKeyViolation(err); ok && c == "proposals_lead_unit_code_fkey" {
		return out, ErrProposalUnit
	}
	if err != nil {
		return out, fmt.Errorf("store proposal: %w", err)
	}
	if err == nil {
		q.created(ctx, "proposal", out.ID)
	}
	return out, nil
}

// GetProposal reads a proposal.
func (q *Q) GetProposal(ctx context.Context, id int64) (Proposal, error) {
	var p Proposal
	err := sqlxGet(ctx, q, "get proposal", &p, `SELECT `+proposalCols+` FROM proposals WHERE id = $1`, id)
	return p, err
}

// LockProposal reads a proposal and locks its row for the transaction.
func (q *Q) LockProposal(ctx context.Context, id int64) (Proposal, error) {
	var p Proposal
	err := sqlxGet(ctx, q, "lock proposal", &p, `SELECT `+proposalCols+` FROM proposals WHERE id = $1 FOR UPDATE`, id)
	return p, err
}

// SaveProposal writes the fields that actions change.
func (q *Q) SaveProposal(ctx context.Context, p Proposal) error {
	_, err := q.x.ExecContext(ctx, `UPDATE proposals SET status = $2, due_on = $3, extension_months = $4, rehandled = $5,
		reminded_for = $6, escalated_for = $7, opinions_escalated = $8, published_at = $9, published_answer_id = $10,
		published_body = $11, updated_at = now() WHERE id = $1`,
		p.ID, p.Status, p.DueOn, p.ExtensionMonths, p.Rehandled, p.RemindedFor, p.EscalatedFor, p.OpinionsEscalated,
		p.PublishedAt, p.PublishedAnswerID, p.PublishedBody)
	if err != nil {
		return fmt.Errorf("save proposal %d: %w", p.ID, err)
	}
	return nil
}

// ProposalFilter is the filter of the proposal list. Zero values do not
// filter.
type ProposalFilter struct {
	Type, OurRole, Status string
	// Overdue: open proposals whose due date is before Today (true), or the
	// others (false).
	Overdue *bool
	Today   time.Time
	Year    int
	// Q is text in the title, content, number or an author's name.
	Q string
	// ScopeUnit limits the list to proposals the unit leads or joins.
	ScopeUnit string
	BeforeID  int64
	Limit     int
}

// ListProposals returns proposals newest first, before the cursor id.
func (q *Q) ListProposals(ctx context.Context, f ProposalFilter) ([]Proposal, error) {
	pattern := ""
	if f.Q != "" {
		pattern = "%" + escapeLike(f.Q) + "%"
	}
	var out []Proposal
	err := sqlxSelect(ctx, q, "list proposals", &out, `SELECT `+proposalCols+` FROM proposals
		WHERE ($1 = '' OR type = $1) AND ($2 = '' OR our_role = $2) AND ($3 = '' OR status = $3)
			AND ($4::boolean IS NULL OR (status IN ('handling', 'rehandling') AND due_on < $5::date) = $4::boolean)
			AND ($6 = 0 OR (assigned_on >= make_date($6, 1, 1) AND assigned_on < make_date($6 + 1, 1, 1)))
			AND ($7 = '' OR title ILIKE $7 OR content ILIKE $7 OR number ILIKE $7 OR lead_author ILIKE $7
				OR array_to_string(co_authors, ' ') ILIKE $7)
			AND ($8 = '' OR lead_unit_code = $8 OR $8 = ANY(co_unit_codes))
			AND ($9 = 0 OR id < $9)
		ORDER BY id DESC LIMIT $10`,
		f.Type, f.OurRole, f.Status, f.Overdue, f.Today, f.Year, pattern, f.ScopeUnit, f.BeforeID, f.Limit)
	return out, err
}

// ProposalEvent is a row of proposal_events.
type ProposalEvent struct {
	ID         int64     `db:"id"`
	ProposalID int64     `db:"proposal_id"`
	At         time.Time `db:"at"`
	ActorID    *int64    `db:"actor_id"`
	Actor      string    `db:"actor"`
	UnitCode   *string   `db:"unit_code"`
	Action     string    `db:"action"`
	FromStatus *string   `db:"from_status"`
	ToStatus   *string   `db:"to_status"`
	Note       string    `db:"note"`
}

// AppendProposalEvent adds an event to a proposal's timeline.
func (q *Q) AppendProposalEvent(ctx context.Context, e ProposalEvent) error {
	_, err := q.x.ExecContext(ctx, `INSERT INTO proposal_events (proposal_id, at, actor_id, actor, unit_code, action,
		from_status, to_status, note) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		e.ProposalID, e.At, e.ActorID, e.Actor, e.UnitCode, e.Action, e.FromStatus, e.ToStatus, e.Note)
	if err != nil {
		return fmt.Errorf("append proposal event: %w", err)
	}
	return nil
}

// ProposalEvents lists a proposal's timeline, oldest first.
func (q *Q) ProposalEvents(ctx context.Context, id int64) ([]ProposalEvent, error) {
	var out []ProposalEvent
	err := sqlxSelect(ctx, q, "proposal events", &out, `SELECT id, proposal_id, at, actor_id, actor, unit_code, action, from_status,
		to_status, note FROM proposal_events WHERE proposal_id = $1 ORDER BY id`, id)
	return out, err
}

// ProposalContact is a row of proposal_contacts.
type ProposalContact struct {
	ID          int64     `db:"id"`
	ProposalID  int64     `db:"proposal_id"`
	Method      string    `db:"method"`
	ContactedOn time.Time `db:"contacted_on"`
	Note        string    `db:"note"`
	AuthorID    int64     `db:"author_id"`
	CreatedAt   time.Time `db:"created_at"`
}

// InsertProposalContact stores a contact with the deputy.
func (q *Q) InsertProposalContact(ctx context.Context, c ProposalContact) (ProposalContact, error) {
	var out ProposalContact
	err := sqlxGet(ctx, q, "insert proposal contact", &out, `INSERT INTO proposal_contacts (proposal_id, method, contacted_on, note, author_id)
		VALUES ($1, $2, $3, $4, $5) RETURNING id, proposal_id, method, contacted_on, note, author_id, created_at`,
		c.ProposalID, c.Method, c.ContactedOn, c.Note, c.AuthorID)
	if err == nil {
		q.created(ctx, "proposal_contact", out.ID)
	}
	return out, err
}

// ProposalContacts lists a proposal's contacts, oldest first.
func (q *Q) ProposalContacts(ctx context.Context, id int64) ([]ProposalContact, error) {
	var out []ProposalContact
	err := sqlxSelect(ctx, q, "proposal contacts", &out, `SELECT id, proposal_id, method, contacted_on, note, author_id, created_at
		FROM proposal_contacts WHERE proposal_id = $1 ORDER BY id`, id)
	return out, err
}

// ProposalOpinion is a row of proposal_opinions.
type ProposalOpinion struct {
	ID         int64     `db:"id"`
	ProposalID int64     `db:"proposal_id"`
	UnitCode   string    `db:"unit_code"`
	Body       string    `db:"body"`
	OnTime     bool      `db:"on_time"`
	AuthorID   int64     `db:"author_id"`
	CreatedAt  time.Time `db:"created_at"`
}

const opinionCols = `id, proposal_id, unit_code, body, on_time, author_id, created_at`

// InsertProposalOpinion stores a joint unit's opinion.
func (q *Q) InsertProposalOpinion(ctx context.Context, o ProposalOpinion) (ProposalOpinion, error) {
	var out ProposalOpinion
	err := sqlxGet(ctx, q, "insert proposal opinion", &out, `INSERT INTO proposal_opinions (proposal_id, unit_code, body, on_time, author_id)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+opinionCols, o.ProposalID, o.UnitCode, o.Body, o.OnTime, o.AuthorID)
	if err == nil {
		q.created(ctx, "proposal_opinion", out.ID)
	}
	return out, err
}

// ProposalOpinions lists a proposal's opinions, oldest first; unit, when not
// empty, keeps only that unit's.
func (q *Q) ProposalOpinions(ctx context.Context, id int64, unit string) ([]ProposalOpinion, error) {
	var out []ProposalOpinion
	err := sqlxSelect(ctx, q, "proposal opinions", &out, `SELECT `+opinionCols+` FROM proposal_opinions WHERE proposal_id = $1
		AND ($2 = '' OR unit_code = $2) ORDER BY id`, id, unit)
	return out, err
}

// ProposalAnswer is a row of proposal_answers.
type ProposalAnswer struct {
	ID           int64      `db:"id"`
	ProposalID   int64      `db:"proposal_id"`
	Round        int        `db:"round"`
	Category     *string    `db:"category"`
	Body         string     `db:"body"`
	Public       bool       `db:"public"`
	AnsweredOn   time.Time  `db:"answered_on"`
	DueOn        time.Time  `db:"due_on"`
	OnTime       bool       `db:"on_time"`
	Status       string     `db:"status"`
	AuthorID     int64      `db:"author_id"`
	UnitCode     *string    `db:"unit_code"`
	CreatedAt    time.Time  `db:"created_at"`
	DecidedBy    *int64     `db:"decided_by"`
	DecidedAt    *time.Time `db:"decided_at"`
	DecisionNote string     `db:"decision_note"`
}

const answerCols = `id, proposal_id, round, category, body, public, answered_on, due_on, on_time, status, author_id,
	unit_code, created_at, decided_by, decided_at, decision_note`

// InsertProposalAnswer stores an answer waiting for approval.
func (q *Q) InsertProposalAnswer(ctx context.Context, a ProposalAnswer) (ProposalAnswer, error) {
	var out ProposalAnswer
	err := sqlxGet(ctx, q, "insert proposal answer", &out, `INSERT INTO proposal_answers (proposal_id, round, category, body, public, answered_on,
		due_on, on_time, status, author_id, unit_code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9, $10)
		RETURNING `+answerCols,
		a.ProposalID, a.Round, a.Category, a.Body, a.Public, a.AnsweredOn, a.DueOn, a.OnTime, a.AuthorID, a.UnitCode)
	if c, ok := IsUniqueViolation(err); ok && c == "proposal_answers_one_pending" {
		return out, ErrAnswerPending
	}
	if err == nil {
		q.created(ctx, "proposal_answer", out.ID)
	}
	return out, err
}

// PendingProposalAnswer reads the answer waiting for approval.
func (q *Q) PendingProposalAnswer(ctx context.Context, id int64) (ProposalAnswer, error) {
	var a ProposalAnswer
	err := sqlxGet(ctx, q, "pending proposal answer", &a, `SELECT `+answerCols+` FROM proposal_answers WHERE proposal_id = $1 AND status = 'pending'`, id)
	return a, err
}

// LatestApprovedAnswer reads the answer that counts now.
func (q *Q) LatestApprovedAnswer(ctx context.Context, id int64) (ProposalAnswer, error) {
	var a ProposalAnswer
	err := sqlxGet(ctx, q, "latest approved answer", &a, `SELECT `+answerCols+` FROM proposal_answers WHERE proposal_id = $1 AND status = 'approved'
		ORDER BY id DESC LIMIT 1`, id)
	return a, err
}

// DecideProposalAnswer records a manager's decision on an answer.
func (q *Q) DecideProposalAnswer(ctx context.Context, a ProposalAnswer) error {
	_, err := q.x.ExecContext(ctx, `UPDATE proposal_answers SET status = $2, decided_by = $3, decided_at = $4,
		decision_note = $5 WHERE id = $1`, a.ID, a.Status, a.DecidedBy, a.DecidedAt, a.DecisionNote)
	if err != nil {
		return fmt.Errorf("decide answer %d: %w", a.ID, err)
	}
	return nil
}

// ProposalAnswers lists a proposal's answers, oldest first.
func (q *Q) ProposalAnswers(ctx context.Context, id int64) ([]ProposalAnswer, error) {
	var out []ProposalAnswer
	err := sqlxSelect(ctx, q, "proposal answers", &out, `SELECT `+answerCols+` FROM proposal_answers WHERE proposal_id = $1 ORDER BY id`, id)
	return out, err
}

// ProposalFeedback is a row of proposal_feedback.
type ProposalFeedback struct {
	ID           int64     `db:"id"`
	ProposalID   int64     `db:"proposal_id"`
	AnswerID     int64     `db:"answer_id"`
	Satisfaction string    `db:"satisfaction"`
	Comment      string    `db:"comment"`
	GivenOn      time.Time `db:"given_on"`
	RecordedBy   int64     `db:"recorded_by"`
	CreatedAt    time.Time `db:"created_at"`
}

const feedbackCols = `id, proposal_id, answer_id, satisfaction, comment, given_on, recorded_by, created_at`

// InsertProposalFeedback stores the deputy's feedback.
func (q *Q) InsertProposalFeedback(ctx context.Context, f ProposalFeedback) (ProposalFeedback, error) {
	var out ProposalFeedback
	err := sqlxGet(ctx, q, "insert proposal feedback", &out, `INSERT INTO proposal_feedback (proposal_id, answer_id, satisfaction, comment, given_on,
		recorded_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+feedbackCols,
		f.ProposalID, f.AnswerID, f.Satisfaction, f.Comment, f.GivenOn, f.RecordedBy)
	if err == nil {
		q.created(ctx, "proposal_feedback", out.ID)
	}
	return out, err
}

// ProposalFeedbacks lists a proposal's feedback, oldest first.
func (q *Q) ProposalFeedbacks(ctx context.Context, id int64) ([]ProposalFeedback, error) {
	var out []ProposalFeedback
	err := sqlxSelect(ctx, q, "proposal feedbacks", &out, `SELECT `+feedbackCols+` FROM proposal_feedback WHERE proposal_id = $1 ORDER BY id`, id)
	return out, err
}

// ProposalExtension is a row of proposal_extensions.
type ProposalExtension struct {
	ID         int64     `db:"id"`
	ProposalID int64     `db:"proposal_id"`
	Months     int       `db:"months"`
	Reason     string    `db:"reason"`
	OldDueOn   time.Time `db:"old_due_on"`
	NewDueOn   time.Time `db:"new_due_on"`
	GrantedBy  int64     `db:"granted_by"`
	CreatedAt  time.Time `db:"created_at"`
}

const propExtCols = `id, proposal_id, months, reason, old_due_on, new_due_on, granted_by, created_at`

// InsertProposalExtension stores an extension.
func (q *Q) InsertProposalExtension(ctx context.Context, e ProposalExtension) (ProposalExtension, error) {
	var out ProposalExtension
	err := sqlxGet(ctx, q, "insert proposal extension", &out, `INSERT INTO proposal_extensions (proposal_id, months, reason, old_due_on, new_due_on,
		granted_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING `+propExtCols,
		e.ProposalID, e.Months, e.Reason, e.OldDueOn, e.NewDueOn, e.GrantedBy)
	if err == nil {
		q.created(ctx, "proposal_extension", out.ID)
	}
	return out, err
}

// ProposalExtensions lists a proposal's extensions, oldest first.
func (q *Q) ProposalExtensions(ctx context.Context, id int64) ([]ProposalExtension, error) {
	var out []ProposalExtension
	err := sqlxSelect(ctx, q, "proposal extensions", &out, `SELECT `+propExtCols+` FROM proposal_extensions WHERE proposal_id = $1 ORDER BY id`, id)
	return out, err
}

// ProposalCommitment is a row of proposal_commitments.
type ProposalCommitment struct {
	ID         int64      `db:"id"`
	ProposalID int64      `db:"proposal_id"`
	Text       string     `db:"text"`
	DueOn      time.Time  `db:"due_on"`
	DoneOn     *time.Time `db:"done_on"`
	DoneNote   string     `db:"done_note"`
	Escalated  bool       `db:"escalated"`
	CreatedBy  int64      `db:"created_by"`
	CreatedAt  time.Time  `db:"created_at"`
	DoneBy     *int64     `db:"done_by"`
}

const commitmentCols = `id, proposal_id, text, due_on, done_on, done_note, escalated, created_by, created_at, done_by`

// InsertProposalCommitment stores a commitment.
func (q *Q) InsertProposalCommitment(ctx context.Context, c ProposalCommitment) (ProposalCommitment, error) {
	var out ProposalCommitment
	err := sqlxGet(ctx, q, "insert proposal commitment", &out, `INSERT INTO proposal_commitments (proposal_id, text, due_on, created_by)
		VALUES ($1, $2, $3, $4) RETURNING `+commitmentCols, c.ProposalID, c.Text, c.DueOn, c.CreatedBy)
	if err == nil {
		q.created(ctx, "proposal_commitment", out.ID)
	}
	return out, err
}

// LockProposalCommitment reads one commitment of a proposal and locks it.
func (q *Q) LockProposalCommitment(ctx context.Context, proposalID, id int64) (ProposalCommitment, error) {
	var c ProposalCommitment
	err := sqlxGet(ctx, q, "lock proposal commitment", &c, `SELECT `+commitmentCols+` FROM proposal_commitments WHERE proposal_id = $1 AND id = $2
		FOR UPDATE`, proposalID, id)
	return c, err
}

// SaveProposalCommitment writes a commitment's progress.
func (q *Q) SaveProposalCommitment(ctx context.Context, c ProposalCommitment) error {
	_, err := q.x.ExecContext(ctx, `UPDATE proposal_commitments SET done_on = $2, done_note = $3, done_by = $4,
		escalated = $5 WHERE id = $1`, c.ID, c.DoneOn, c.DoneNote, c.DoneBy, c.Escalated)
	if err != nil {
		return fmt.Errorf("save commitment %d: %w", c.ID, err)
	}
	return nil
}

// ProposalCommitments lists a proposal's commitments, oldest first.
func (q *Q) ProposalCommitments(ctx context.Context, id int64) ([]ProposalCommitment, error) {
	var out []ProposalCommitment
	err := sqlxSelect(ctx, q, "proposal commitments", &out, `SELECT `+commitmentCols+` FROM proposal_commitments WHERE proposal_id = $1 ORDER BY id`, id)
	return out, err
}

// GetProposalSettings reads the stored settings; ok is false when none were
// ever saved.
func (q *Q) GetProposalSettings(ctx context.Context, dst any) (ok bool, err error) {
	var raw []byte
	err = sqlxGet(ctx, q, "get proposal settings", &raw, `SELECT settings FROM proposal_settings WHERE id = 1`)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read proposal settings: %w", err)
	}
	if err := json.Unmarshal(raw, dst); err != nil {
		return false, fmt.Errorf("decode proposal settings: %w", err)
	}
	return true, nil
}

// PutProposalSettings replaces the settings.
func (q *Q) PutProposalSettings(ctx context.Context, settings any, by int64) error {
	raw, err := json.Marshal(settings)
	if err != nil {
		return fmt.Errorf("encode proposal settings: %w", err)
	}
	_, err = q.x.ExecContext(ctx, `INSERT INTO proposal_settings (id, settings, updated_by, updated_at) VALUES (1, $1, $2, now())
		ON CONFLICT (id) DO UPDATE SET settings = EXCLUDED.settings, updated_by = EXCLUDED.updated_by, updated_at = now()`, string(raw), by)
	if err != nil {
		return fmt.Errorf("store proposal settings: %w", err)
	}
	return nil
}

// NotifyProposal stores one notice about a proposal for each user.
func (q *Q) NotifyProposal(ctx context.Context, userIDs []int64, proposalID int64, typ, message string) error {
	if len(userIDs) == 0 {
		return nil
	}
	_, err := q.x.ExecContext(ctx, `INSERT INTO notifications (user_id, proposal_id, type, message)
		SELECT unnest($1::bigint[]), $2, $3, $4 ON CONFLICT DO NOTHING`, pq.Array(userIDs), proposalID, typ, message)
	if err != nil {
		return fmt.Errorf("store proposal notifications: %w", err)
	}
	return nil
}

// DueProposal names a proposal (or one of its commitments) whose deadline
// check has come due.
type DueProposal struct {
	ProposalID   int64  `db:"proposal_id"`
	CommitmentID int64  `db:"commitment_id"`
	Check        string `db:"check_name"`
}

// DueProposalChecks finds the deadline checks that have come due on today
// and were not done: reminders remindDays before the due date, escalations
// the day after it, joint units' opinions missing after their due date, and
// commitments past their date.
func (q *Q) DueProposalChecks(ctx context.Context, today time.Time, remindDays, limit int) ([]DueProposal, error) {
	var out []DueProposal
	err := sqlxSelect(ctx, q, "due proposal checks", &out, `
		(SELECT id AS proposal_id, 0::bigint AS commitment_id, 'overdue' AS check_name FROM proposals
			WHERE status IN ('handling', 'rehandling') AND due_on < $1::date
				AND escalated_for IS DISTINCT FROM due_on ORDER BY due_on LIMIT $3)
		UNION ALL
		(SELECT id, 0, 'remind' FROM proposals
			WHERE status IN ('handling', 'rehandling') AND due_on - $2::integer <= $1::date AND due_on >= $1::date
				AND reminded_for IS DISTINCT FROM due_on
				AND NOT EXISTS (SELECT 1 FROM proposal_answers a WHERE a.proposal_id = proposals.id AND a.status = 'pending')
			ORDER BY due_on LIMIT $3)
		UNION ALL
		(SELECT id, 0, 'opinions' FROM proposals p
			WHERE status IN ('handling', 'rehandling') AND opinion_due_on < $1::date AND NOT opinions_escalated
				AND EXISTS (SELECT 1 FROM unnest(p.co_unit_codes) u
					WHERE NOT EXISTS (SELECT 1 FROM proposal_opinions o WHERE o.proposal_id = p.id AND o.unit_code = u))
			ORDER BY opinion_due_on LIMIT $3)
		UNION ALL
		(SELECT proposal_id, id, 'commitment' FROM proposal_commitments
			WHERE done_on IS NULL AND NOT escalated AND due_on < $1::date ORDER BY due_on LIMIT $3)`,
		today, remindDays, limit)
	return out, err
}

// ProposalOutcomeRow is what the year's figures need of one proposal.
type ProposalOutcomeRow struct {
	Type         string    `db:"type"`
	OurRole      string    `db:"our_role"`
	Status       string    `db:"status"`
	DueOn        time.Time `db:"due_on"`
	Approved     int       `db:"approved"`
	Late         int       `db:"late"`
	Category     *string   `db:"category"`
	Satisfaction *string   `db:"satisfaction"`
}

// ProposalOutcomes reads the proposals assigned in a year with their
// approved answers (how many, how many late, the latest one's category) and
// their latest feedback.
func (q *Q) ProposalOutcomes(ctx context.Context, year int) ([]ProposalOutcomeRow, error) {
	var out []ProposalOutcomeRow
	err := sqlxSelect(ctx, q, "proposal outcomes", &out, `SELECT p.type, p.our_role, p.status, p.due_on,
			count(a.id)::int AS approved, count(a.id) FILTER (WHERE NOT a.on_time)::int AS late,
			(SELECT category FROM proposal_answers l WHERE l.proposal_id = p.id AND l.status = 'approved'
				ORDER BY l.id DESC LIMIT 1) AS category,
			(SELECT satisfaction FROM proposal_feedback f WHERE f.proposal_id = p.id ORDER BY f.id DESC LIMIT 1) AS satisfaction
		FROM proposals p LEFT JOIN proposal_answers a ON a.proposal_id = p.id AND a.status = 'approved'
		WHERE p.assigned_on >= make_date($1, 1, 1) AND p.assigned_on < make_date($1 + 1, 1, 1)
		GROUP BY p.id ORDER BY p.id`, year)
	return out, err
}

// PublishedProposals lists published proposals, newest first, before the
// cursor id.
func (q *Q) PublishedProposals(ctx context.Context, beforeID int64, limit int) ([]Proposal, error) {
	var out []Proposal
	err := sqlxSelect(ctx, q, "published proposals", &out, `SELECT `+proposalCols+` FROM proposals WHERE published_at IS NOT NULL
		AND ($1 = 0 OR id < $1) ORDER BY id DESC LIMIT $2`, beforeID, limit)
	return out, err
}
