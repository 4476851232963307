package core

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"hotline/domain"
	"hotline/privacy"
	"hotline/repo"
)

// Field limits of intake, in characters.
const (
	maxTitle   = 200
	maxContent = 10000
	maxName    = 50
	maxRegion  = 100
	maxEmail   = 254
	maxRef     = 128
	maxURL     = 1000
)

// CallInput is a call logged by an operator (POST /calls).
type CallInput struct {
	CallerName     string `json:"caller_name"`
	CallerPhone    string `json:"caller_phone"`
	Kind           string `json:"kind"`
	CategoryCode   string `json:"category_code"`
	Title          string `json:"title"`
	Content        string `json:"content"`
	Region         string `json:"region"`
	Urgent         bool   `json:"urgent"`
	Confidential   bool   `json:"confidential"`
	AnsweredOnCall bool   `json:"answered_on_call"`
	Answer         string `json:"answer"`
	// KBArticleID is the knowledge-base article the call was answered from.
	KBArticleID *int64 `json:"kb_article_id"`
}

// LetterInput is a letter to the leader's mailbox (POST /public/letters).
type LetterInput struct {
	Name           string `json:"name"`
	Phone          string `json:"phone"`
	Email          string `json:"email"`
	Kind           string `json:"kind"`
	Title          string `json:"title"`
	Content        string `json:"content"`
	Region         string `json:"region"`
	PublishConsent bool   `json:"publish_consent"`
}

// MicroblogInput is a post handed over by the microblog bridge.
type MicroblogInput struct {
	PostID     string `json:"post_id"`
	AuthorID   string `json:"author_id"`
	AuthorName string `json:"author_name"`
	Text       string `json:"text"`
	URL        string `json:"url"`
	PostedAt   string `json:"posted_at"`
	Kind       string `json:"kind"`
}

// PlatformInput is an item handed down by the upstream platform.
type PlatformInput struct {
	ExternalID   string `json:"external_id"`
	Kind         string `json:"kind"`
	Title        string `json:"title"`
	Content      string `json:"content"`
	CitizenName  string `json:"citizen_name"`
	CitizenPhone string `json:"citizen_phone"`
	DueAt        string `json:"due_at"`
	Region       string `json:"region"`
}

// LetterReceipt is what a letter's writer gets back: the code and secret to
// track it with.
type LetterReceipt struct {
	TrackingCode string `json:"tracking_code"`
	Secret       string `json:"secret"`
	Status       string `json:"status"`
	ReceivedAt   string `json:"received_at"`
}

// MicroblogReceipt answers the microblog bridge.
type MicroblogReceipt struct {
	ID           int64  `json:"id"`
	TrackingCode string `json:"tracking_code"`
}

// text checks a free-text field: required or not, and at most max characters
// after trimming. Invalid UTF-8 is refused.
func text(v *domain.ValidationError, field, s string, required bool, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s):
		v.Add(field, "not valid UTF-8")
	case required && s == "":
		v.Add(field, "required")
	case utf8.RuneCountInString(s) > max:
		v.Add(field, "at most %d characters", max)
	case strings.ContainsRune(s, 0):
		v.Add(field, "must not contain NUL characters")
	}
	return s
}

func kind(v *domain.ValidationError, s string, def domain.Kind) domain.Kind {
	if s == "" && def != "" {
		return def
	}
	k := domain.Kind(s)
	if s == "" {
		v.Add("kind", "required: one of consultation, complaint, suggestion, help, report, praise")
	} else if !k.Valid() {
		v.Add("kind", "unknown kind %q: one of consultation, complaint, suggestion, help, report, praise", s)
	}
	return k
}

func phone(v *domain.ValidationError, field, s string, required bool) string {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			v.Add(field, "required")
		}
		return ""
	}
	if len(s) > 40 {
		v.Add(field, "not a phone number")
		return ""
	}
	p, err := privacy.NormalizePhone(s)
	if err != nil {
		v.Add(field, "not a phone number: give a mobile (11 digits), a landline with area code, or +<country code>")
		return ""
	}
	return p
}

func email(v *domain.ValidationError, field, s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	at := strings.LastIndexByte(s, '@')
	if len(s) > maxEmail || at < 1 || at == len(s)-1 || strings.ContainsAny(s, " \t\r\n<>,;\"") ||
		!strings.Contains(s[at+1:], ".") {
		v.Add(field, "not an e-mail address")
		return ""
	}
	return s
}

// titleFrom makes a title from the first characters of a text.
func titleFrom(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= 30 {
		return s
	}
	r := []rune(s)
	return string(r[:30]) + "…"
}

// item checks a call and returns the item to store.
func (in CallInput) item() (repo.Item, error) {
	var v domain.ValidationError
	it := repo.Item{Channel: string(domain.Hotline), Status: string(domain.Received), Urgent: in.Urgent, Confidential: in.Confidential}
	it.CitizenName = text(&v, "caller_name", in.CallerName, false, maxName)
	it.CitizenPhone = phone(&v, "caller_phone", in.CallerPhone, true)
	it.Kind = string(kind(&v, in.Kind, ""))
	it.CategoryCode = nilIfEmpty(text(&v, "category_code", in.CategoryCode, false, 64))
	it.Title = text(&v, "title", in.Title, false, maxTitle)
	it.Content = text(&v, "content", in.Content, true, maxContent)
	it.Region = text(&v, "region", in.Region, false, maxRegion)
	answer := text(&v, "answer", in.Answer, in.AnsweredOnCall, maxContent)
	if in.AnsweredOnCall {
		it.Status = string(domain.Answered)
		it.Answer = answer
	} else if answer != "" {
		v.Add("answer", "only with answered_on_call: true")
	}
	if it.Title == "" {
		it.Title = titleFrom(it.Content)
	}
	return it, v.Err()
}

func (in LetterInput) item() (repo.Item, error) {
	var v domain.ValidationError
	it := repo.Item{Channel: string(domain.Mailbox), Status: string(domain.Received), PublishConsent: in.PublishConsent}
	it.CitizenName = text(&v, "name", in.Name, false, maxName)
	it.CitizenPhone = phone(&v, "phone", in.Phone, false)
	it.CitizenEmail = email(&v, "email", in.Email)
	it.Kind = string(kind(&v, in.Kind, ""))
	it.Title = text(&v, "title", in.Title, true, maxTitle)
	it.Content = text(&v, "content", in.Content, true, maxContent)
	it.Region = text(&v, "region", in.Region, false, maxRegion)
	return it, v.Err()
}

func (in MicroblogInput) item(now time.Time) (repo.Item, error) {
	var v domain.ValidationError
	it := repo.Item{Channel: string(domain.Microblog), Status: string(domain.Received)}
	ref := text(&v, "post_id", in.PostID, true, maxRef)
	it.SourceRef = &ref
	it.AuthorID = text(&v, "author_id", in.AuthorID, true, maxRef)
	it.CitizenName = text(&v, "author_name", in.AuthorName, false, maxName)
	it.Content = text(&v, "text", in.Text, true, maxContent)
	it.SourceURL = text(&v, "url", in.URL, false, maxURL)
	if it.SourceURL != "" && !strings.HasPrefix(it.SourceURL, "https://") && !strings.HasPrefix(it.SourceURL, "http://") {
		v.Add("url", "must be an http(s) URL")
	}
	if in.PostedAt != "" {
		t, err := time.Parse(time.RFC3339, in.PostedAt)
		if err != nil {
			v.Add("posted_at", "not an RFC 3339 time")
		} else if t.After(now.Add(5 * time.Minute)) {
			v.Add("posted_at", "in the future")
		} else if !domain.TimeInRange(t) {
			v.Add("posted_at", "a time %s", domain.TimeRangeMessage)
		} else {
			it.PostedAt = &t
		}
	}
	it.Kind = string(kind(&v, in.Kind, domain.Consultation))
	it.Title = titleFrom(it.Content)
	return it, v.Err()
}

func (in PlatformInput) item() (repo.Item, error) {
	var v domain.ValidationError
	it := repo.Item{Channel: string(domain.Platform), Status: string(domain.Received)}
	ref := text(&v, "external_id", in.ExternalID, true, maxRef)
	it.SourceRef = &ref
	it.Kind = string(kind(&v, in.Kind, ""))
	it.Title = text(&v, "title", in.Title, false, maxTitle)
	it.Content = text(&v, "content", in.Content, true, maxContent)
	it.CitizenName = text(&v, "citizen_name", in.CitizenName, false, maxName)
	it.CitizenPhone = phone(&v, "citizen_phone", in.CitizenPhone, false)
	it.Region = text(&v, "region", in.Region, false, maxRegion)
	if in.DueAt != "" {
		t, err := time.Parse(time.RFC3339, in.DueAt)
		if err != nil {
			v.Add("due_at", "not an RFC 3339 time")
		} else if !domain.TimeInRange(t) {
			v.Add("due_at", "a time %s", domain.TimeRangeMessage)
		} else {
			it.UpstreamDueAt = &t
		}
	}
	if it.Title == "" {
		it.Title = titleFrom(it.Content)
	}
	return it, v.Err()
}

// CreateCall stores a call logged by an operator.
func (c *Core) CreateCall(ctx context.Context, v domain.Viewer, in CallInput) (ItemView, error) {
	it, err := in.item()
	if err != nil {
		return ItemView{}, err
	}
	if err := c.checkCallKBArticle(ctx, in.AnsweredOnCall, in.KBArticleID); err != nil {
		return ItemView{}, err
	}
	it.KBArticleID = in.KBArticleID
	it.CreatedBy = &v.ID
	stored, _, err := c.createItem(ctx, it, actorOf(v))
	if err != nil {
		return ItemView{}, err
	}
	return c.itemView(v, stored), nil
}

// LogCall stores a call logged at the desk, like CreateCall, and when into
// is set merges the new item into that item in the same transaction, so that
// a merge that is refused (a 422 on into_id) stores nothing. created is
// false when the request's idempotency key (the desk's form token) already
// stored an item: that item is returned as it is, merged or not.
func (c *Core) LogCall(ctx context.Context, v domain.Viewer, in CallInput, into int64) (view ItemView, created bool, err error) {
	if into != 0 {
		if err := checkMerge(v, 0, MergeInput{IntoID: into}); err != nil {
			return ItemView{}, false, err
		}
	}
	it, err := in.item()
	if err != nil {
		return ItemView{}, false, err
	}
	if err := c.checkCallKBArticle(ctx, in.AnsweredOnCall, in.KBArticleID); err != nil {
		return ItemView{}, false, err
	}
	it.KBArticleID = in.KBArticleID
	it.CreatedBy = &v.ID
	var then func(*repo.Q, *repo.Item) error
	if into != 0 {
		then = func(q *repo.Q, stored *repo.Item) error {
			merged, err := c.mergeIn(ctx, q, v, stored.ID, into)
			*stored = merged
			return err
		}
	}
	stored, created, err := c.createItemThen(ctx, it, actorOf(v), then)
	if err != nil {
		return ItemView{}, false, err
	}
	if created && into != 0 {
		c.afterMerge(ctx, stored.ID)
	}
	return c.itemView(v, stored), created, nil
}

// CreateLetter stores a letter from the portal and gives its writer a
// tracking code and secret.
func (c *Core) CreateLetter(ctx context.Context, in LetterInput) (LetterReceipt, error) {
	it, err := in.item()
	if err != nil {
		return LetterReceipt{}, err
	}
	secret, err := randomCode(16)
	if err != nil {
		return LetterReceipt{}, err
	}
	h := sha256.Sum256([]byte(secret))
	it.SecretHash = h[:]
	stored, created, err := c.createItem(ctx, it, actor{name: "citizen"})
	if err != nil {
		return LetterReceipt{}, err
	}
	if !created {
		// the same Idempotency-Key after a lost response: the first secret is
		// gone (only its hash is kept), so this one replaces it
		if err := c.store.Q().SetItemSecret(ctx, stored.ID, it.SecretHash); err != nil {
			return LetterReceipt{}, err
		}
	}
	return LetterReceipt{TrackingCode: stored.TrackingCode, Secret: secret, Status: stored.Status,
		ReceivedAt: stored.ReceivedAt.In(c.set.Location).Format(time.RFC3339)}, nil
}

// MicroblogPost stores a microblog post; the same post_id again returns the
// item stored the first time.
func (c *Core) MicroblogPost(ctx context.Context, in MicroblogInput) (MicroblogReceipt, error) {
	it, err := in.item(c.now())
	if err != nil {
		return MicroblogReceipt{}, err
	}
	stored, _, err := c.createItem(ctx, it, actor{name: "microblog"})
	if err != nil {
		return MicroblogReceipt{}, err
	}
	return MicroblogReceipt{ID: stored.ID, TrackingCode: stored.TrackingCode}, nil
}

// PlatformItem stores an item from the upstream platform; created is false
// when the external_id was seen before and the stored item is returned.
func (c *Core) PlatformItem(ctx context.Context, in PlatformInput) (ItemView, bool, error) {
	it, err := in.item()
	if err != nil {
		return ItemView{}, false, err
	}
	stored, created, err := c.createItem(ctx, it, actor{name: "platform"})
	if err != nil {
		return ItemView{}, false, err
	}
	return c.itemView(domain.Viewer{Role: domain.RoleManager}, stored), created, nil
}

// createItem stores a new item with its created event and asks for it to be
// routed. An item already stored under the same upstream id or idempotency
// key is returned with created false.
func (c *Core) createItem(ctx context.Context, it repo.Item, who actor) (repo.Item, bool, error) {
	return c.createItemThen(ctx, it, who, nil)
}

// createItemThen is createItem with then, when not nil, run on the stored
// item in the same transaction: it may change the item (and the stored copy
// it is given), and its error undoes the insert.
func (c *Core) createItemThen(ctx context.Context, it repo.Item, who actor, then func(*repo.Q, *repo.Item) error) (repo.Item, bool, error) {
	if it.CategoryCode != nil {
		path, err := c.categoryPath(ctx, c.store.Q(), *it.CategoryCode)
		if err != nil {
			return repo.Item{}, false, err
		}
		if len(path) == 0 {
			return repo.Item{}, false, domain.ValidationError{{Field: "category_code", Message: "no such category"}}
		}
	}
	for attempt := 0; ; attempt++ {
		code, err := trackingCode(c.Now())
		if err != nil {
			return repo.Item{}, false, err
		}
		it.TrackingCode = code
		it.ReceivedAt = c.now()
		if it.Status == string(domain.Answered) {
			it.RepliedAt = &it.ReceivedAt
			if cal, err := c.Calendar(ctx); err == nil {
				it.VisitDueAt = ptr(cal.NextWorkday(it.ReceivedAt))
			}
		}
		stored, err := c.insertItem(ctx, it, eventOf(it.ReceivedAt, 0, who, domain.ActCreate, "", domain.Status(it.Status), ""), then)
		switch {
		case err == nil:
			if stored.Status == string(domain.Received) {
				c.tasks.RouteItem(stored.ID)
			}
			return stored, true, nil
		case errors.Is(err, repo.ErrTrackingCodeTaken) && attempt < 5:
			continue
		case errors.Is(err, repo.ErrSourceRefSeen):
			existing, err := c.store.Q().ItemBySourceRef(ctx, it.Channel, *it.SourceRef)
			return existing, false, err
		case errors.Is(err, repo.ErrIdemKeyUsed):
			existing, err := c.store.Q().ItemOfRequest(ctx)
			return existing, false, err
		default:
			if errors.Is(err, repo.ErrMissingReference) {
				return repo.Item{}, false, domain.ValidationError{{Field: "category_code", Message: "no such category"}}
			}
			if errors.Is(err, repo.ErrIdempotencyTaken) {
				return repo.Item{}, false, err
			}
			return repo.Item{}, false, fmt.Errorf("store item: %w", err)
		}
	}
}

// insertItem stores a new item and its created event: committed together
// with the items arriving at the same time when it can be, alone otherwise.
// then, when not nil, runs on the stored item in the item's own transaction
// (such an item is never grouped), and its error undoes the insert.
func (c *Core) insertItem(ctx context.Context, it repo.Item, e repo.Event, then func(*repo.Q, *repo.Item) error) (repo.Item, error) {
	if then == nil {
		stored, err := c.store.InsertItemGrouped(ctx, it, e)
		if !errors.Is(err, repo.ErrNotGrouped) {
			return stored, err
		}
	}
	var stored repo.Item
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		var err error
		if stored, err = q.InsertItemWithEvent(ctx, it, e); err != nil || then == nil {
			return err
		}
		return then(q, &stored)
	})
	return stored, err
}

// codeAlphabet has no 0/O, 1/I/L: codes are read out on the phone.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// randomCode returns n characters from codeAlphabet (about 4.95 bits each).
func randomCode(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	out := make([]byte, n)
	for i := range b {
		// 256 % 31 != 0: reject bytes in the uneven tail for a uniform draw
		for b[i] >= 248 {
			var one [1]byte
			if _, err := rand.Read(one[:]); err != nil {
				return "", fmt.Errorf("random: %w", err)
			}
			b[i] = one[0]
		}
		out[i] = codeAlphabet[int(b[i])%len(codeAlphabet)]
	}
	return string(out), nil
}

// trackingCode is the receipt date and eight random characters, e.g.
// 261124-K3M9QAB7: short enough to read out, and unguessable.
func trackingCode(now time.Time) (string, error) {
	r, err := randomCode(8)
	if err != nil {
		return "", err
	}
	return now.Format("060102") + "-" + r, nil
}
