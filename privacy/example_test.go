package privacy_test

import (
	"fmt"
	"log/slog"
	"os"

	"hotline/privacy"
)

func ExampleScrub() {
	fmt.Println(privacy.Scrub("我叫王小明,电话13912345678,邮箱wxm@163.com,在K12路公交上被拒载,车牌浙A12345", "王小明"))
	// Output: 我叫王**,电话[电话],邮箱[邮箱],在K12路公交上被拒载,车牌[车牌]
}

func ExampleNormalizePhone() {
	for _, s := range []string{"+86 138-1234-5678", "021-6234 5678", "12328", "+44 20 7946 0958", "12-34"} {
		n, err := privacy.NormalizePhone(s)
		fmt.Printf("%q %v\n", n, err)
	}
	// Output:
	// "13812345678" <nil>
	// "02162345678" <nil>
	// "12328" <nil>
	// "+442079460958" <nil>
	// "" privacy: invalid phone number
}

func ExampleNewHandler() {
	opts := &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}
	logger := slog.New(privacy.NewHandler(slog.NewTextHandler(os.Stdout, opts)))
	logger.Info("callback requested 13912345678", "caller_name", "王小明", "phone", "13912345678")
	// Output: level=INFO msg="callback requested [电话]" caller_name=王** phone=139****5678
}
