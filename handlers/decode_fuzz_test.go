package handlers

import (
	"errors"
	"reflect"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the strict decoder for every request
// body type of the route table: it must never panic, and every failure must be
// a 400 problem naming a field.
func FuzzDecode(f *testing.F) {
	for _, seed := range []string{
		`{"caller_phone":"13800000000","kind":"help","content":"x"}`,
		`{"kind":`, `[]`, `null`, `{"stars":1e400}`, `{"workdays":-1}`, `{"keywords":[1,2]}`,
		`{"a":1} {"b":2}`, "{\"content\":\"\xff\xfe\"}", `{"co_unit_codes":"A"}`, `"string"`, `{"urgent":"yes"}`,
	} {
		f.Add([]byte(seed))
	}
	var a *api
	var types []reflect.Type
	for _, r := range a.routes() {
		if r.in != nil {
			types = append(types, reflect.TypeOf(r.in))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, typ := range types {
			dst := reflect.New(typ).Interface()
			for _, lenient := range []bool{false, true} {
				err := decodeJSON(body, dst, lenient)
				if err == nil {
					continue
				}
				var p *Problem
				if !errors.As(err, &p) || p.Status != 400 || len(p.Errors) != 1 || p.Errors[0].Field == "" {
					t.Fatalf("%s: decode error %v is not a 400 problem naming a field", typ, err)
				}
			}
		}
	})
}
