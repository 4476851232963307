package handlers_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"hotline/testenv"
)

// TestReadmeWalkthrough runs the README's walk-through, as written, against a
// fresh server: only the address and the admin password file differ.
func TestReadmeWalkthrough(t *testing.T) {
	t.Parallel()
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)<!-- walkthrough -->\\s*```sh\\n(.*?)```\\s*<!-- /walkthrough -->").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no walk-through block")
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Fatalf("the walk-through needs curl: %v", err)
	}
	s := testenv.NewServer(t, testenv.Options{})
	dir := t.TempDir()
	if err := os.WriteFile(dir+"/.hotline-admin", []byte(testenv.AdminPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	script := strings.ReplaceAll(string(m[1]), "http://localhost:8080", s.URL)
	for run := 1; run <= 2; run++ { // the README says it is safe to run twice
		cmd := exec.Command("bash", "-euo", "pipefail", "-c", script)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("run %d: %v\n%s", run, err, out)
		}
		text := string(out)
		lines := strings.Split(strings.TrimSpace(text), "\n")
		last := lines[len(lines)-1]
		for _, want := range []string{`"status":"dispatched"`, `"primary_unit_code":"TAXI"`, `"action":"routed"`, `"phone":"13812345678"`} {
			if !strings.Contains(last, want) {
				t.Errorf("run %d: the item lacks %s:\n%s", run, want, text)
			}
		}
		if !strings.Contains(text, "logged item 1\n") {
			t.Errorf("run %d: not item 1 (the Idempotency-Key should replay it):\n%s", run, text)
		}
	}
	var rules struct {
		Items []struct {
			PrimaryUnitCode string `json:"primary_unit_code"`
		} `json:"items"`
	}
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/routing-rules", Token: s.Admin(t)}).Decode(t, &rules)
	if len(rules.Items) != 1 || rules.Items[0].PrimaryUnitCode != "TAXI" {
		t.Errorf("after two runs the routing rules are %+v, want the one rule to TAXI", rules.Items)
	}
}
