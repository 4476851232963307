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

// Login throttling. Every attempt counts as a failure from before its
// password is checked until it succeeds, so parallel attempts cannot all
// pass the count: past maxFailuresPerUser for one username from one
// address, or maxFailuresPerIP from one address, in failureWindow; or past
// maxFailuresPerAccount for one username from any address in accountWindow,
// logins answer 429.
const (
	maxFailuresPerUser    = 10
	maxFailuresPerIP      = 50
	failureWindow         = time.Minute
	maxFailuresPerAccount = 30
	accountWindow         = 10 * time.Minute
)

// sessionTouchEvery bounds how often a session's last use is written: at
// most once a minute, or a quarter of the idle timeout when that is shorter.
func (c *Core) sessionTouchEvery() time.Duration {
	return min(time.Minute, c.set.SessionIdle/4)
}

// ErrBadCredentials is a failed login.
var ErrBadCredentials = errors.New("wrong username or password")

// ErrOTPRequired is a login with the right password to an account with a
// second factor, without a code (or with a wrong one: ErrBadOTP).
var (
	ErrOTPRequired = errors.New("this account needs the code of its authenticator app (otp)")
	ErrBadOTP      = errors.New("the code (otp) is wrong or was used already")
)

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

// Credentials are what a person logging in gives, and where from.
type Credentials struct {
	Username string
	Password string
	// OTP is the code of the authenticator app, for accounts with TOTP.
	OTP string
	// ClientIP is the client's address (handlers.clientIP), the throttle's key.
	ClientIP string
}

func (cr Credentials) check() error {
	var v domain.ValidationError
	if strings.TrimSpace(cr.Username) == "" {
		v.Add("username", "required")
	}
	if cr.Password == "" {
		v.Add("password", "required")
	}
	if len(cr.Username) > 64 || !utf8.ValidString(cr.Username) || strings.ContainsRune(cr.Username, 0) {
		v.Add("username", "at most 64 characters of text")
	}
	if len(cr.Password) > 1024 {
		v.Add("password", "at most 1024 bytes")
	}
	if len(cr.OTP) > 16 {
		v.Add("otp", "at most 16 characters")
	}
	return v.Err()
}

// Login checks a username, password and (for accounts with a second factor)
// TOTP code and opens a session. The attempt is counted against the
// throttle first; the password is checked outside any transaction, with at
// most a few hashes computed at once; only then is the session written.
// Errors: domain.ValidationError, ThrottledError, ErrBadCredentials,
// ErrOTPRequired, ErrBadOTP.
func (c *Core) Login(ctx context.Context, cr Credentials) (LoginResult, error) {
	if err := cr.check(); err != nil {
		return LoginResult{}, err
	}
	attempt, err := c.countLoginAttempt(ctx, cr.Username, cr.ClientIP)
	if err != nil {
		return LoginResult{}, err
	}
	u, err := c.checkPassword(ctx, cr.Username, cr.Password)
	if err != nil {
		return LoginResult{}, err // the attempt stays counted as a failure
	}
	if err := c.checkSecondFactor(ctx, u.ID, cr.OTP); err != nil {
		return LoginResult{}, err
	}
	if err := c.store.Q().ForgetLoginAttempt(ctx, attempt); err != nil {
		return LoginResult{}, err
	}
	return c.openSession(ctx, u)
}

// countLoginAttempt records an attempt under locks on the address and the
// username (always in that order), unless a limit is reached.
func (c *Core) countLoginAttempt(ctx context.Context, username, ip string) (int64, error) {
	var id int64
	err := c.store.Tx(ctx, func(q *repo.Q) error {
		if err := q.XactLock(ctx, "login-ip:"+ip); err != nil {
			return err
		}
		if err := q.XactLock(ctx, "login-user:"+strings.ToLower(username)); err != nil {
			return err
		}
		now := c.now()
		n, err := q.CountLoginAttempts(ctx, username, ip, now.Add(-failureWindow), now.Add(-accountWindow))
		if err != nil {
			return err
		}
		wait := func(oldest time.Time, window time.Duration) error {
			return ThrottledError{RetryAfter: max(oldest.Add(window).Sub(now), time.Second)}
		}
		switch {
		case n.ByUserIP >= maxFailuresPerUser:
			return wait(n.OldestUserIP, failureWindow)
		case n.ByIP >= maxFailuresPerIP:
			return wait(n.OldestIP, failureWindow)
		case n.ByAccount >= maxFailuresPerAccount:
			return wait(n.OldestAccount, accountWindow)
		}
		id, err = q.AddLoginAttempt(ctx, username, ip)
		return err
	})
	return id, err
}

// checkPassword returns the active user whose password this is, or
// ErrBadCredentials; unknown usernames take as long as known ones.
func (c *Core) checkPassword(ctx context.Context, username, password string) (repo.User, error) {
	u, err := c.store.Q().GetUserByName(ctx, username)
	if err != nil && !errors.Is(err, repo.ErrNotFound) {
		return repo.User{}, fmt.Errorf("read user: %w", err)
	}
	hash := []byte(u.PasswordHash)
	if len(hash) == 0 {
		hash = c.dummyPasswordHash()
	}
	ok, err := c.comparePassword(ctx, hash, password)
	if err != nil {
		return repo.User{}, err
	}
	if !ok || u.ID == 0 || !u.Active {
		return repo.User{}, ErrBadCredentials
	}
	return u, nil
}

// comparePassword runs bcrypt with at most cap(hashSem) hashes at once, so
// a flood of logins queues here instead of starving every other request.
func (c *Core) comparePassword(ctx context.Context, hash []byte, password string) (bool, error) {
	select {
	case c.hashSem <- struct{}{}:
	case <-ctx.Done():
		return false, fmt.Errorf("wait to check a password: %w", ctx.Err())
	}
	defer func() { <-c.hashSem }()
	return bcrypt.CompareHashAndPassword(hash, bcryptInput(password)) == nil, nil
}

// openSession writes a new session and ends the oldest ones beyond the cap.
func (c *Core) openSession(ctx context.Context, u repo.User) (LoginResult, error) {
	defer c.changed(repo.ChangeSessions)
	token, err := randomToken(32)
	if err != nil {
		return LoginResult{}, err
	}
	expires := c.now().Add(c.set.SessionTTL)
	err = c.store.Tx(ctx, func(q *repo.Q) error {
		if err := q.XactLock(ctx, fmt.Sprintf("sessions:%d", u.ID)); err != nil {
			return err
		}
		if err := q.CreateSession(ctx, tokenHash(token), u.ID, expires); err != nil {
			return err
		}
		return q.CapSessions(ctx, u.ID, c.set.MaxSessions)
	})
	if err != nil {
		return LoginResult{}, err
	}
	return LoginResult{Token: token, ExpiresAt: expires.In(c.set.Location), User: userView(u)}, nil
}

// Logout ends the session of a token at once.
func (c *Core) Logout(ctx context.Context, token string) error {
	defer c.changed(repo.ChangeSessions)
	return c.store.Q().RevokeSession(ctx, tokenHash(token))
}

// Authenticate returns the viewer behind a bearer token, or domain.ErrNotFound
// when the token is unknown, expired, idle too long or revoked. The
// session's last use is written at most every sessionTouchEvery.
func (c *Core) Authenticate(ctx context.Context, token string) (domain.Viewer, error) {
	return c.viewerOf(ctx, token, repo.SessionAPI)
}

// viewerOf returns the viewer behind a live session of one kind, touching
// the session at most every sessionTouchEvery.
func (c *Core) viewerOf(ctx context.Context, token string, kind repo.SessionKind) (domain.Viewer, error) {
	if token == "" || len(token) > 256 {
		return domain.Viewer{}, domain.ErrNotFound
	}
	key := sessionKey{hash: sha256.Sum256([]byte(token)), kind: kind}
	now := c.now()
	e, gen, ok := c.caches.sessions.get(key)
	// a session idle too long by this process's view may have been used on
	// another: ask the database
	if !ok || !c.caches.on.Load() || !now.Before(e.expires) || now.Sub(e.lastSeen) >= c.set.SessionIdle {
		s, err := c.store.Q().LiveSessionUser(ctx, key.hash[:], kind, c.set.SessionIdle)
		if errors.Is(err, repo.ErrNotFound) {
			return domain.Viewer{}, domain.ErrNotFound
		}
		if err != nil {
			return domain.Viewer{}, fmt.Errorf("read session: %w", err)
		}
		e = cachedSession{viewer: domain.Viewer{ID: s.ID, Username: s.Username, Role: domain.Role(s.Role),
			UnitCode: strOr(s.UnitCode)}, expires: s.ExpiresAt, lastSeen: s.LastSeen, at: time.Now()}
		if c.caches.on.Load() {
			c.caches.sessions.put(key, e, gen)
		}
	}
	if now.Sub(e.lastSeen) >= c.sessionTouchEvery() {
		if err := c.store.Q().TouchSession(ctx, key.hash[:]); err != nil {
			return domain.Viewer{}, err
		}
		c.caches.sessions.touched(key, now)
	}
	return e.viewer, nil
}

// PasswordChange is a user's change of their own password.
type PasswordChange struct {
	OldPassword string `json:"old_password"`
	NewPassword string `json:"new_password"`
}

// ChangePassword sets a new password for the viewer after checking the old
// one (counted against the login throttle like a login), and ends every
// other session of the account; the session of token stays.
func (c *Core) ChangePassword(ctx context.Context, v domain.Viewer, token, clientIP string, in PasswordChange) error {
	defer c.changed(repo.ChangeSessions)
	var ve domain.ValidationError
	if in.OldPassword == "" || len(in.OldPassword) > 1024 {
		ve.Add("old_password", "required")
	}
	if msg := c.passwords.Check(v.Username, in.NewPassword); msg != "" {
		ve.Add("new_password", "%s", msg)
	} else if in.NewPassword == in.OldPassword {
		ve.Add("new_password", "must differ from the old password")
	}
	if err := ve.Err(); err != nil {
		return err
	}
	attempt, err := c.countLoginAttempt(ctx, v.Username, clientIP)
	if err != nil {
		return err
	}
	if _, err := c.checkPassword(ctx, v.Username, in.OldPassword); err != nil {
		if errors.Is(err, ErrBadCredentials) {
			return domain.ValidationError{{Field: "old_password", Message: "wrong password"}}
		}
		return err
	}
	hash, err := c.hashPassword(ctx, in.NewPassword)
	if err != nil {
		return err
	}
	return c.store.Tx(ctx, func(q *repo.Q) error {
		if err := q.ForgetLoginAttempt(ctx, attempt); err != nil {
			return err
		}
		if err := q.SetPasswordHash(ctx, v.ID, hash); err != nil {
			return err
		}
		return q.RevokeOtherSessions(ctx, v.ID, tokenHash(token))
	})
}

// passwordPolicy refuses a new password the policy does not allow (422
// naming the field password).
func (c *Core) passwordPolicy(username, pw string) error {
	if msg := c.passwords.Check(username, pw); msg != "" {
		return domain.ValidationError{{Field: "password", Message: msg}}
	}
	return nil
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
	} else if msg := c.passwords.Check(username, password); msg != "" {
		return false, "", fmt.Errorf("HOTLINE_ADMIN_PASSWORD: %s", msg)
	}
	hash, err := c.hashPassword(ctx, password)
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

// hashPassword hashes a new password, sharing the hashing slots of logins.
func (c *Core) hashPassword(ctx context.Context, p string) (string, error) {
	select {
	case c.hashSem <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("wait to hash a password: %w", ctx.Err())
	}
	defer func() { <-c.hashSem }()
	h, err := bcrypt.GenerateFromPassword(bcryptInput(p), bcrypt.DefaultCost)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return string(h), nil
}

// bcryptInput is what bcrypt sees of a password: bcrypt reads at most 72
// bytes, so a longer password (64 Chinese characters are 192) is first
// reduced to the base64 of its SHA-256. Passwords of up to 72 bytes hash as
// they always did.
func bcryptInput(p string) []byte {
	if len(p) <= 72 {
		return []byte(p)
	}
	sum := sha256.Sum256([]byte(p))
	return []byte(base64.StdEncoding.EncodeToString(sum[:]))
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
