package core

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"hotline/domain"
	"hotline/privacy"
	"hotline/repo"
)

// checkItem asserts what intake promises of an item it accepts.
func checkItem(t *testing.T, it repo.Item) {
	t.Helper()
	if !domain.Kind(it.Kind).Valid() || !domain.Channel(it.Channel).Valid() {
		t.Fatalf("accepted kind %q channel %q", it.Kind, it.Channel)
	}
	if strings.TrimSpace(it.Content) == "" || utf8.RuneCountInString(it.Content) > maxContent || !utf8.ValidString(it.Content) {
		t.Fatalf("accepted content %q", it.Content)
	}
	for name, v := range map[string]string{"title": it.Title, "name": it.CitizenName, "region": it.Region} {
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			t.Fatalf("accepted %s %q", name, v)
		}
	}
	if utf8.RuneCountInString(it.Title) > maxTitle+1 || utf8.RuneCountInString(it.CitizenName) > maxName {
		t.Fatalf("accepted an oversized field: %q %q", it.Title, it.CitizenName)
	}
	if it.CitizenPhone != "" {
		if again, err := privacy.NormalizePhone(it.CitizenPhone); err != nil || again != it.CitizenPhone {
			t.Fatalf("stored phone %q is not normalised", it.CitizenPhone)
		}
	}
}

// FuzzIntake decodes arbitrary JSON into each intake input and validates it:
// no panic, every refusal is a list of field errors, and every acceptance
// satisfies the limits above.
func FuzzIntake(f *testing.F) {
	for _, seed := range []string{
		`{"caller_phone":"138 1234 5678","kind":"complaint","content":"出租车拒载","answered_on_call":true,"answer":"已答复"}`,
		`{"name":"李四","phone":"021-6234 5678","email":"a@b.cn","kind":"suggestion","title":"t","content":"c"}`,
		`{"post_id":"1","author_id":"u","text":"的士","posted_at":"2026-11-24T10:00:00+08:00"}`,
		`{"external_id":"P1","kind":"help","content":"c","due_at":"2026-12-01T17:30:00Z","citizen_phone":"+8613900000000"}`,
		`{"kind":"gossip","content":"\u0000"}`, `{"title":"` + strings.Repeat("长", 300) + `"}`,
	} {
		f.Add([]byte(seed))
	}
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		check := func(it repo.Item, err error) {
			var ve domain.ValidationError
			switch {
			case err == nil:
				checkItem(t, it)
			case !errors.As(err, &ve) || len(ve) == 0 || ve[0].Field == "":
				t.Fatalf("refusal %v is not a list of field errors", err)
			}
		}
		var call CallInput
		if json.Unmarshal(body, &call) == nil {
			check(call.item())
		}
		var letter LetterInput
		if json.Unmarshal(body, &letter) == nil {
			check(letter.item())
		}
		var post MicroblogInput
		if json.Unmarshal(body, &post) == nil {
			check(post.item(now))
		}
		var plat PlatformInput
		if json.Unmarshal(body, &plat) == nil {
			check(plat.item())
		}
	})
}
