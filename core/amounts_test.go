package core_test

import (
	"errors"
	"math"
	"testing"

	"hotline/core"
	"hotline/domain"
)

// TestAmountsRefuseNonFinite: NaN and ±Inf compare false with everything,
// so a check written as "x <= 0" lets them through; Postgres numeric would
// store NaN and the API could no longer answer for the record.
func TestAmountsRefuseNonFinite(t *testing.T) {
	f := newFixture(t)
	zero := int64(0)
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), 0, -1, 2e9} {
		var ve domain.ValidationError
		_, err := f.core.NotifyFee(f.ctx, f.operator, 1, core.FeeInput{NotifiedOn: "2025-10-22", AmountYuan: x})
		if !errors.As(err, &ve) || ve[0].Field != "amount_yuan" {
			t.Errorf("fee of %v: %v; want a 422 on amount_yuan", x, err)
		}
		if x == 0 {
			continue // no fees is a valid annual figure
		}
		fees := x
		in := core.ActiveFigures{Regulations: core.DocumentFigures{&zero, &zero, &zero}, NormativeDocuments: core.DocumentFigures{&zero, &zero, &zero},
			LicensingDecisions: &zero, PenaltyDecisions: &zero, EnforcementDecisions: &zero, Fees10kYuan: &fees}
		ve = nil
		_, err = f.core.PutActiveFigures(f.ctx, f.manager, 2025, in)
		if !errors.As(err, &ve) || len(ve) != 1 || ve[0].Field != "fees_10k_yuan" {
			t.Errorf("fees_10k_yuan of %v: %v; want a 422 on fees_10k_yuan only", x, err)
		}
	}
}
