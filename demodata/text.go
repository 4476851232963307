package demodata

import (
	"strconv"
	"strings"
)

// Kind letters of the templates: C consultation, P complaint, S suggestion,
// H help, R report, Z praise.
type template struct {
	cat     string // category code, "" for any
	kinds   string // kind letters it fits
	title   []part
	content []part
}

// part is a literal or a slot of a parsed template.
type part struct {
	lit  string
	slot slot
}

type slot int

const (
	slotNone slot = iota
	slotCity
	slotCity2
	slotDistrict
	slotPlace
	slotRoad
	slotStation
	slotStation2
	slotPlate
	slotRoute
	slotLine
	slotDate
	slotHour
	slotAmount
	slotBig
	slotKm
	slotPlatform
	slotHighway
	slotToll
	slotSchool
	slotPort
	slotIsland
	slotSurname
	slotPhone
	slotCoachStation
	slotSubject
	slotUnit
)

func slotNames() map[string]slot {
	return map[string]slot{
		"city": slotCity, "city2": slotCity2, "district": slotDistrict, "place": slotPlace, "road": slotRoad,
		"station": slotStation, "station2": slotStation2, "plate": slotPlate, "route": slotRoute, "line": slotLine,
		"date": slotDate, "hour": slotHour, "n": slotAmount, "big": slotBig, "km": slotKm, "platform": slotPlatform,
		"highway": slotHighway, "toll": slotToll, "school": slotSchool, "port": slotPort, "island": slotIsland,
		"surname": slotSurname, "phone": slotPhone, "coachstation": slotCoachStation, "subject": slotSubject,
		"unit": slotUnit,
	}
}

// parseTemplate splits "text {slot} text" into parts; an unknown slot panics
// (the templates are constants, checked by the tests).
func parseTemplate(names map[string]slot, s string) []part {
	var out []part
	for s != "" {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			out = append(out, part{lit: s})
			break
		}
		if i > 0 {
			out = append(out, part{lit: s[:i]})
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			panic("demodata: unterminated slot in " + s)
		}
		name := s[i+1 : i+j]
		sl, ok := names[name]
		if !ok {
			panic("demodata: unknown slot " + name)
		}
		out = append(out, part{slot: sl})
		s = s[i+j+1:]
	}
	return out
}

// rawTemplates are the titles and texts of items: category, kinds, title,
// content. Contents are 20 to 80 characters once filled in.
func rawTemplates() [][4]string {
	return [][4]string{
		{"taxi", "C", "咨询出租车收费标准", "咨询{city}出租车起步价和夜间加价标准,从{station}打车到机场大概需要多少钱。"},
		{"taxi", "C", "咨询出租车发票", "乘坐出租车忘记索要发票,车牌号{plate},请问能否补开发票,应该联系哪个部门。"},
		{"taxi", "P", "出租车拒载", "{date}{hour}在{district}{place}打车,车牌号{plate}的出租车司机问清目的地后拒载,请求处理。"},
		{"taxi", "P", "出租车绕路多收费", "{date}乘坐{plate}出租车从{station}到{place},司机故意绕路,比平时多收{n}元,要求退还。"},
		{"taxi", "P", "出租车司机不打表", "{plate}出租车司机不打表,一口价收费{n}元,而且态度恶劣,希望有关部门严肃处理。"},
		{"taxi", "H", "出租车上遗失物品", "{date}{hour}乘坐{plate}出租车,把手机落在车上,请帮忙联系司机找回,联系电话{phone}。"},
		{"taxi", "Z", "表扬出租车司机拾金不昧", "感谢{plate}出租车司机{surname}师傅拾金不昧,主动归还我遗落在车上的钱包,特此表扬。"},
		{"taxi", "R", "举报出租车违规拼客", "举报{plate}出租车在{station}长期违规拼客、议价,扰乱客运秩序,请依法查处。"},
		{"ride_hailing", "C", "咨询网约车驾驶员证", "咨询在{city}办理网约车驾驶员从业资格证需要什么条件,考试在哪里报名。"},
		{"ride_hailing", "C", "咨询网约车运输证", "私家车想加入{platform}跑网约车,咨询车辆运输证如何办理,对车龄有什么要求。"},
		{"ride_hailing", "P", "网约车司机甩客", "{date}通过{platform}叫车,车牌{plate}的司机中途甩客,还额外收取{n}元,平台不处理。"},
		{"ride_hailing", "P", "网约车车辆与订单不符", "{platform}订单显示车牌{plate},实际来接的是另一辆车,司机也不是本人,存在安全隐患。"},
		{"ride_hailing", "R", "举报非法网约车", "举报车牌{plate}的车辆未取得网约车运输证,长期在{district}从事网约车经营。"},
		{"bus", "C", "咨询公交线路", "咨询从{place}到{station}坐哪路公交车最方便,{route}路公交车首末班是几点。"},
		{"bus", "C", "咨询老年人乘车优惠", "咨询{city}老年人办理公交免费乘车卡需要什么材料,在哪里办理。"},
		{"bus", "P", "公交车到站不停", "{route}路公交车{date}{hour}在{station}站不停车,乘客多次招手示意仍直接开走。"},
		{"bus", "P", "公交司机服务态度差", "{route}路公交车司机开车急刹急停,乘客提醒后还出言不逊,请公交公司加强管理。"},
		{"bus", "S", "建议增加公交班次", "建议增加{route}路公交车早晚高峰班次,{district}{place}一带居民等车时间太长。"},
		{"bus", "S", "建议新开公交线路", "{district}{place}附近新建小区入住居民较多,周边没有公交站点,建议新开或调整公交线路。"},
		{"bus", "Z", "表扬公交司机", "{route}路公交车司机{surname}师傅耐心搀扶老人上下车,服务热情周到,特此表扬。"},
		{"metro", "C", "咨询地铁运营时间", "咨询地铁{line}号线{station}站首末班车时间,节假日是否延长运营。"},
		{"metro", "C", "咨询地铁票价", "咨询地铁{line}号线从{station}站到{station2}站票价多少,能否使用手机扫码乘车。"},
		{"metro", "P", "地铁站扶梯停运", "地铁{line}号线{station}站出口扶梯长期停运,老人和带行李的乘客出行很不方便。"},
		{"metro", "S", "建议延长地铁运营时间", "建议地铁{line}号线末班车延长到晚上11点,方便夜间下班的市民乘车回家。"},
		{"coach", "C", "咨询长途客车班次", "咨询{coachstation}到{city2}的长途客车每天几个班次,票价多少,能否网上购票。"},
		{"coach", "P", "长途客车超员", "{date}乘坐{city}开往{city2}的长途客车,车上严重超员,过道站满乘客,存在安全隐患。"},
		{"coach", "P", "客运站退票手续费高", "在{coachstation}购买的车票因故退票,被收取{n}元手续费,认为收费不合理。"},
		{"coach", "H", "长途客车上遗失行李", "{date}乘坐{city}到{city2}的客车,下车时忘拿行李箱,请帮忙联系车站查找。"},
		{"road_maintenance", "P", "道路坑洼影响通行", "{district}{road}路面坑洼严重,雨天积水,车辆通行困难,请尽快安排维修。"},
		{"road_maintenance", "P", "路灯长期不亮", "{district}{road}一段路灯坏了一个多月,夜间行车和行人通行存在安全隐患。"},
		{"road_maintenance", "C", "咨询道路维修时间", "{district}{road}正在封闭维修,咨询什么时候能恢复通行,有没有绕行路线。"},
		{"road_maintenance", "S", "建议增设减速带", "{district}{road}靠近{place}路段车速过快,建议增设减速带和人行横道标志。"},
		{"road_maintenance", "R", "反映道路设施损坏", "{district}{road}有井盖缺失和护栏损坏,已有车辆受损,请相关部门尽快处理。"},
		{"highway_toll", "C", "咨询高速通行费", "咨询{city}到{city2}走{highway}通行费多少钱,货车和小客车收费标准有什么不同。"},
		{"highway_toll", "C", "咨询ETC办理", "咨询ETC在哪里办理,需要带什么证件,ETC扣费后能否开具通行费发票。"},
		{"highway_toll", "P", "ETC重复扣费", "{date}经{highway}{toll}收费站,ETC重复扣费{n}元,申请核实并退还多扣的费用。"},
		{"highway_toll", "P", "收费站排队时间长", "{date}{hour}{toll}收费站只开了两个人工通道,车辆排队半小时以上,请增开通道。"},
		{"highway_toll", "H", "高速公路车辆故障求助", "在{highway}上车辆故障,距{toll}收费站约{km}公里,请求救援,联系电话{phone}。"},
		{"driving_school", "C", "咨询驾校报名", "咨询{city}正规驾校有哪些,学车费用大概多少,计时培训是怎么收费的。"},
		{"driving_school", "P", "驾校不安排练车", "在{school}驾校报名学车,已缴费{big}元,驾校迟迟不安排练车和考试,要求退费。"},
		{"driving_school", "R", "举报驾校教练索要好处", "{school}驾校教练在练车期间暗示学员送烟请吃饭,否则不认真教,请查处。"},
		{"vehicle_repair", "P", "汽修厂维修质量差", "在{district}一家汽修厂修车,更换配件后故障依旧,维修费{n}元也不给开发票。"},
		{"vehicle_repair", "C", "咨询机动车维修纠纷", "咨询车辆在4S店保养后出现问题,维修质量纠纷应该向哪个部门投诉。"},
		{"vehicle_repair", "R", "举报无证维修", "举报{district}{road}有一家修理厂无证经营,长期占道维修车辆,噪音扰民。"},
		{"freight", "C", "咨询道路运输证年审", "咨询货车道路运输证年审需要准备哪些材料,能否在网上办理。"},
		{"freight", "P", "货车被重复检查", "货车在{highway}被要求重复检查,耽误运输时间,希望规范超限检测的执法行为。"},
		{"freight", "C", "咨询危险货物运输资质", "咨询办理危险货物道路运输经营许可需要什么条件,审批需要多长时间。"},
		{"waterway", "C", "咨询客船开航时间", "咨询{port}至{island}的客船开航时间,大风停航后船票如何退改。"},
		{"waterway", "P", "客船延误无人通知", "{date}在{port}客运站候船,客船延误三个多小时,现场无人解释,也没有广播通知。"},
		{"port", "P", "港区车辆排队拥堵", "{port}港区集装箱车辆排队时间过长,周边道路拥堵严重,建议优化进港预约。"},
		{"port", "C", "咨询港口收费", "咨询{port}集装箱港口作业包干费收费标准,是否执行政府指导价。"},
		{"port", "S", "建议改造疏港路", "{port}疏港路大货车较多,路面破损,建议尽快改造并增设交通信号灯。"},
		{"construction", "P", "道路施工夜间扰民", "{district}{road}道路施工,夜间施工噪音很大,影响居民休息,请问施工期限多久。"},
		{"construction", "C", "咨询道路施工期限", "{district}{road}道路施工围挡占道已经三个多月,咨询什么时候完工恢复通行。"},
		{"construction", "R", "举报施工质量问题", "举报{district}{road}新修的路面不到一年就出现大面积裂缝,怀疑施工质量有问题。"},
		{"construction", "H", "公路工地拖欠工资", "在{district}{road}公路建设工地干活,施工单位拖欠工资{big}元至今未发,请求帮助。"},
		{"enforcement", "R", "举报黑车非法营运", "{district}{place}附近长期有黑车非法营运拉客,扰乱运输秩序,请执法部门查处。"},
		{"enforcement", "P", "执法人员态度生硬", "{date}在{road}被交通执法人员检查,执法人员态度生硬,没有出示执法证件。"},
		{"enforcement", "C", "咨询罚款缴纳", "咨询交通运输执法部门开具的罚款决定书在哪里缴纳罚款,逾期会有什么后果。"},
		{"other", "C", "咨询政府信息公开", "咨询交通运输部门政府信息公开的申请渠道和办理时限,能否通过网上申请。"},
		{"other", "C", "咨询12328受理范围", "咨询12328交通运输服务监督电话的受理范围,哪些问题可以通过热线反映。"},
		{"other", "S", "建议增设候客点", "建议在{station}附近增设出租车候客点和非机动车停放区域,方便市民换乘。"},
		{"other", "P", "共享单车乱停放", "{district}{road}人行道上共享单车乱停乱放,影响行人通行,请相关部门协调管理。"},
		// any category
		{"", "C", "咨询{subject}相关政策", "咨询{subject}方面的最新政策规定,以及办理相关业务需要准备哪些材料。"},
		{"", "P", "反映{subject}问题", "反映{district}{subject}方面存在的问题,多次向有关单位反映未得到解决,请督促处理。"},
		{"", "S", "关于{subject}的建议", "建议进一步加强{subject}管理和服务,多听取群众意见,提升市民出行的便利程度。"},
		{"", "S", "{subject}服务改进建议", "针对{district}一带{subject}服务存在的不足,建议有关部门定期检查并公开整改情况。"},
		{"", "H", "{subject}相关求助", "遇到{subject}方面的困难一直没有解决,多次联系相关单位无果,请求帮助协调,电话{phone}。"},
		{"", "R", "举报{subject}违规行为", "举报{district}{place}一带{subject}存在违规经营行为,已持续较长时间,请依法查处。"},
		{"", "Z", "表扬{subject}工作人员", "{subject}工作人员{surname}同志热情耐心,帮我解决了实际困难,特此致电表扬。"},
	}
}

// answerTemplates are answers given on the call.
func answerTemplates() []string {
	return []string{
		"已向来电人解答{subject}相关政策及办理流程,告知可登录政务服务网办理,来电人表示清楚。",
		"经查询,已将{subject}相关的办理条件、所需材料和咨询电话告知来电人,来电人表示满意。",
		"已按知识库口径答复来电人{subject}相关问题,并提醒可关注官方公众号获取最新信息。",
	}
}

// replyTemplates are units' final replies, by kind letter.
func replyTemplates() map[byte][]string {
	return map[byte][]string{
		'C': {"您好,关于您咨询的{subject}问题,经{unit}核实,具体办理流程和所需材料已电话告知,如有疑问请拨打12328咨询。",
			"您好,{unit}已就您咨询的{subject}事项与您电话沟通并详细解答,感谢您的来电。"},
		'P': {"经{unit}核查,您反映的{subject}问题基本属实,已责令相关企业整改,并对当事人批评教育,处理结果已电话告知。",
			"经{unit}调查,您反映的{subject}问题部分属实,已依法对相关责任人作出处理,并督促企业加强管理。"},
		'S': {"感谢您的建议,{unit}已将{subject}相关建议纳入下一步工作研究,将结合实际逐步优化。"},
		'H': {"接到求助后,{unit}立即联系相关企业和人员,已协助您妥善解决{subject}方面的困难。"},
		'R': {"经{unit}执法人员现场核查,对您举报的{subject}违法违规行为已依法立案查处,感谢您的监督。"},
		'Z': {"感谢您对{subject}工作的肯定,{unit}已对相关人员予以通报表扬,将继续提升服务质量。"},
	}
}

// kindLetter is the template letter of a kind.
func kindLetter(kind string) byte {
	switch kind {
	case "consultation":
		return 'C'
	case "complaint":
		return 'P'
	case "suggestion":
		return 'S'
	case "help":
		return 'H'
	case "report":
		return 'R'
	}
	return 'Z'
}

// words are the lists the slots draw from.
type words struct {
	surnames             []string
	givenChars           []string
	places               []string
	roads                []string
	stations             []string
	hours                []string
	platforms            []string
	highways             []string
	tolls                []string
	schools              []string
	ports                []string
	islands              []string
	coachStation         []string
	nickAdj              []string
	nickNoun             []string
	emailNames           []string
	phonePrefix          []string
	dissatisfiedComments []string
	okComments           []string
}

func newWords() words {
	return words{
		surnames: []string{"王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
			"何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓",
			"许", "傅", "沈", "曾", "彭", "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "余", "潘",
			"杜", "戴", "夏", "钟", "汪", "田", "任", "姜", "范", "方", "石", "姚", "谭", "廖", "邹", "熊", "金", "陆",
			"郝", "孔", "白", "崔", "康", "毛", "邱", "秦", "江", "史", "顾", "侯", "邵", "孟", "龙", "万", "段", "雷"},
		givenChars: []string{"伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛",
			"明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "玉", "萍", "红", "建", "文", "辉", "力", "斌", "宇",
			"鹏", "波", "晨", "欣", "婷", "博", "浩", "亮", "飞", "雪", "琳", "凯", "佳", "东", "丹", "阳", "春"},
		places: []string{"万科城", "华润中心", "火车站南广场", "长途客运站", "人民医院", "第二中学", "农贸市场", "新城小区",
			"阳光花园", "大学城东门", "步行街", "汽车站", "体育馆", "会展中心", "中心医院", "开发区管委会"},
		roads: []string{"北京街", "黄河大街", "建设路", "胜利大街", "中山路", "人民路", "解放大路", "青年大街", "滨海路",
			"长江路", "沈辽路", "和平北大街", "工业街", "迎宾路", "长白街", "文化路", "站前街", "新华路"},
		stations: []string{"中街", "青年大街", "市府广场", "太原街", "火车站", "体育中心", "人民广场", "会展中心", "机场",
			"大学城", "五里河", "北陵公园", "长江街", "万达广场", "解放路", "和平广场", "北站", "南湖公园"},
		hours:                []string{"早上7点多", "上午9点左右", "中午12点", "下午3点多", "傍晚6点左右", "晚上8点多", "晚上10点左右"},
		platforms:            []string{"滴滴出行", "高德打车", "曹操出行", "T3出行", "美团打车", "花小猪打车"},
		highways:             []string{"沈海高速", "京哈高速", "沈丹高速", "丹锡高速", "长深高速", "沈吉高速", "京沈高速", "铁朝高速"},
		tolls:                []string{"沈阳南", "大连北", "鞍山西", "营口东", "锦州南", "丹东", "盘锦北", "辽阳", "铁岭南", "葫芦岛"},
		schools:              []string{"安达", "顺通", "鑫程", "平安", "长城", "金桥", "通达", "东方", "华夏", "新星"},
		ports:                []string{"大连港", "营口港", "丹东港", "锦州港", "盘锦港", "葫芦岛港"},
		islands:              []string{"长海县", "獐子岛", "大长山岛", "广鹿岛", "海洋岛"},
		coachStation:         []string{"长途客运站", "客运南站", "客运北站", "快速客运站", "客运东站"},
		nickAdj:              []string{"爱骑行的", "沈城", "滨城", "快乐的", "早起的", "路过的", "热心的", "爱喝茶的", "追风的", "安静的"},
		nickNoun:             []string{"小王", "猫", "路人甲", "上班族", "老司机", "阿杰", "大叔", "小鱼", "背包客", "学生党"},
		emailNames:           []string{"zhang", "wang", "li", "liu", "chen", "yang", "zhao", "sun", "zhou", "wu", "lin", "xu"},
		phonePrefix:          []string{"1380000", "1390000", "1360000", "1500000", "1860000", "1770000"},
		dissatisfiedComments: []string{"问题没有解决", "答复敷衍,没有实质处理", "处理太慢", "和实际情况不符", "没有人联系我"},
		okComments:           []string{"", "", "", "处理及时,谢谢", "态度很好", "问题已经解决了", "辛苦了"},
	}
}

// fakePhone returns a well-formed mobile number from the 1380000xxxx-style
// ranges.
func (w *words) fakePhone(r *rng) string {
	b := make([]byte, 0, 11)
	b = append(b, w.phonePrefix[r.intn(len(w.phonePrefix))]...)
	return string(appendDigits(b, r.intn(10000), 4))
}

// personName returns a full name (two or three characters).
func (w *words) personName(r *rng) string {
	s := w.surnames[r.intn(len(w.surnames))] + w.givenChars[r.intn(len(w.givenChars))]
	if r.chance(0.6) {
		s += w.givenChars[r.intn(len(w.givenChars))]
	}
	return s
}

// callerName is what an operator writes down for a caller.
func (w *words) callerName(r *rng) string {
	switch x := r.float(); {
	case x < 0.45:
		if r.chance(0.55) {
			return w.surnames[r.intn(len(w.surnames))] + "先生"
		}
		return w.surnames[r.intn(len(w.surnames))] + "女士"
	case x < 0.85:
		return w.personName(r)
	default:
		return "" // did not give a name
	}
}

// nickname is a microblog user's display name.
func (w *words) nickname(r *rng) string {
	b := make([]byte, 0, 32)
	b = append(b, w.nickAdj[r.intn(len(w.nickAdj))]...)
	b = append(b, w.nickNoun[r.intn(len(w.nickNoun))]...)
	if r.chance(0.6) {
		b = strconv.AppendInt(b, int64(r.between(1, 2025)), 10)
	}
	return string(b)
}

// email is a letter writer's address on a reserved domain.
func (w *words) email(r *rng) string {
	b := make([]byte, 0, 32)
	b = append(b, w.emailNames[r.intn(len(w.emailNames))]...)
	b = strconv.AppendInt(b, int64(r.between(1, 99999)), 10)
	b = append(b, "@example.com"...)
	return string(b)
}

// plate returns a number plate of the city.
func plate(b []byte, r *rng, c city) []byte {
	const alnum = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	b = append(b, "辽"...)
	b = append(b, c.plate)
	if r.chance(0.2) {
		b = append(b, 'D') // new-energy vehicle
	}
	for i := 0; i < 5; i++ {
		if i == 0 || r.chance(0.7) {
			b = append(b, alnum[r.intn(10)])
		} else {
			b = append(b, alnum[r.intn(len(alnum))])
		}
	}
	return b
}

// textContext is what a template's slots are filled from.
type textContext struct {
	r        *rng
	w        *words
	cities   []city
	city     int
	district string
	subject  string
	unit     string
	month    int
	day      int
	phone    string
}

func (tc *textContext) render(b []byte, parts []part) []byte {
	r, w := tc.r, tc.w
	pickFrom := func(list []string) string { return list[r.intn(len(list))] }
	for _, p := range parts {
		switch p.slot {
		case slotNone:
			b = append(b, p.lit...)
		case slotCity:
			b = append(b, tc.cities[tc.city].name...)
		case slotCity2:
			o := r.intn(len(tc.cities) - 1)
			if o >= tc.city {
				o++
			}
			b = append(b, tc.cities[o].name...)
		case slotDistrict:
			b = append(b, tc.district...)
		case slotPlace:
			b = append(b, pickFrom(w.places)...)
		case slotRoad:
			b = append(b, pickFrom(w.roads)...)
		case slotStation, slotStation2:
			b = append(b, pickFrom(w.stations)...)
		case slotPlate:
			b = plate(b, r, tc.cities[tc.city])
		case slotRoute:
			b = strconv.AppendInt(b, int64(r.between(1, 399)), 10)
		case slotLine:
			b = strconv.AppendInt(b, int64(r.between(1, 10)), 10)
		case slotDate:
			b = strconv.AppendInt(b, int64(tc.month), 10)
			b = append(b, "月"...)
			b = strconv.AppendInt(b, int64(tc.day), 10)
			b = append(b, "日"...)
		case slotHour:
			b = append(b, pickFrom(w.hours)...)
		case slotAmount:
			b = strconv.AppendInt(b, int64(r.between(8, 280)), 10)
		case slotBig:
			b = strconv.AppendInt(b, int64(r.between(20, 90)*100), 10)
		case slotKm:
			b = strconv.AppendInt(b, int64(r.between(1, 60)), 10)
		case slotPlatform:
			b = append(b, pickFrom(w.platforms)...)
		case slotHighway:
			b = append(b, pickFrom(w.highways)...)
		case slotToll:
			b = append(b, pickFrom(w.tolls)...)
		case slotSchool:
			b = append(b, pickFrom(w.schools)...)
		case slotPort:
			b = append(b, pickFrom(w.ports)...)
		case slotIsland:
			b = append(b, pickFrom(w.islands)...)
		case slotSurname:
			b = append(b, pickFrom(w.surnames)...)
		case slotPhone:
			if tc.phone == "" {
				tc.phone = w.fakePhone(r)
			}
			b = append(b, tc.phone...)
		case slotCoachStation:
			b = append(b, tc.cities[tc.city].short...)
			b = append(b, pickFrom(w.coachStation)...)
		case slotSubject:
			b = append(b, tc.subject...)
		case slotUnit:
			b = append(b, tc.unit...)
		}
	}
	return b
}

// texts holds the parsed templates, by kind letter and category, and the
// word lists.
type texts struct {
	words   words
	byKey   map[string][]template // kind letter + category code
	answers [][]part
	replies map[byte][][]part
}

func newTexts() *texts {
	names := slotNames()
	t := &texts{words: newWords(), byKey: map[string][]template{}, replies: map[byte][][]part{}}
	for _, raw := range rawTemplates() {
		tp := template{cat: raw[0], kinds: raw[1], title: parseTemplate(names, raw[2]), content: parseTemplate(names, raw[3])}
		for i := 0; i < len(tp.kinds); i++ {
			key := string(tp.kinds[i]) + tp.cat
			t.byKey[key] = append(t.byKey[key], tp)
		}
	}
	for _, a := range answerTemplates() {
		t.answers = append(t.answers, parseTemplate(names, a))
	}
	for k, list := range replyTemplates() {
		for _, s := range list {
			t.replies[k] = append(t.replies[k], parseTemplate(names, s))
		}
	}
	return t
}

// choose picks a template for a kind and category: one written for the
// category when there is one (most of the time), else a generic one.
func (t *texts) choose(r *rng, kind byte, cat string) template {
	specific := t.byKey[string(kind)+cat]
	generic := t.byKey[string(kind)]
	if len(specific) > 0 && (len(generic) == 0 || r.chance(0.85)) {
		return specific[r.intn(len(specific))]
	}
	return generic[r.intn(len(generic))]
}
