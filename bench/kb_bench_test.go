package bench

import (
	"context"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"hotline/core"
	"hotline/domain"
	"hotline/kbsearch"
	"hotline/repo"
	"hotline/testenv"
)

// kbSubjects, kbPlaces and kbTopics make realistic articles of a transport
// department's knowledge base: every subject × topic × place, with numbers.
var (
	kbSubjects = []string{"出租车", "网约车", "公交车", "地铁", "长途客车", "旅游包车", "货车", "危险货物运输车", "驾校",
		"机动车维修厂", "客运码头", "高速公路", "普通公路", "共享单车", "城际公交", "定制公交", "校车", "机场巴士", "汽车客运站", "道路救援"}
	kbPlaces = []string{"西湖区", "上城区", "拱墅区", "滨江区", "萧山区", "余杭区", "临平区", "钱塘区", "富阳区", "临安区",
		"桐庐县", "淳安县", "建德市"}
	kbTopics = []struct{ title, question, answer string }{
		{"{P}{S}投诉渠道", "在{P}对{S}服务不满意去哪里投诉?",
			"对{P}{S}服务不满意的,可拨打12328交通运输服务监督电话,或登录{P}交通运输局网站留言,请提供时间、地点和车辆号牌,受理后{N}个工作日内答复。"},
		{"{P}{S}收费标准", "{P}{S}怎么收费,价格在哪里查?",
			"{P}{S}收费标准由价格主管部门核定,可在交通运输局网站“收费公示”栏目查询,最近一次调整于{Y}年{M}月,起步价{N}元。"},
		{"{P}{S}营运时间", "{P}{S}每天几点开始营运,几点结束?",
			"{P}{S}一般每天{H}时至{H2}时营运,春节等节假日可能调整,具体以运营单位公告为准,也可拨打12328查询。"},
		{"{S}从业资格证办理({P})", "在{P}从事{S}工作要办什么证件?",
			"从事{S}经营的驾驶员和从业人员应取得从业资格证,携带身份证、驾驶证和体检证明到{P}政务服务中心交通窗口申请,考试合格后{N}个工作日内发证。"},
		{"{S}年度审验材料({P})", "{P}{S}年审需要带哪些材料?",
			"{S}年度审验需提交营业执照、车辆行驶证、安全生产管理制度和上一年度{N}项考核记录,到{P}运输管理所办理,逾期未审验的暂停经营。"},
		{"{P}{S}事故处理", "在{P}坐{S}遇到交通事故怎么办?",
			"发生事故请先确保人身安全并报警,保留乘车凭证,{S}经营者应先行救治受伤乘客;赔偿争议可向{P}交通运输局申请调解,电话12328。"},
		{"{S}遗失物品查找({P})", "东西落在{P}的{S}上怎么找回来?",
			"请尽快提供乘车时间、线路或车牌号码,拨打12328或{S}运营单位客服登记,{P}失物招领处保管{N}天,逾期按规定处理。"},
		{"{P}{S}第{N}路线路调整", "{P}{S}第{N}路是不是改线了?",
			"自{Y}年{M}月起,{P}{S}第{N}路线路调整,取消部分站点并新增换乘站,详见运营单位公告,如有意见可拨打12328反映。"},
		{"{S}安全检查({P})", "{P}对{S}有没有安全检查?",
			"交通运输部门每季度对{P}{S}开展安全检查,重点检查车辆技术状况、驾驶员资质和应急设备,{Y}年共检查{N}次。"},
		{"{P}{S}老年人优惠", "老年人在{P}乘坐{S}有优惠吗?",
			"年满65周岁的老年人凭老年优待卡在{P}乘坐{S}享受免费或半价优惠,60至64周岁按规定享受{N}折优惠。"},
		{"{S}违规经营举报({P})", "发现{P}有{S}非法营运怎么举报?",
			"发现{S}非法营运、违规经营的,可拨打12328举报,经查实的按规定给予奖励,{P}执法大队将在{N}个工作日内处理。"},
		{"{P}{S}新能源补贴", "{P}{S}换新能源车有补贴吗?",
			"{Y}年起,{P}对更新为新能源车辆的{S}给予每辆{N}千元补贴,申请材料包括购车发票、行驶证和经营许可证。"},
		{"{P}{S}恶劣天气停运安排", "台风天{P}{S}还运营吗?",
			"遇台风、暴雨、冰雪等恶劣天气,{P}{S}将根据预警等级调整或暂停营运,信息通过交通运输局微博和12328热线发布。"},
		{"{S}经营许可办理({P})", "在{P}经营{S}需要办什么许可?",
			"申请{S}经营许可应向{P}交通运输主管部门提交申请书、营业执照、车辆和驾驶员情况及安全生产管理制度,{N}个工作日内作出决定。"},
		{"{P}{S}服务质量考核", "{P}{S}服务质量考核结果在哪看?",
			"{P}每年对{S}经营者开展服务质量信誉考核,{Y}年度考核结果已在交通运输局网站公示,AAA级企业{N}家。"},
	}
	// kbQueries are what operators type: questions as callers ask them,
	// words, numbers, traditional characters, and input typed halfway.
	kbQueries = []string{
		"出租车拒载怎么投诉", "网约车驾驶员证怎么办", "地铁末班车几点", "公交线路调整", "12328", "货车通行证",
		"驾校不给退钱", "西湖区出租车收费标准", "長途客車營運時間", "網約車從業資格證", "出", "出租", "出租车", "出租车投",
		"出租车投诉电", "老人坐公交免费吗", "台风天地铁停运吗", "东西落在出租车上了", "新能源补贴", "校车安全检查",
		"我上周五晚上在萧山区坐网约车,司机绕路多收了三十块钱,我想投诉一下这个司机,顺便问一下网约车的收费标准是怎么定的",
		"危险货物运输车经营许可需要什么材料", "高速公路事故", "共享单车违规经营举报", "机场巴士营运时间几点",
	}
	kbSynonymGroups = [][]string{{"网约车", "网络预约出租汽车"}, {"出租车", "出租汽车", "的士"}, {"公交卡", "交通卡"},
		{"12328", "交通运输服务监督电话"}, {"驾校", "驾驶员培训学校"}}
)

// kbArticles generates n articles, deterministically.
func kbArticles(n int) []repo.KBArticle {
	r := rand.New(rand.NewPCG(15, 12328))
	var out []repo.KBArticle
	for v := 0; len(out) < n; v++ {
		for _, s := range kbSubjects {
			for _, t := range kbTopics {
				for _, p := range kbPlaces {
					if len(out) == n {
						return out
					}
					h := 5 + r.IntN(3)
					fill := strings.NewReplacer("{S}", s, "{P}", p, "{N}", fmt.Sprint(2+r.IntN(60)),
						"{Y}", fmt.Sprint(2019+r.IntN(7)), "{M}", fmt.Sprint(1+r.IntN(12)),
						"{H}", fmt.Sprint(h), "{H2}", fmt.Sprint(h+16))
					title := fill.Replace(t.title)
					if v > 0 {
						title += fmt.Sprintf("(%d年版)", 2020+v)
					}
					out = append(out, repo.KBArticle{Title: title, Question: fill.Replace(t.question),
						Answer: fill.Replace(t.answer), Status: string(domain.KBPublished), Tags: []string{s, p}})
				}
			}
		}
	}
	return out
}

// BenchmarkKBSearch searches a knowledge base of 10,000 published articles
// the way the operator's desk does (core.SearchKB: synonyms, segmentation,
// ranking in Postgres, snippets) and reports latency percentiles.
func BenchmarkKBSearch(b *testing.B) {
	ctx := context.Background()
	// one connection, so that the CPU its Postgres backend spends is the search's
	store, err := repo.Open(ctx, testenv.Database(b), 1)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	start := time.Now()
	an, err := kbsearch.Shared()
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("segmenter dictionary loaded in %s", time.Since(start))
	loc, _ := time.LoadLocation("Asia/Shanghai")
	c := core.New(store, noTasks{}, core.Settings{Location: loc}, slog.New(slog.DiscardHandler))
	if _, _, err := c.EnsureAdmin(ctx, "admin", "bench-admin-password"); err != nil {
		b.Fatal(err)
	}
	var adminID int64
	if err := store.DB().GetContext(ctx, &adminID, `SELECT id FROM users WHERE username = 'admin'`); err != nil {
		b.Fatal(err)
	}
	start = time.Now()
	articles := kbArticles(10000)
	err = store.Tx(ctx, func(q *repo.Q) error {
		for _, a := range articles {
			vec := an.Vector(kbsearch.Field{Text: a.Title, Weight: kbsearch.WeightTitle},
				kbsearch.Field{Text: a.Question, Weight: kbsearch.WeightQuestion},
				kbsearch.Field{Text: a.Answer, Weight: kbsearch.WeightAnswer})
			if _, err := q.InsertKBArticle(ctx, a, vec); err != nil {
				return err
			}
		}
		for _, g := range kbSynonymGroups {
			if _, err := q.InsertKBSynonym(ctx, g, adminID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := store.DB().ExecContext(ctx, `ANALYZE kb_articles`); err != nil {
		b.Fatal(err)
	}
	b.Logf("%d articles segmented and stored in %s", len(articles), time.Since(start))
	op := domain.Viewer{ID: 1, Role: domain.RoleOperator}
	var backend int
	if err := store.DB().GetContext(ctx, &backend, `SELECT pg_backend_pid()`); err != nil {
		b.Fatal(err)
	}
	cpu0 := processCPU(os.Getpid()) + processCPU(backend)
	var lats []time.Duration
	found, i := 0, 0
	perQuery := map[string]time.Duration{}
	for b.Loop() {
		q := kbQueries[i%len(kbQueries)]
		i++
		t0 := time.Now()
		res, err := c.SearchKB(ctx, op, q, core.KBSearchDefaultLimit)
		if err != nil {
			b.Fatal(err)
		}
		lats = append(lats, time.Since(t0))
		perQuery[q] = max(perQuery[q], time.Since(t0))
		if len(res.Items) > 0 {
			found++
		}
	}
	cpu := processCPU(os.Getpid()) + processCPU(backend) - cpu0
	if os.Getenv("KB_BENCH_DETAIL") != "" {
		for q, d := range perQuery {
			b.Logf("%6.1f ms  %s", float64(d)/1e6, q)
		}
	}
	if found < len(lats)*9/10 {
		b.Errorf("only %d of %d searches found anything", found, len(lats))
	}
	b.ReportMetric(percentile(lats, 0.50), "p50_ms")
	b.ReportMetric(percentile(lats, 0.95), "p95_ms")
	b.ReportMetric(percentile(lats, 0.99), "p99_ms")
	if cpu >= 0 {
		// the wall-clock figures follow the machine's load; this does not
		b.ReportMetric(float64(cpu)/float64(time.Millisecond)/float64(len(lats)), "cpu_ms/search")
	}
}

// processCPU is the user and system CPU a local process has used (-1 s when
// it cannot be read, e.g. Postgres on another host).
func processCPU(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -time.Second
	}
	_, rest, _ := strings.Cut(string(b), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return -time.Second
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond // clock ticks of 100 Hz
}
