package handlers_test

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"hotline/handlers"
	"hotline/testenv"
)

// TestOpenAPIDescribesEveryRoute loads the published document, validates it
// as OpenAPI 3, and checks that every route of the table is in it.
func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	t.Parallel()
	s := testenv.NewServer(t, testenv.Options{NoWorker: true})
	r := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/api/v1/openapi.json"})
	doc, err := openapi3.NewLoader().LoadFromData(r.Body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	param := regexp.MustCompile(`:([a-z]+)`)
	for _, rt := range handlers.Routes() {
		path := param.ReplaceAllString(rt.Path, "{$1}")
		item := doc.Paths.Find(path)
		if item == nil {
			t.Errorf("%s is not documented", path)
			continue
		}
		op := item.GetOperation(rt.Method)
		if op == nil {
			t.Errorf("%s %s is not documented", rt.Method, path)
			continue
		}
		if rt.Access == "staff" && (op.Security == nil || len(*op.Security) == 0) {
			t.Errorf("%s %s: no security requirement", rt.Method, path)
		}
		if rt.Creates && op.Parameters.GetByInAndName("header", "Idempotency-Key") == nil {
			t.Errorf("%s %s: Idempotency-Key not documented", rt.Method, path)
		}
		if strings.HasPrefix(rt.Method, "P") && rt.Method != "PUT" && op.Responses.Status(400) == nil {
			t.Errorf("%s %s: no 400 problem documented", rt.Method, path)
		}
	}
	for _, p := range []string{"/healthz", "/readyz", "/metrics"} {
		if doc.Paths.Find(p) == nil {
			t.Errorf("%s is not documented", p)
		}
	}
	calls := doc.Paths.Find("/api/v1/calls").Post.RequestBody.Value.Content.Get("application/json").Schema.Value
	if kind := calls.Properties["kind"]; kind == nil || len(kind.Value.Enum) != 6 {
		t.Errorf("the kind enum is not documented: %+v", kind)
	}
}

func TestOperationsEndpoints(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	call(t, s, op, map[string]any{"caller_phone": "13800000001", "kind": "complaint", "content": "出租车拒载"})
	s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/healthz"})
	m := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/metrics"})
	for _, want := range []string{`hotline_http_requests_total{method="POST",route="/api/v1/calls",status="201"}`,
		`hotline_queue_tasks{queue="critical"`, `hotline_items{status=`, "hotline_queue_up 1"} {
		if !strings.Contains(string(m.Body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// the queue dashboard is for admins only
	s.Expect(t, 401, testenv.Req{Method: "GET", Path: "/admin/queues"})
	s.Expect(t, 403, testenv.Req{Method: "GET", Path: "/admin/queues", Token: op})
	r := s.Expect(t, 200, testenv.Req{Method: "GET", Path: "/admin/queues", Token: s.Admin(t)})
	if !strings.Contains(strings.ToLower(string(r.Body)), "<html") {
		t.Errorf("dashboard: %.200s", r.Body)
	}
	// security headers on every answer
	if h := m.Header.Get("X-Content-Type-Options"); h != "nosniff" {
		t.Errorf("X-Content-Type-Options %q", h)
	}
	// an unknown path is a problem too
	nf := s.Expect(t, 404, testenv.Req{Method: "GET", Path: "/api/v1/nothing-here"})
	if !strings.Contains(nf.Header.Get("Content-Type"), "problem+json") {
		t.Errorf("404 content type %q", nf.Header.Get("Content-Type"))
	}
}
