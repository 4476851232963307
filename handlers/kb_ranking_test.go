package handlers_test

import (
	"slices"
	"testing"

	"hotline/testenv"
)

// kbCorpus is a small knowledge base of a transport department, written as
// its articles are: a title, the question as citizens ask it, the answer.
var kbCorpus = []struct{ key, title, question, answer string }{
	{"ridehail_licence", "网约车驾驶员证办理", "想开网约车,网络预约出租汽车驾驶员证怎么考?",
		"持身份证、机动车驾驶证和无犯罪记录证明到市交通运输局政务服务窗口报名,参加全国公共科目和区域科目考试,合格后发证。"},
	{"ridehail_vehicle", "网约车车辆运输证", "私家车怎么办理网络预约出租汽车运输证?",
		"车辆应为7座及以下乘用车,安装具有行驶记录功能的车载卫星定位装置和应急报警装置,向区交通运输局申请。"},
	{"taxi_refusal", "出租车拒载投诉", "出租车司机拒载、绕路怎么投诉?",
		"请记下车牌号、乘车时间和上下车地点,拨打12328交通运输服务监督电话投诉,我们将在5个工作日内核实处理。"},
	{"taxi_fare", "出租车运价标准", "出租车起步价和每公里多少钱?",
		"市区出租汽车起步价13元(3公里),超过3公里每公里2.5元,夜间23时至次日5时加收20%。"},
	{"lost_item", "出租车上遗失物品", "把手机落在出租车上了怎么找?",
		"请提供乘车发票或支付记录,拨打12328登记,我们联系出租汽车公司协助查找。"},
	{"bus_card", "公交IC卡补办", "公交卡丢了怎么补办?",
		"持本人身份证到公交集团客服网点挂失补办,记名卡余额可转入新卡,补卡工本费20元。"},
	{"bus_elderly", "老年人免费乘坐公交", "65岁以上老人坐公交车免费吗?",
		"年满65周岁的老年人持老年优待卡可免费乘坐市区公交车,60至64周岁半价。"},
	{"metro_hours", "地铁首末班车时间", "地铁2号线几点开始运营,末班车几点?",
		"地铁2号线首班车6:00,末班车22:30,节假日延长至23:00,具体以车站公告为准。"},
	{"etc", "ETC办理与注销", "高速公路ETC怎么办理,换车了怎么注销?",
		"携带行驶证、身份证和银行卡到合作银行网点或通过手机APP办理ETC;换车后到原发行网点注销。"},
	{"truck_permit", "货车通行证申请", "货车进城需要办理通行证吗?",
		"总质量4.5吨以上货车进入城区限行范围需申请通行证,可在交警网上服务平台提交申请。"},
	{"hotline", "12328热线服务时间", "交通运输服务监督电话12328几点有人接听?",
		"12328热线每天8:30至17:30人工接听,其他时间可留言,工作人员次日回复。"},
	{"driving_school", "驾校退费纠纷", "报了驾校不想学了能退费吗?",
		"按合同约定办理;驾校拒不退费的,可向区道路运输管理部门投诉,或拨打12328反映。"},
}

func TestKBSearchRanking(t *testing.T) {
	t.Parallel()
	s, op := setup(t, testenv.Options{})
	admin := s.Admin(t)
	ids := map[string]int64{}
	for _, a := range kbCorpus {
		ids[a.key] = kbCreate(t, s, admin, map[string]any{"title": a.title, "question": a.question, "answer": a.answer, "status": "published"}).ID
	}
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/kb/synonyms", Token: admin,
		Body: map[string]any{"terms": []string{"网约车", "网络预约出租汽车"}}})
	s.Expect(t, 201, testenv.Req{Method: "POST", Path: "/api/v1/kb/synonyms", Token: admin,
		Body: map[string]any{"terms": []string{"公交卡", "公交IC卡", "交通卡"}}})
	for _, c := range []struct {
		why, q string
		want   string // the article that answers
		first  bool   // it must be the first suggestion (else among the first three)
	}{
		{"the question as asked", "网约车驾驶员证怎么办", "ridehail_licence", true},
		{"compound word split in parts", "出租汽车起步价", "taxi_fare", true},
		{"compound word whole", "网络预约出租汽车运输证", "ridehail_vehicle", true},
		{"traditional characters", "計程車拒載投訴", "taxi_refusal", false},
		{"traditional characters of a title", "網約車駕駛員證", "ridehail_licence", true},
		{"a number", "12328几点上班", "hotline", true},
		{"a number inside words", "地铁2号线末班车", "metro_hours", true},
		{"synonym of a title word", "交通卡丢了", "bus_card", true},
		{"synonym the other way", "网络预约出租汽车驾驶员证", "ridehail_licence", false},
		{"typed halfway", "出租车拒", "taxi_refusal", true},
		{"Latin letters, any case", "etc注销", "etc", true},
		{"a caller's words", "我手机丢在出租车上了", "lost_item", false},
		{"a caller's words", "老人坐公交要钱吗", "bus_elderly", false},
		{"a caller's words", "货车进城要办证吗", "truck_permit", false},
		{"a caller's words", "驾校不给退钱", "driving_school", false},
	} {
		hits := kbSearch(t, s, op, c.q)
		got := hitIDs(hits)
		at := slices.Index(got, ids[c.want])
		switch {
		case at < 0 || at > 2:
			t.Errorf("%s: %q → %v, want %s (%d) among the first three", c.why, c.q, titles(hits), c.want, ids[c.want])
		case c.first && at != 0:
			t.Errorf("%s: %q → %v, want %s first", c.why, c.q, titles(hits), c.want)
		}
		for i := 1; i < len(hits); i++ {
			if hits[i].Score > hits[i-1].Score {
				t.Errorf("%q: suggestions not in order of score: %v", c.q, hits)
			}
		}
	}
	// nothing offered for what the base does not hold
	if hits := kbSearch(t, s, op, "无人机航拍审批"); len(hits) != 0 {
		t.Errorf("unrelated question found %v", titles(hits))
	}
}

func titles(hits []kbHit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.Title)
	}
	return out
}
