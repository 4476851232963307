package core

import (
	"context"
	"crypto/subtle"
	"fmt"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"hotline/domain"
	"hotline/repo"
)

// totpPeriod is the TOTP time step (RFC 6238's default, what every
// authenticator app expects); a code of the step before or after is also
// accepted, for clocks a little apart.
const totpPeriod = 30 * time.Second

// TOTPEnrolment is the secret of a new second factor, shown once.
type TOTPEnrolment struct {
	Secret string `json:"secret"`
	// URI is the otpauth:// address an authenticator app reads (as a QR code).
	URI string `json:"otpauth_uri"`
}

// TOTPCode confirms an enrolment.
type TOTPCode struct {
	Code string `json:"code"`
}

// EnrolTOTP starts (or restarts, while unconfirmed) the viewer's second
// factor: it stores a new secret and returns it with its otpauth URI. The
// factor is off until ConfirmTOTP; a confirmed one must be reset by an admin
// first (409).
func (c *Core) EnrolTOTP(ctx context.Context, v domain.Viewer) (TOTPEnrolment, error) {
	cur, err := c.store.Q().GetTOTP(ctx, v.ID)
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("read second factor: %w", err)
	}
	if cur.Enabled {
		return TOTPEnrolment{}, fmt.Errorf("a second factor is already on; an admin can reset it: %w", domain.ErrConflict)
	}
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "Hotline", AccountName: v.Username, Period: uint(totpPeriod / time.Second)})
	if err != nil {
		return TOTPEnrolment{}, fmt.Errorf("generate totp secret: %w", err)
	}
	secret := key.Secret()
	if err := c.store.Q().SetTOTP(ctx, v.ID, &secret); err != nil {
		return TOTPEnrolment{}, err
	}
	return TOTPEnrolment{Secret: secret, URI: key.URL()}, nil
}

// ConfirmTOTP turns the viewer's enrolled second factor on with a code from
// the app; from then on every login needs a code.
func (c *Core) ConfirmTOTP(ctx context.Context, v domain.Viewer, in TOTPCode) error {
	cur, err := c.store.Q().GetTOTP(ctx, v.ID)
	if err != nil {
		return fmt.Errorf("read second factor: %w", err)
	}
	if cur.Secret == nil {
		return fmt.Errorf("enrol first (POST /api/v1/auth/totp): %w", domain.ErrConflict)
	}
	if cur.Enabled {
		return fmt.Errorf("the second factor is already on: %w", domain.ErrConflict)
	}
	ok, err := c.useTOTPCode(ctx, v.ID, cur, in.Code, true)
	if err != nil {
		return err
	}
	if !ok {
		return domain.ValidationError{{Field: "code", Message: "wrong code: use the current code of the authenticator app"}}
	}
	return nil
}

// ResetTOTP removes a user's second factor (an admin's act, for a lost
// phone); the user enrols again after the next login. Sessions stay: the
// password still stands between them and a stranger.
func (c *Core) ResetTOTP(ctx context.Context, userID int64) error {
	return notFoundAs(c.store.Q().SetTOTP(ctx, userID, nil), "user")
}

// checkSecondFactor lets a login through when the account has no second
// factor, or when code is a current, unused code of it.
func (c *Core) checkSecondFactor(ctx context.Context, userID int64, code string) error {
	cur, err := c.store.Q().GetTOTP(ctx, userID)
	if err != nil {
		return fmt.Errorf("read second factor: %w", err)
	}
	if !cur.Enabled || cur.Secret == nil {
		return nil
	}
	if code == "" {
		return ErrOTPRequired
	}
	ok, err := c.useTOTPCode(ctx, userID, cur, code, false)
	if err != nil {
		return err
	}
	if !ok {
		return ErrBadOTP
	}
	return nil
}

// useTOTPCode accepts a code of the current step or the one before or
// after that is later than any step used before, and records its step.
func (c *Core) useTOTPCode(ctx context.Context, userID int64, cur repo.TOTP, code string, enable bool) (bool, error) {
	if cur.Secret == nil || len(code) != 6 {
		return false, nil
	}
	now := c.now()
	for _, skew := range []int64{-1, 0, 1} {
		at := now.Add(time.Duration(skew) * totpPeriod)
		want, err := totp.GenerateCodeCustom(*cur.Secret, at, totp.ValidateOpts{
			Period: uint(totpPeriod / time.Second), Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
		if err != nil {
			return false, fmt.Errorf("compute totp code: %w", err)
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) != 1 {
			continue
		}
		step := at.Unix() / int64(totpPeriod/time.Second)
		ok, err := c.store.Q().UseTOTPStep(ctx, userID, step, enable)
		if err != nil {
			return false, err
		}
		return ok, nil
	}
	return false, nil
}
