package handlers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/domain"
)

// decodeJSON reads a request body into dst strictly: one JSON value, no
// unknown fields, types as documented. Every failure is a 400 problem naming
// the field (or "body"); nothing half-decoded reaches the caller.
func decodeJSON(body []byte, dst any, allowUnknown bool) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return fieldProblem(fiber.StatusBadRequest, "body", "a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if !allowUnknown {
		dec.DisallowUnknownFields()
	}
	if err := dec.Decode(dst); err != nil {
		return decodeProblem(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fieldProblem(fiber.StatusBadRequest, "body", "only one JSON value is allowed")
	}
	return nil
}

func decodeProblem(err error) error {
	var (
		syn *json.SyntaxError
		typ *json.UnmarshalTypeError
	)
	switch {
	case errors.As(err, &syn):
		return fieldProblem(fiber.StatusBadRequest, "body", fmt.Sprintf("invalid JSON at byte %d", syn.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return fieldProblem(fiber.StatusBadRequest, "body", "the JSON ends too early")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return fieldProblem(fiber.StatusBadRequest, field, fmt.Sprintf("must be %s, not %s", jsonType(typ.Type.Kind().String()), typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		if field == "" {
			return fieldProblem(fiber.StatusBadRequest, "body", `unknown field ""`)
		}
		return fieldProblem(fiber.StatusBadRequest, field, "unknown field")
	}
	return fieldProblem(fiber.StatusBadRequest, "body", "not a valid JSON object for this endpoint")
}

func jsonType(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "bool":
		return "true or false"
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64":
		return "a whole number"
	case "float32", "float64":
		return "a number"
	case "slice", "array":
		return "an array"
	case "struct", "map":
		return "an object"
	case "ptr":
		return "a value of the documented type"
	}
	return "of the documented type"
}

// body decodes the request body of c into dst. A body that is not declared as
// JSON is refused with 415.
func body(c *fiber.Ctx, dst any) error {
	if len(c.Body()) > 0 && !isJSONContentType(c.Get(fiber.HeaderContentType)) {
		return unsupportedMediaType()
	}
	return decodeJSON(c.Body(), dst, false)
}

// pathID reads a positive integer path parameter.
func pathID(c *fiber.Ctx, name string) (int64, error) {
	n, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, newProblem(fiber.StatusNotFound, "not_found", name+" must be a positive whole number")
	}
	return n, nil
}

// queryBool reads an optional true/false query parameter.
func queryBool(c *fiber.Ctx, name string) (*bool, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, fieldProblem(fiber.StatusBadRequest, name, "true or false")
	}
	return &b, nil
}

// queryTime reads an optional time, as RFC 3339 or as a date YYYY-MM-DD
// (midnight in loc).
func queryTime(c *fiber.Ctx, name string, loc *time.Location) (*time.Time, error) {
	v := c.Query(name)
	if v == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		if t, err = time.ParseInLocation("2006-01-02", v, loc); err != nil {
			return nil, fieldProblem(fiber.StatusBadRequest, name, "a date YYYY-MM-DD or an RFC 3339 time")
		}
	}
	if !domain.TimeInRange(t) {
		return nil, fieldProblem(fiber.StatusUnprocessableEntity, name, "a date or time "+domain.TimeRangeMessage)
	}
	return &t, nil
}
