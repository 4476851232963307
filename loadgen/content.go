package loadgen

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// story is one kind of citizen request: a title and a text to fill in, and
// for consultations the answer an operator can give at once.
type story struct {
	kind   string
	title  string // may use the same fill-ins as text
	text   string // blanks: {place}, {place2}, {plate}, {line} (bus line), {yuan}, {thing}
	answer string
}

// corpus holds the templates the generator draws realistic content from.
// It is built per run and never changed afterwards.
type corpus struct {
	stories   []story
	surnames  []string
	given     []string
	places    []string
	regions   []string
	things    []string
	replies   []string
	comments  []string
	searches  []string
	statuses  []string
	channels  []string
	hashtags  []string
	platforms []string
}

func newCorpus() *corpus {
	return &corpus{
		stories: []story{
			{kind: "complaint", title: "反映出租车拒载",
				text: "来电人反映今天傍晚在{place}路边打车，一辆出租车（车牌号{plate}）停车询问目的地后以交班为由拒载，希望有关部门核实处理。"},
			{kind: "complaint", title: "出租车绕路多收费",
				text: "来电人反映乘坐出租车从{place}到{place2}，司机故意绕路，车费比平时多出{yuan}元左右，车牌号{plate}，要求退还多收费用并处理司机。"},
			{kind: "consultation", title: "咨询出租车遗失物品查找",
				text:   "来电人称乘坐出租车从{place}到{place2}时将{thing}遗落在车上，未索要发票，咨询如何查找。",
				answer: "已告知来电人拨打出租车服务热线，提供乘车时间和上下车地点协助查找，并建议今后乘车索要发票。"},
			{kind: "report", title: "举报非法营运冒充出租车",
				text: "来电人举报{place}周边有多辆私家车长期冒充出租车揽客，价格随意，存在安全隐患，希望相关部门整治。"},
			{kind: "complaint", title: "{line}路公交车不按站停靠",
				text: "来电人反映{line}路公交车在{place}站经常不停靠，乘客多次招手均未停车，影响出行，希望公交公司加强管理。"},
			{kind: "consultation", title: "咨询{line}路公交首末班时间",
				text:   "来电人咨询{line}路公交车在{place}站的首末班时间，以及节假日期间是否调整线路。",
				answer: "已告知来电人该线路首班6：00、末班21：30，节假日运营时间以公交公司公告为准。"},
			{kind: "suggestion", title: "建议在{place}增设公交站点",
				text: "来电人建议在{place}附近增设公交站点，该区域居民较多，最近的公交站步行需要二十分钟，老人出行不便。"},
			{kind: "help", title: "老年公交卡刷卡失败求助",
				text: "来电人反映其父亲年满七十周岁，办理的老年公交卡在{line}路公交车上刷卡失败，被要求投币，求助尽快解决。"},
			{kind: "praise", title: "表扬{line}路公交车驾驶员",
				text: "来电人表扬{line}路公交车驾驶员在{place}站主动搀扶老人上下车，服务热情周到，希望予以表扬。"},
			{kind: "complaint", title: "{place}夜间施工噪音扰民",
				text: "来电人反映{place}附近工地夜间十一点后仍在施工，噪音很大，影响周边居民休息，希望相关部门查处。"},
			{kind: "consultation", title: "咨询居住证办理",
				text:   "来电人咨询在{place}附近办理居住证需要哪些材料，以及办理地点和时间。",
				answer: "已告知来电人携带身份证、租房合同等材料到所在街道派出所办理，工作日均可受理。"},
		},
		surnames: []string{"张", "王", "李", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡"},
		given:    []string{"伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀英", "桂英", "建华", "志强", "海燕"},
		places: []string{"火车站", "人民广场", "市第一人民医院", "汽车南站", "体育中心", "大学城", "万达广场", "机场", "政务服务中心",
			"老城区菜市场", "滨江公园", "高新区管委会", "中心小学", "市图书馆"},
		regions: []string{"城东区", "城西区", "高新区", "经济开发区", "南湖街道", "北山街道"},
		things:  []string{"手机", "钱包", "笔记本电脑", "背包", "身份证", "雨伞", "钥匙"},
		replies: []string{
			"经核查，涉事驾驶员存在拒载行为，已按规定扣分并停岗培训",
			"经调取车辆行驶记录，确认存在绕路情况，已责令驾驶员退还多收车费",
			"该线路早高峰确有不按站停靠的情况，已对驾驶员进行批评教育",
			"您建议的站点设置已纳入今年线网优化方案，我们将组织实地勘察",
			"已会同相关部门开展联合整治，对非法营运车辆依法查处",
			"老年卡刷卡故障系读卡设备问题，已更换设备并恢复正常",
		},
		comments:  []string{"对处理结果满意", "希望继续加强监管", "问题已解决，谢谢", "处理速度有点慢", "未能彻底解决", ""},
		searches:  []string{"出租车", "公交", "噪音", "拒载"},
		statuses:  []string{"dispatched", "accepted", "replied", "pending_dispatch"},
		channels:  []string{"hotline", "mailbox", "microblog", "platform"},
		hashtags:  []string{"#城市交通#", "#民生热线#", "#出行#"},
		platforms: []string{"（省12345平台转办）", "（国务院互联网+督查平台转办）", "（市长信箱平台转办）"},
	}
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

// filled is a story with its blanks filled in.
type filled struct {
	kind, title, text, answer string
}

func (c *corpus) story(r *rand.Rand) filled {
	s := pick(r, c.stories)
	p1 := pick(r, c.places)
	p2 := pick(r, c.places)
	for p2 == p1 {
		p2 = pick(r, c.places)
	}
	plate := fmt.Sprintf("A·T%04d", r.IntN(10000))
	line := 1 + r.IntN(300)
	yuan := 10 + r.IntN(60)
	thing := pick(r, c.things)
	fill := strings.NewReplacer("{place}", p1, "{place2}", p2, "{plate}", plate,
		"{line}", strconv.Itoa(line), "{yuan}", strconv.Itoa(yuan), "{thing}", thing)
	return filled{kind: s.kind, title: fill.Replace(s.title), text: fill.Replace(s.text), answer: s.answer}
}

func (c *corpus) person(r *rand.Rand) string {
	return pick(r, c.surnames) + pick(r, c.given)
}

func (c *corpus) caller(r *rand.Rand) string {
	if r.IntN(2) == 0 {
		return pick(r, c.surnames) + "先生"
	}
	return pick(r, c.surnames) + "女士"
}

// mobile returns a well-formed mainland mobile number.
func mobile(r *rand.Rand) string {
	second := []byte("35789")[r.IntN(5)]
	return fmt.Sprintf("1%c%09d", second, r.IntN(1_000_000_000))
}

// letter turns a call's text into a citizen's own words.
func (c *corpus) letter(f filled, name string) string {
	body := strings.ReplaceAll(f.text, "来电人", "我")
	body = strings.ReplaceAll(body, "其父亲", "我父亲")
	return "尊敬的领导：您好！我是" + name + "。" + body + "恳请领导重视，谢谢！"
}

func (c *corpus) post(r *rand.Rand, f filled) string {
	body := strings.ReplaceAll(f.text, "来电人", "")
	return "@市民热线 " + body + " " + pick(r, c.hashtags)
}

func (c *corpus) platformText(r *rand.Rand, f filled) string {
	return pick(r, c.platforms) + strings.ReplaceAll(f.text, "来电人", "群众")
}

func (c *corpus) reply(r *rand.Rand) string {
	return "您好，您反映的问题已收悉。" + pick(r, c.replies) + "。感谢您对交通工作的关心和支持。"
}
