package privacy_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"hotline/privacy"
)

func TestScrub(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		names []string
		want  string
	}{
		{
			name:  "brief example",
			text:  "我叫王小明,电话13912345678,身份证号330102199001011234,邮箱wxm@163.com,在K12路公交上被拒载,车牌[车牌],2026-11-24上午10点",
			names: []string{"王小明"},
			want:  "我叫王**,电话[电话],身份证号[身份证号],邮箱[邮箱],在K12路公交上被拒载,车牌[车牌],2026-11-24上午10点",
		},
		{
			name: "brief example without names",
			text: "我叫王小明,电话13912345678,身份证号330102199001011234,邮箱wxm@163.com,在K12路公交上被拒载,车牌[车牌],2026-11-24上午10点",
			want: "我叫王**,电话[电话],身份证号[身份证号],邮箱[邮箱],在K12路公交上被拒载,车牌[车牌],2026-11-24上午10点",
		},
		{
			name: "mobile with dashes",
			text: "请回电138-1234-5678，谢谢",
			want: "请回电[电话]，谢谢",
		},
		{
			name: "mobile with spaces",
			text: "我的手机 138 1234 5678 白天都能接",
			want: "我的手机 [电话] 白天都能接",
		},
		{
			name: "mobile with +86 prefixes",
			text: "+86 139 1234 5678、+8613912345678、(+86)13912345678、0086-13912345678、8613912345678",
			want: "[电话]、[电话]、[电话]、[电话]、[电话]",
		},
		{
			name: "full-width mobile",
			text: "电话：１３９１２３４５６７８。",
			want: "电话：[电话]。",
		},
		{
			name: "mobile at start and end",
			text: "13912345678",
			want: "[电话]",
		},
		{
			name: "two mobiles in a row",
			text: "13912345678/13812345678",
			want: "[电话]/[电话]",
		},
		{
			name: "landlines",
			text: "座机021-6234 5678，杭州0571-87654321，(0571)87654321，（0571）8765-4321，北京010 1234 5678，02162345678",
			want: "座机[电话]，杭州[电话]，[电话]，[电话]，北京[电话]，[电话]",
		},
		{
			name: "landline with extension keeps the extension",
			text: "拨打0571-87654321-8001转人工",
			want: "拨打[电话]-8001转人工",
		},
		{
			name: "international",
			text: "国外亲属电话+442079460958",
			want: "国外亲属电话[电话]",
		},
		{
			name: "+86 landline",
			text: "总机+86 21 6234 5678",
			want: "总机[电话]",
		},
		{
			name: "email addresses",
			text: "邮箱zhang.san@example.com或者ZS_2026@mail.hz.gov.cn，QQ邮箱123456789@qq.com。",
			want: "邮箱[邮箱]或者[邮箱]，QQ邮箱[邮箱]。",
		},
		{
			name: "full-width at sign",
			text: "发到wxm＠163.com",
			want: "发到[邮箱]",
		},
		{
			name: "ID number with X",
			text: "身份证33010219900101123X，另一个11010519851231002x。",
			want: "身份证[身份证号]，另一个[身份证号]。",
		},
		{
			name: "grouped ID number",
			text: "身份证号 330102 19900101 1234 已提交",
			want: "身份证号 [身份证号] 已提交",
		},
		{
			name: "old 15-digit ID number",
			text: "老身份证330102900101123",
			want: "老身份证[身份证号]",
		},
		{
			name: "bank cards",
			text: "退款到6222021234567890123，或者6222 0212 3456 7890 123，或者6228480012345678",
			want: "退款到[银行卡号]，或者[银行卡号]，或者[银行卡号]",
		},
		{
			name: "19-digit bank card is not a phone",
			text: "卡号6213912345678901234",
			want: "卡号[银行卡号]",
		},
		{
			name: "18 digits with an impossible birth date are a bank card",
			text: "卡号622848001234567890",
			want: "卡号[银行卡号]",
		},
		{
			name: "names given explicitly",
			text: "张三反映李四师傅态度恶劣，张三要求李四道歉。",
			names: []string{
				"张三", "李四",
			},
			want: "张*反映李*师傅态度恶劣，张*要求李*道歉。",
		},
		{
			name:  "longer name masked before the shorter one",
			text:  "王小明说小明是他的小名",
			names: []string{"小明", "王小明"},
			want:  "王**说小*是他的小名",
		},
		{
			name:  "compound surname and Latin name",
			text:  "欧阳娜娜和John Smith一起乘车",
			names: []string{"欧阳娜娜", " John Smith "},
			want:  "欧***和J*********一起乘车",
		},
		{
			name:  "invalid names are ignored",
			text:  "王先生 12 * 电话 a",
			names: []string{"王", "12", "*", "", "a"},
			want:  "王先生 12 * 电话 a",
		},
		{
			name:  "a name never touches a placeholder",
			text:  "电话13912345678",
			names: []string{"电话"},
			want:  "电*[电话]",
		},
		{
			name: "self-introductions",
			text: "我是李华，本人张三丰，姓名：赵六，我名叫欧阳修远，我的名字叫刘洋。",
			want: "我是李*，本人张**，姓名：赵*，我名叫欧***，我的名字叫刘*。",
		},
		{
			name: "self-introduction stops at function words",
			text: "我叫张三在公交站等车",
			want: "我叫张*在公交站等车",
		},
		{
			name: "roles are not names",
			text: "我是乘客，我是一名司机，我是江苏人，我是高中生，本人于2026年11月24日乘车，本人向贵单位反映，本人曾经投诉，我是说清楚了，我叫了出租车",
			want: "我是乘客，我是一名司机，我是江苏人，我是高中生，本人于2026年11月24日乘车，本人向贵单位反映，本人曾经投诉，我是说清楚了，我叫了出租车",
		},
		{
			name: "things that must be kept",
			text: "2026-11-24 13:45-14:30，票价120元，共3,500.00元，K123路、B1路、地铁2号线，车牌浙A12345、沪B·D12345，运单号SF1234567890123，订单号202611241234，工单12328-20261124-0001，12345热线，邮编310000，版本1.3.9",
			want: "2026-11-24 13:45-14:30，票价120元，共3,500.00元，K123路、B1路、地铁2号线，车牌[车牌]、[车牌]，运单号SF1234567890123，订单号202611241234，工单12328-20261124-0001，12345热线，邮编310000，版本1.3.9",
		},
		{
			name: "numbers inside longer digit runs are kept",
			text: "流水号139123456789，编号113912345678，20位62220212345678901234",
			want: "流水号139123456789，编号113912345678，20位62220212345678901234",
		},
		{
			name: "15 digits without a birth date are not an ID",
			text: "编号123456789012345",
			want: "编号123456789012345",
		},
		{
			name: "date followed by phone",
			text: "2026-11-24 13912345678 来电",
			want: "2026-11-24 [电话] 来电",
		},
		{
			name: "microblog post",
			text: "@杭州交通 今天在武林广场站，K155路司机(工号2049)拒载，乘客电话159-0000-1111，邮箱 abc.def@qq.com #12328#",
			want: "@杭州交通 今天在武林广场站，K155路司机(工号2049)拒载，乘客电话[电话]，邮箱 [邮箱] #12328#",
		},
		{
			name: "leader mailbox letter",
			text: "尊敬的领导：本人李建国，家住西湖区，身份证号码330106196512120016，联系电话0571-88886666或13605710000。2026年11月20日本人在延安路乘坐出租车(浙AT1234)被多收费35元。",
			want: "尊敬的领导：本人李**，家住西湖区，身份证号码[身份证号]，联系电话[电话]或[电话]。2026年11月20日本人在延安路乘坐出租车([车牌])被多收费35元。",
		},
		{
			name: "empty",
			text: "",
			want: "",
		},
		{
			name: "placeholders are stable",
			text: "[电话][邮箱][身份证号][银行卡号]",
			want: "[电话][邮箱][身份证号][银行卡号]",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := privacy.Scrub(tt.text, tt.names...)
			if got != tt.want {
				t.Errorf("Scrub(%q, %q)\n got %q\nwant %q", tt.text, tt.names, got, tt.want)
			}
			if again := privacy.Scrub(got, tt.names...); again != got {
				t.Errorf("Scrub is not idempotent: %q → %q", got, again)
			}
		})
	}
}

func TestContainsPersonalData(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"电话13912345678", true},
		{"邮箱wxm@163.com", true},
		{"身份证330102199001011234", true},
		{"卡号6222021234567890123", true},
		{"座机0571-87654321", true},
		{"我叫王小明", true},
		{"K12路公交车在2026-11-24上午10点拒载，票价2元", false},
		{"K12路公交车在2026-11-24上午10点拒载，车牌浙A12345，票价2元", true},
		{"订单号202611241234", false},
		{"已脱敏：[电话]、[邮箱]", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := privacy.ContainsPersonalData(tt.text); got != tt.want {
			t.Errorf("ContainsPersonalData(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	valid := []struct{ in, want string }{
		{"13812345678", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{"138 1234 5678", "13812345678"},
		{"138.1234.5678", "13812345678"},
		{" 139 1234 5678 ", "13912345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"+86-13812345678", "13812345678"},
		{"(+86) 13812345678", "13812345678"},
		{"0086 13812345678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"１３８１２３４５６７８", "13812345678"},
		{"＋８６　１３８－１２３４－５６７８", "13812345678"},
		{"19912345678", "19912345678"},
		{"021-6234 5678", "02162345678"},
		{"02162345678", "02162345678"},
		{"0571-87654321", "057187654321"},
		{"(0571)87654321", "057187654321"},
		{"（0571）8765-4321", "057187654321"},
		{"0571-8765432", "05718765432"},
		{"010-12345678", "01012345678"},
		{"+86 21 6234 5678", "02162345678"},
		{"+86 571 8765 4321", "057187654321"},
		{"0086 21 62345678", "02162345678"},
		{"12345", "12345"},
		{"12328", "12328"},
		{"95588", "95588"},
		{"+44 20 7946 0958", "+442079460958"},
		{"+1 (415) 555-0100", "+14155550100"},
		{"0044 20 7946 0958", "+442079460958"},
		{"+8521234567", "+8521234567"},
	}
	for _, tt := range valid {
		got, err := privacy.NormalizePhone(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q, nil", tt.in, got, err, tt.want)
			continue
		}
		if again, err := privacy.NormalizePhone(got); err != nil || again != got {
			t.Errorf("NormalizePhone(%q) = %q, %v; want it to normalise to itself", got, again, err)
		}
	}

	invalid := []string{
		"",
		"   ",
		"+",
		"++8613812345678",
		"138+12345678",
		"12812345678",  // 1[3-9] required
		"1381234567",   // 10 digits
		"138123456789", // 12 digits
		"23812345678",
		"+8612812345678", // +86 with no valid national number
		"86 12812345678",
		"0086123",
		"62345678", // landline without area code
		"00012345678",
		"01212345678",   // no 012 area code
		"0123456789012", // 13 digits starting with 0
		"1234",
		"23456",
		"123456",
		"+0123456789",
		"+1234567",          // international: too short
		"+1234567890123456", // international: too long
		"138-1234-5678 ext 1",
		"tel:13812345678",
		"13812345678a",
		"138/1234/5678",
		"K12路",
		"2026-11-24",
		strings.Repeat("1", 200),
	}
	for _, in := range invalid {
		got, err := privacy.NormalizePhone(in)
		if err == nil {
			t.Errorf("NormalizePhone(%q) = %q, nil; want ErrInvalidPhone", in, got)
			continue
		}
		if err != privacy.ErrInvalidPhone || !errors.Is(err, privacy.ErrInvalidPhone) {
			t.Errorf("NormalizePhone(%q) error = %v; want the sentinel ErrInvalidPhone", in, err)
		}
		if got != "" {
			t.Errorf("NormalizePhone(%q) = %q with error; want \"\"", in, got)
		}
	}
}

func TestNormalizePhoneErrorDoesNotLeakInput(t *testing.T) {
	_, err := privacy.NormalizePhone("13812345678 (mobile)")
	if err == nil || strings.Contains(err.Error(), "1381234") {
		t.Fatalf("error %v must not contain the input", err)
	}
}

func TestMaskPhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"02162345678", "021****5678"},
		{"057187654321", "057*****4321"},
		{"+442079460958", "+44******0958"},
		{"0571876543", "057*****43"},
		{"12328", "1***8"},
		{"123456", "12**56"},
		{"1234567", "12***67"},
		{"123456789", "123****89"},
		{"1234", "1**4"},
		{"123", "1*3"},
		{"12", "**"},
		{"1", "*"},
		{"", ""},
		{"１３８１２３４５６７８", "１３８****５６７８"},
	}
	for _, tt := range tests {
		got := privacy.MaskPhone(tt.in)
		if got != tt.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if utf8.RuneCountInString(got) != utf8.RuneCountInString(tt.in) {
			t.Errorf("MaskPhone(%q) = %q changes the length", tt.in, got)
		}
		if tt.in != "" && got == tt.in {
			t.Errorf("MaskPhone(%q) returned its input unchanged", tt.in)
		}
	}
}

func TestMaskName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"张三", "张*"},
		{"王小明", "王**"},
		{"欧阳娜娜", "欧***"},
		{"John Smith", "J*********"},
		{"买买提·艾力", "买*****"},
		{" 李四 ", "李*"},
		{"张", "*"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := privacy.MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskEmail(t *testing.T) {
	tests := []struct{ in, want string }{
		{"zhang.san@example.com", "z*******@example.com"},
		{"wxm@163.com", "w*******@163.com"},
		{"a@b.cn", "a*******@b.cn"},
		{"@example.com", "*******@example.com"},
		{"not-an-email", "n*******"},
		{"王@例子.中国", "王*******@例子.中国"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := privacy.MaskEmail(tt.in); got != tt.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// secrets are the raw values the log tests must never find in the output.
var secrets = []string{
	"13912345678", "13812345678", "13712345678", "13612345678", "13512345678",
	"330102199001011234", "wxm@163.com", "zhang.san@example.com", "6222021234567890123",
	"057187654321", "0571-87654321", "王小明",
}

type phoneValuer struct{}

func (phoneValuer) LogValue() slog.Value {
	return slog.GroupValue(slog.String("contact", "tel 13612345678"), slog.Int("n", 1))
}

type ticket struct {
	ID      int
	Contact string
}

type stringer struct{}

func (stringer) String() string { return "caller 13512345678" }

func TestHandlerJSON(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(privacy.NewHandler(slog.NewJSONHandler(&buf, nil)))

	logger.Info("来电 13912345678 已登记", "ticket", 42, "note", "回电138-1234-5678")
	logger.With("caller_phone", "13812345678", "remark", "邮箱wxm@163.com").
		Info("with attrs", "id_number", "330102199001011234")
	logger.WithGroup("citizen").With("name", "王小明").
		Info("group", slog.Group("contact",
			slog.String("phone", "13712345678"),
			slog.String("email", "zhang.san@example.com"),
			slog.String("text", "卡号6222021234567890123"),
			slog.Group("nested", slog.String("landline", "0571-87654321")),
		))
	logger.Info("values",
		"err", errors.New("dial 13612345678 failed"),
		"valuer", phoneValuer{},
		"struct", ticket{ID: 7, Contact: "13512345678"},
		"stringer", stringer{},
		"bytes", []byte("13912345678"),
		slog.Int64("phone", 13912345678),
	)
	logger.Info("sensitive group", slog.Group("phone", slog.String("home", "057187654321"), slog.String("mobile", "13912345678")))

	out := buf.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log output contains %q:\n%s", s, out)
		}
	}
	for _, want := range []string{
		`"msg":"来电 [电话] 已登记"`,
		`"ticket":42`,
		`"note":"回电[电话]"`,
		`"caller_phone":"138****5678"`,
		`"remark":"邮箱[邮箱]"`,
		`"id_number":"[redacted]"`,
		`"citizen":{"name":"王**","contact":{"phone":"137****5678","email":"z*******@example.com","text":"卡号[银行卡号]","nested":{"landline":"[电话]"}}}`,
		`"err":"dial [电话] failed"`,
		`"valuer":{"contact":"tel [电话]","n":1}`,
		`"struct":"{ID:7 Contact:[电话]}"`,
		`"stringer":"caller [电话]"`,
		`"bytes":"[电话]"`,
		`"phone":"139****5678"`,
		`"phone":{"home":"057*****4321","mobile":"139****5678"}`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log output lacks %s:\n%s", want, out)
		}
	}
	for line := range strings.Lines(out) {
		if !json.Valid([]byte(line)) {
			t.Errorf("invalid JSON line: %s", line)
		}
	}
}

func TestHandlerText(t *testing.T) {
	var buf bytes.Buffer
	logger := slog.New(privacy.NewHandler(slog.NewTextHandler(&buf, nil)))
	logger.With("citizen_name", "王小明").WithGroup("g").Info("phone 13912345678", "email", "wxm@163.com", "x", "身份证330102199001011234")
	out := buf.String()
	for _, s := range secrets {
		if strings.Contains(out, s) {
			t.Errorf("log output contains %q: %s", s, out)
		}
	}
	for _, want := range []string{`msg="phone [电话]"`, "citizen_name=王**", "g.email=w*******@163.com", "g.x=身份证[身份证号]"} {
		if !strings.Contains(out, want) {
			t.Errorf("log output lacks %s: %s", want, out)
		}
	}
}

func TestHandlerEnabledDelegates(t *testing.T) {
	var buf bytes.Buffer
	h := privacy.NewHandler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	if h.Enabled(ctx, slog.LevelInfo) {
		t.Error("Enabled(Info) = true with a Warn inner handler")
	}
	if !h.Enabled(ctx, slog.LevelError) {
		t.Error("Enabled(Error) = false with a Warn inner handler")
	}
	logger := slog.New(h)
	logger.Info("13912345678")
	if buf.Len() != 0 {
		t.Errorf("disabled level was logged: %s", buf.String())
	}
	if h.WithGroup("") != h {
		t.Error("WithGroup(\"\") must return the handler itself")
	}
	if h.WithAttrs(nil) != h {
		t.Error("WithAttrs(nil) must return the handler itself")
	}
}

func TestHandlerDoesNotModifyCallerAttrs(t *testing.T) {
	attrs := []slog.Attr{slog.String("phone", "13912345678")}
	h := privacy.NewHandler(slog.NewJSONHandler(&bytes.Buffer{}, nil))
	h.WithAttrs(attrs)
	if attrs[0].Value.String() != "13912345678" {
		t.Errorf("WithAttrs modified its argument: %v", attrs[0])
	}
}

func TestHandlerConcurrent(t *testing.T) {
	var mu sync.Mutex
	var buf bytes.Buffer
	logger := slog.New(privacy.NewHandler(slog.NewJSONHandler(&lockedWriter{mu: &mu, w: &buf}, nil))).With("phone", "13812345678")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			l := logger.WithGroup(fmt.Sprintf("g%d", i))
			for j := range 50 {
				l.Info("call 13912345678", "j", j, "email", "wxm@163.com")
			}
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	for _, s := range secrets {
		if strings.Contains(buf.String(), s) {
			t.Fatalf("log output contains %q", s)
		}
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// hasMobile reports whether s contains a maximal run of exactly 11 digits
// (ASCII or full-width, as Scrub counts them) of the form 1[3-9]xxxxxxxxx.
func hasMobile(s string) bool {
	var run []byte
	check := func() bool {
		return len(run) == 11 && run[0] == '1' && run[1] >= '3' && run[1] <= '9'
	}
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			run = append(run, byte(r))
		case r >= '０' && r <= '９':
			run = append(run, byte('0'+(r-'０')))
		default:
			if check() {
				return true
			}
			run = run[:0]
		}
	}
	return check()
}

func FuzzScrub(f *testing.F) {
	seeds := []struct{ text, name string }{
		{"我叫王小明,电话13912345678,身份证号330102199001011234,邮箱wxm@163.com,在K12路公交上被拒载,车牌浙A12345,2026-11-24上午10点", "王小明"},
		{"+86 139 1234 5678 / (0571)8765-4321 / 6222 0212 3456 7890 123", ""},
		{"0571 8765 13912345678", ""},
		{"8613912345678 0086-13912345678 (+86)13912345678", ""},
		{"a@b.cc@d.ee 13912345678@qq.com", "ab"},
		{"我是我叫张三本人李四", "张三"},
		{"33010219901301123Xia", "Xia"},
		{"１３９１２３４５６７８13912345678", ""},
		{"[电话]13912345678[邮箱]", "电话"},
		{"订单号202611241234 SF1234567890123", ""},
	}
	for _, s := range seeds {
		f.Add(s.text, s.name)
	}
	f.Fuzz(func(t *testing.T, text, name string) {
		out := privacy.Scrub(text, name)
		if hasMobile(out) {
			t.Errorf("Scrub(%q, %q) = %q still contains a mobile number", text, name, out)
		}
		if again := privacy.Scrub(out, name); again != out {
			t.Errorf("Scrub not idempotent for %q, %q:\n once %q\ntwice %q", text, name, out, again)
		}
		if plain := privacy.Scrub(text); hasMobile(plain) {
			t.Errorf("Scrub(%q) = %q still contains a mobile number", text, plain)
		}
		if privacy.ContainsPersonalData(text) && privacy.Scrub(text) == text {
			t.Errorf("ContainsPersonalData(%q) disagrees with Scrub", text)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"13812345678", "+86 138-1234-5678", "0086 13812345678", "8613812345678",
		"021-6234 5678", "(0571)87654321", "+86 21 6234 5678", "12328", "95588",
		"+44 20 7946 0958", "0044 20 7946 0958", "１３８１２３４５６７８", "+", "++1", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := privacy.NormalizePhone(s)
		if err != nil {
			if err != privacy.ErrInvalidPhone || got != "" {
				t.Fatalf("NormalizePhone(%q) = %q, %v", s, got, err)
			}
			return
		}
		again, err := privacy.NormalizePhone(got)
		if err != nil || again != got {
			t.Fatalf("NormalizePhone(%q) = %q, but that normalises to %q, %v", s, got, again, err)
		}
		for i, c := range got {
			if !(c >= '0' && c <= '9' || c == '+' && i == 0) {
				t.Fatalf("NormalizePhone(%q) = %q is not in stored form", s, got)
			}
		}
	})
}

// TestScrubRandomTokens checks the FuzzScrub properties on texts assembled
// from number-like tokens, which byte-level fuzzing rarely produces.
func TestScrubRandomTokens(t *testing.T) {
	tokens := []string{
		"0", "1", "3", "5", "8", "9", "13912345678", "139", "1234", "5678", "86", "+86", "0086", "+",
		"０", "１３９", "(", ")", "（", "）", "-", " ", ".", "　", "－", "X", "x", "a", "@", "＠", "b.cc",
		"wxm@163.com", "0571", "021", "87654321", "330102", "19900101", "6222", "2026-11-24",
		"我叫", "我是", "本人", "姓名：", "张", "三", "王小明", "江苏", "高", "欧阳", "的", "[电话]", "[邮箱", "]", "K12路",
	}
	names := []string{"", "张三", "王小明", "Xia", "电话", "ab"}
	rng := rand.New(rand.NewPCG(12328, 2026))
	n := 20000
	if testing.Short() {
		n = 2000
	}
	for range n {
		var b strings.Builder
		for range rng.IntN(12) + 1 {
			b.WriteString(tokens[rng.IntN(len(tokens))])
		}
		text, name := b.String(), names[rng.IntN(len(names))]
		out := privacy.Scrub(text, name)
		if hasMobile(out) {
			t.Fatalf("Scrub(%q, %q) = %q still contains a mobile number", text, name, out)
		}
		if again := privacy.Scrub(out, name); again != out {
			t.Fatalf("Scrub not idempotent for %q, %q:\n once %q\ntwice %q", text, name, out, again)
		}
	}
}

func TestScrubNumbers(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"来电人张三,电话13812345678,住文三路138号", "来电人张三,电话[电话],住文三路138号"},
		{"号码 138,1234,5678 与 1 3 8 1 2 3 4 5 6 7 8", "号码 [电话] 与 [电话]"},
		{"身份证1101 0519 4912 3100 2X", "身份证[身份证号]"},
		{"订单202611241234,120元", "订单202611241234,120元"},
	} {
		if got := privacy.ScrubNumbers(c.in); got != c.want {
			t.Errorf("ScrubNumbers(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestHandlerKeepsTheRequestID: a request id of ours (a UUID) is logged as it
// is, though its groups may hold sixteen digits in fours like a bank card;
// the same digits under another key, or anything else under request_id, are
// scrubbed.
func TestHandlerKeepsTheRequestID(t *testing.T) {
	const id = "f8ad1234-5678-4901-8234-567890b04d41" // 1234-5678-4901-8234 reads as a card
	for _, tc := range []struct {
		key, value string
		kept       bool
	}{
		{"request_id", id, true},
		{"client_request_id", id, false},
		{"request_id", "card 6222 0212 3456 7890 123", false},
	} {
		var buf bytes.Buffer
		slog.New(privacy.NewHandler(slog.NewJSONHandler(&buf, nil))).Info("http", tc.key, tc.value)
		var line map[string]any
		if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		if got := line[tc.key]; (got == tc.value) != tc.kept {
			t.Errorf("%s=%q logged as %q; kept as is: %v, want %v", tc.key, tc.value, got, got == tc.value, tc.kept)
		}
	}
}
