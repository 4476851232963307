package handlers

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
)

// enumOf lists the values of the API's enumerated string types.
func enumOf(t reflect.Type) []any {
	var vals []string
	switch t {
	case reflect.TypeFor[domain.Kind]():
		for _, k := range domain.Kinds() {
			vals = append(vals, string(k))
		}
	case reflect.TypeFor[domain.Channel]():
		for _, c := range domain.Channels() {
			vals = append(vals, string(c))
		}
	case reflect.TypeFor[domain.Status]():
		vals = statusNames()
	case reflect.TypeFor[domain.Role]():
		for _, r := range domain.Roles() {
			vals = append(vals, string(r))
		}
	case reflect.TypeFor[domain.CaseKind](), reflect.TypeFor[domain.ApplicantType](),
		reflect.TypeFor[domain.SubmittedVia](), reflect.TypeFor[domain.DisclosureOutcome]():
		vals = disclosureEnum(t)
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

// fieldEnums documents string fields whose values are fixed.
func fieldEnums(name string) []any {
	var vals []string
	switch name {
	case "kind":
		vals = names(domain.Kinds())
	case "channel":
		vals = names(domain.Channels())
	case "status":
		return nil // several resources have a status of their own
	case "role":
		vals = names(domain.Roles())
	case "satisfaction":
		vals = []string{"satisfied", "basically_satisfied", "dissatisfied"}
	case "method":
		vals = []string{"call", "sms", "link"}
	}
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

func customize(name string, t reflect.Type, tag reflect.StructTag, s *openapi3.Schema) error {
	if e := enumOf(t); len(e) > 0 {
		s.Enum = e
	} else if t.Kind() == reflect.String && len(fieldEnums(name)) > 0 && name != "_root" {
		s.Enum = fieldEnums(name)
	}
	if t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		s.Nullable = true
	}
	switch t {
	case reflect.TypeFor[core.StatsRow]():
		// the group keys sit beside the figures
		figures, err := openapi3gen.NewSchemaRefForValue(domain.Figures{}, nil, openapi3gen.SchemaCustomizer(customize))
		if err != nil {
			return err
		}
		*s = *figures.Value
		for _, k := range []string{"unit_code", "channel", "kind", "category_code", "period"} {
			s.Properties[k] = openapi3.NewSchemaRef("", &openapi3.Schema{Type: &openapi3.Types{"string"}, Nullable: true,
				Description: "group key, present when grouped by it"})
		}
	}
	return nil
}

func schemaFor(v any) (*openapi3.SchemaRef, error) {
	return openapi3gen.NewSchemaRefForValue(v, nil, openapi3gen.SchemaCustomizer(customize))
}

var pathParam = regexp.MustCompile(`:([a-z]+)`)

// openAPIDoc builds the OpenAPI 3 document from the route table.
func (a *api) openAPIDoc() (*openapi3.T, error) {
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{Title: "Hotline API", Version: "1.0.0",
			Description: "Public inquiries for a government department: hotline calls, mailbox letters, microblog posts and " +
				"upstream platform items, routed to units, answered, visited and counted. Errors are application/problem+json. " +
				"Creating POSTs accept an Idempotency-Key header (kept 48 hours): the same key and body replay the first " +
				"response, another body is 409. Lists are cursor-paged (limit, cursor → next_cursor). Times are RFC 3339; " +
				"days, deadlines and report periods are in Asia/Shanghai."},
		Paths: openapi3.NewPaths(),
		Components: &openapi3.Components{
			Schemas: openapi3.Schemas{},
			SecuritySchemes: openapi3.SecuritySchemes{
				"bearer": &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().WithType("http").WithScheme("bearer").
					WithDescription("token from POST /api/v1/auth/login")},
				"webhookSignature": &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().WithType("apiKey").
					WithIn("header").WithName("X-Hotline-Signature").
					WithDescription(`sha256=<hex HMAC-SHA256 of "<X-Hotline-Timestamp>.<raw body>"> with HOTLINE_WEBHOOK_SECRET; at most 5 minutes old`)},
				"platformKey": &openapi3.SecuritySchemeRef{Value: openapi3.NewSecurityScheme().WithType("apiKey").
					WithIn("header").WithName("X-Api-Key").WithDescription("HOTLINE_PLATFORM_API_KEY")},
			},
		},
	}
	problem, err := schemaFor(Problem{})
	if err != nil {
		return nil, err
	}
	doc.Components.Schemas["Problem"] = problem
	problemRef := func(desc string) *openapi3.ResponseRef {
		return &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(desc).
			WithContent(openapi3.Content{"application/problem+json": openapi3.NewMediaType().
				WithSchemaRef(openapi3.NewSchemaRef("#/components/schemas/Problem", nil))})}
	}
	for _, r := range a.routes() {
		path := pathParam.ReplaceAllString(r.path, "{$1}")
		op := openapi3.NewOperation()
		op.Summary = r.summary
		op.Tags = []string{r.tag}
		op.OperationID = operationID(r)
		for _, m := range pathParam.FindAllStringSubmatch(r.path, -1) {
			typ := "string"
			if m[1] == "id" || strings.HasSuffix(m[1], "id") || m[1] == "year" {
				typ = "integer"
			}
			op.AddParameter(openapi3.NewPathParameter(m[1]).WithSchema(&openapi3.Schema{Type: &openapi3.Types{typ}}))
		}
		for _, q := range r.query {
			s := &openapi3.Schema{Type: &openapi3.Types{q.typ}}
			for _, e := range q.enum {
				s.Enum = append(s.Enum, e)
			}
			op.AddParameter(openapi3.NewQueryParameter(q.name).WithDescription(q.desc).WithSchema(s))
		}
		if r.creates {
			op.AddParameter(openapi3.NewHeaderParameter(HeaderIdempotencyKey).
				WithDescription("makes the request safe to retry (1 to 255 printable characters)").
				WithSchema(&openapi3.Schema{Type: &openapi3.Types{"string"}}))
		}
		if r.in != nil {
			s, err := schemaFor(r.in)
			if err != nil {
				return nil, fmt.Errorf("schema of %s %s body: %w", r.method, r.path, err)
			}
			op.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(s)}
		}
		ok := openapi3.NewResponse().WithDescription(http.StatusText(r.status))
		if r.out != nil {
			s, err := schemaFor(r.out)
			if err != nil {
				return nil, fmt.Errorf("schema of %s %s answer: %w", r.method, r.path, err)
			}
			ok = ok.WithJSONSchemaRef(s)
		}
		op.AddResponse(r.status, ok)
		op.AddResponse(400, problemRef("Malformed request: bad JSON, unknown field, wrong type").Value)
		if r.in != nil {
			op.AddResponse(413, problemRef("Body over 1 MiB").Value)
			op.AddResponse(415, problemRef("Body not JSON").Value)
			op.AddResponse(422, problemRef("Invalid field values; errors[] names each field").Value)
		}
		switch r.access {
		case accessStaff:
			op.Security = &openapi3.SecurityRequirements{{"bearer": {}}}
			op.AddResponse(401, problemRef("No token, or an expired or revoked one").Value)
			desc := "Role not allowed"
			if r.roles != nil {
				desc += " (allowed: " + roleList(r.roles) + ")"
			}
			op.AddResponse(403, problemRef(desc).Value)
			op.Description = "Roles: " + map[bool]string{true: "every role", false: roleList(r.roles)}[r.roles == nil]
		case accessWebhook:
			op.Security = &openapi3.SecurityRequirements{{"webhookSignature": {}}}
			op.AddParameter(openapi3.NewHeaderParameter("X-Hotline-Timestamp").WithRequired(true).
				WithSchema(&openapi3.Schema{Type: &openapi3.Types{"integer"}}).WithDescription("unix seconds"))
			op.AddResponse(401, problemRef("Bad or stale signature").Value)
			op.AddResponse(503, problemRef("HOTLINE_WEBHOOK_SECRET not set").Value)
		case accessPlatform:
			op.Security = &openapi3.SecurityRequirements{{"platformKey": {}}}
			op.AddResponse(401, problemRef("Missing or wrong X-Api-Key").Value)
			op.AddResponse(503, problemRef("HOTLINE_PLATFORM_API_KEY not set").Value)
		default:
			op.Security = &openapi3.SecurityRequirements{}
		}
		if strings.Contains(r.path, ":") {
			op.AddResponse(404, problemRef("No such resource, or not the caller's to see").Value)
		}
		if r.method == "POST" && strings.Contains(r.path, "/items/:id/") || r.creates {
			op.AddResponse(409, problemRef("The item's status does not allow this, or the Idempotency-Key was used with another body").Value)
		}
		if r.limited || r.path == "/api/v1/auth/login" {
			op.AddResponse(429, problemRef("Rate limited; see Retry-After").Value)
		}
		doc.AddOperation(path, r.method, op)
	}
	for _, p := range []struct{ path, summary string }{
		{"/healthz", "The process is up"},
		{"/readyz", "200 while Postgres answers (intake works without Redis); the body reports each dependency"},
		{"/metrics", "Prometheus metrics: HTTP, queue depth, items by status"},
	} {
		op := openapi3.NewOperation()
		op.Summary, op.Tags, op.OperationID = p.summary, []string{"operations"}, strings.Trim(p.path, "/")
		op.AddResponse(200, openapi3.NewResponse().WithDescription("OK"))
		doc.AddOperation(p.path, "GET", op)
	}
	return doc, nil
}

func operationID(r route) string {
	p := strings.NewReplacer("/api/v1/", "", "/:", "_by_", "/", "_", "-", "_").Replace(r.path)
	return strings.ToLower(r.method) + "_" + p
}

func (a *api) openapi(c *fiber.Ctx) error {
	doc, err := a.openAPIDoc()
	if err != nil {
		return err
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(b)
}
