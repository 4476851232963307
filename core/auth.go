package core

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"hotline/domain"
	"hotline/repo"
)

// Login throttling: past this many failures in a minute for one username from
// one address (or any usernames from one address), logins answer 429.
const (
	maxFailuresPerUser = 10
	maxFailuresPerIP   = 50
	failureWindow      = time.Minute
)

// ErrBadCredentials is a failed login.
var ErrBadCredentials = errors.New("wrong username or password")

// ThrottledError says how long a throttled client must wait.
type ThrottledError struct{ RetryAfter time.Duration }

func (e ThrottledError) Error() string {
	return fmt.Sprintf("too many failed logins; retry after %s", e.RetryAfter.Round(time.Second))
}

// LoginResult is the answer to a successful login.
type LoginResult struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
	User      UserView  `json:"user"`
}

// UserView is a user as the API shows it.
type UserView struct {
	ID       int64   `json:"id"`
	Username string  `json:"username"`
	Role     string  `json:"role"`
	UnitCode *string `json:"unit_code"`
	Active   bool    `json:"active"`
}

func userView(u repo.User) UserView {
	return UserView{ID: u.ID, Username: u.Username, Role: u.Role, UnitCode: u.UnitCode, Active: u.Active}
}

// Login checks a username and password and opens a session.
func (c *Core) Login(ctx context.Context, username, password, clientIP string) (LoginResult, error) {
	var v domain.ValidationError
	if strings.TrimSpace(username) == "" {
		v.Add("username", "required")
	}
	if password == "" {
		v.Add("password", "required")
	}
	if len(username) > 64 || !utf8.ValidString(username) || strings.ContainsRune(username, 0) {
		v.Add("username", "at most 64 characters of text")
	}
	if len(password) > 128 {
		v.Add("password", "at most 128 characters")
	}
	if err := v.Err(); err != nil {
		return LoginResult{}, err
	}
	// Count, compare and record under one lock per username and address, so
	// that parallel attempts cannot all pass the count before any is recorded.
	var (
		u   repo.User
		bad bool
	)
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		if err := q.XactLock(ctx, "login:"+strings.ToLower(username)+"|"+clientIP); err != nil {
			return err
		}
		since := c.now().Add(-failureWindow)
		byUser, byIP, err := q.LoginFailures(ctx, username, clientIP, since)
		if err != nil {
			return fmt.Errorf("check login failures: %w", err)
		}
		if byUser >= maxFailuresPerUser || byIP >= maxFailuresPerIP {
			oldest, err := q.OldestLoginFailure(ctx, username, clientIP, since)
			if err != nil {
				return fmt.Errorf("check login failures: %w", err)
			}
			return ThrottledError{RetryAfter: max(oldest.Add(failureWindow).Sub(c.now()), time.Second)}
		}
		u, err = q.GetUserByName(ctx, username)
		if err != nil && !errors.Is(err, repo.ErrNotFound) {
			return fmt.Errorf("read user: %w", err)
		}
		hash := []byte(u.PasswordHash)
		if len(hash) == 0 {
			// compare against a throwaway hash so that unknown usernames take as long
			hash = c.dummyPasswordHash()
		}
		if bcrypt.CompareHashAndPassword(hash, []byte(password)) != nil || u.ID == 0 || !u.Active {
			bad = true // committed with the transaction, before the lock is released
			return q.RecordLoginFailure(ctx, username, clientIP)
		}
		return nil
	})
	if err != nil {
		return LoginResult{}, err
	}
	if bad {
		return LoginResult{}, ErrBadCredentials
	}
	q := c.store.Q()
	token, err := randomToken(32)
	if err != nil {
		return LoginResult{}, err
	}
	expires := c.now().Add(c.set.SessionTTL)
	if err := q.CreateSession(ctx, tokenHash(token), u.ID, expires); err != nil {
		return LoginResult{}, err
	}
	return LoginResult{Token: token, ExpiresAt: expires.In(c.set.Location), User: userView(u)}, nil
}

// Logout ends the session of a token at once.
func (c *Core) Logout(ctx context.Context, token string) error {
	return c.store.Q().RevokeSession(ctx, tokenHash(token))
}

// Authenticate returns the viewer behind a bearer token, or domain.ErrNotFound
// when the token is unknown, expired or revoked.
func (c *Core) Authenticate(ctx context.Context, token string) (domain.Viewer, error) {
	if token == "" || len(token) > 256 {
		return domain.Viewer{}, domain.ErrNotFound
	}
	s, err := c.store.Q().SessionUser(ctx, tokenHash(token))
	if errors.Is(err, repo.ErrNotFound) {
		return domain.Viewer{}, domain.ErrNotFound
	}
	if err != nil {
		return domain.Viewer{}, fmt.Errorf("read session: %w", err)
	}
	return domain.Viewer{ID: s.ID, Username: s.Username, Role: domain.Role(s.Role), UnitCode: strOr(s.UnitCode)}, nil
}

// EnsureAdmin creates the first admin when no admin exists. It returns the
// password it generated, or "" when it used the given one or made nobody.
func (c *Core) EnsureAdmin(ctx context.Context, username, password string) (created bool, generated string, err error) {
	q := c.store.Q()
	exists, err := q.AdminExists(ctx)
	if err != nil {
		return false, "", fmt.Errorf("look for an admin: %w", err)
	}
	if exists {
		return false, "", nil
	}
	if password == "" {
		generated, err = randomToken(12)
		if err != nil {
			return false, "", err
		}
		password = generated
	}
	hash, err := hashPassword(password)
	if err != nil {
		return false, "", err
	}
	_, err = q.CreateUser(ctx, repo.User{Username: username, PasswordHash: hash, Role: string(domain.RoleAdmin), Active: true})
	if _, dup := repo.IsUniqueViolation(err); dup {
		// another process created it at the same moment, or the name is taken by a non-admin
		return false, "", fmt.Errorf("create admin %q: the username is taken", username)
	}
	if err != nil {
		return false, "", fmt.Errorf("create admin: %w", err)
	}
	return true, generated, nil
}

func (c *Core) dummyPasswordHash() []byte {
	c.dummyOnce.Do(func() {
		c.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("no such user"), bcrypt.DefaultCost)
	})
	return c.dummyHash
}

func hashPassword(p string) (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(p), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// randomToken returns n random bytes, base64url-encoded.
func randomToken(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

func tokenHash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}
