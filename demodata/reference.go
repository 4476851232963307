package demodata

import (
	"fmt"
	"math"
	"strings"
)

// city is a prefecture-level city of the demo province, in order of size.
type city struct {
	name      string   // 沈阳市
	short     string   // 沈阳
	plate     byte     // the letter after 辽 on its number plates
	metro     bool     // has a metro
	coastal   bool     // has ports and passenger ships
	districts []string // districts and counties
}

// cities are the fourteen cities of the demo province, largest first; their
// rank drives the Zipf skew of the items.
func cities() []city {
	return []city{
		{"沈阳市", "沈阳", 'A', true, false, []string{"和平区", "沈河区", "大东区", "皇姑区", "铁西区", "浑南区", "于洪区", "沈北新区", "苏家屯区", "辽中区", "新民市", "康平县", "法库县"}},
		{"大连市", "大连", 'B', true, true, []string{"中山区", "西岗区", "沙河口区", "甘井子区", "旅顺口区", "金州区", "普兰店区", "瓦房店市", "庄河市", "长海县"}},
		{"鞍山市", "鞍山", 'C', false, false, []string{"铁东区", "铁西区", "立山区", "千山区", "台安县", "岫岩满族自治县", "海城市"}},
		{"抚顺市", "抚顺", 'D', false, false, []string{"新抚区", "东洲区", "望花区", "顺城区", "抚顺县", "新宾满族自治县", "清原满族自治县"}},
		{"锦州市", "锦州", 'G', false, true, []string{"古塔区", "凌河区", "太和区", "黑山县", "义县", "凌海市", "北镇市"}},
		{"营口市", "营口", 'H', false, true, []string{"站前区", "西市区", "鲅鱼圈区", "老边区", "盖州市", "大石桥市"}},
		{"丹东市", "丹东", 'F', false, true, []string{"元宝区", "振兴区", "振安区", "宽甸满族自治县", "东港市", "凤城市"}},
		{"本溪市", "本溪", 'E', false, false, []string{"平山区", "溪湖区", "明山区", "南芬区", "本溪满族自治县", "桓仁满族自治县"}},
		{"辽阳市", "辽阳", 'K', false, false, []string{"白塔区", "文圣区", "宏伟区", "弓长岭区", "太子河区", "辽阳县", "灯塔市"}},
		{"铁岭市", "铁岭", 'M', false, false, []string{"银州区", "清河区", "铁岭县", "西丰县", "昌图县", "调兵山市", "开原市"}},
		{"朝阳市", "朝阳", 'N', false, false, []string{"双塔区", "龙城区", "朝阳县", "建平县", "北票市", "凌源市"}},
		{"盘锦市", "盘锦", 'L', false, true, []string{"双台子区", "兴隆台区", "大洼区", "盘山县"}},
		{"葫芦岛市", "葫芦岛", 'P', false, true, []string{"连山区", "龙港区", "南票区", "绥中县", "建昌县", "兴城市"}},
		{"阜新市", "阜新", 'J', false, false, []string{"海州区", "新邱区", "太平区", "清河门区", "细河区", "彰武县"}},
	}
}

// Category is one of the transport subject categories the demo creates.
type Category struct {
	Code    string
	Name    string
	Subject string  // the noun phrase templates use
	Weight  float64 // share of items
}

// Categories lists the demo's subject categories.
func Categories() []Category {
	return []Category{
		{"taxi", "出租车", "出租车", 17},
		{"ride_hailing", "网约车", "网约车", 10},
		{"bus", "公交", "公交", 14},
		{"metro", "地铁", "地铁", 4},
		{"coach", "长途客运", "长途客运", 5},
		{"road_maintenance", "道路养护", "道路养护", 8},
		{"highway_toll", "高速收费", "高速公路收费", 8},
		{"driving_school", "驾培", "驾驶培训", 6},
		{"vehicle_repair", "机动车维修", "机动车维修", 4},
		{"freight", "货运物流", "货物运输", 5},
		{"waterway", "水路客运", "水路客运", 2},
		{"port", "港口", "港口", 1.5},
		{"construction", "工程建设", "交通工程建设", 5},
		{"enforcement", "执法监督", "交通运输执法", 4.5},
		{"other", "其他", "交通运输服务", 6},
	}
}

// unitType says what a unit handles.
type unitType int

const (
	utBureau       unitType = iota // a transport bureau (厅 or 局): anything
	utTransport                    // 道路运输: coaches, freight, ride hailing
	utHighway                      // 公路: road maintenance, construction
	utToll                         // 高速公路: tolls
	utEnforcement                  // 综合行政执法
	utPort                         // 港航: ports and ships
	utConstruction                 // 工程质量监督, 建设管理
	utTaxi                         // 出租汽车管理
	utBus                          // 公共客运管理
	utDriving                      // 驾驶员培训管理
	utRepair                       // 机动车维修管理
	utMetro                        // 地铁
	utCounty                       // a county or district transport bureau
	utOffice                       // a department of the provincial bureau
)

// Unit is one unit the demo creates.
type Unit struct {
	Code     string
	Name     string
	Parent   string // "" for the root
	City     int    // index into cities, -1 for provincial units
	District string // the district or county of a county bureau
	Type     unitType
	Weight   float64 // how many items it gets, before the category fit
}

// affinities say how well a unit type fits a category: the share of the
// category's items such a unit receives, before the Zipf weight.
func affinities() map[string]map[unitType]float64 {
	return map[string]map[unitType]float64{
		"taxi":             {utTaxi: 1, utEnforcement: 0.15, utCounty: 0.1},
		"ride_hailing":     {utTaxi: 0.7, utTransport: 0.4, utOffice: 0.05},
		"bus":              {utBus: 1, utCounty: 0.35},
		"metro":            {utMetro: 1},
		"coach":            {utTransport: 1, utCounty: 0.1},
		"road_maintenance": {utHighway: 1, utCounty: 0.6},
		"highway_toll":     {utToll: 1},
		"driving_school":   {utDriving: 1, utTransport: 0.2},
		"vehicle_repair":   {utRepair: 1, utTransport: 0.2},
		"freight":          {utTransport: 1, utToll: 0.1},
		"waterway":         {utPort: 1},
		"port":             {utPort: 1},
		"construction":     {utConstruction: 1, utHighway: 0.5, utCounty: 0.3},
		"enforcement":      {utEnforcement: 1},
		"other":            {utBureau: 1, utOffice: 0.5, utCounty: 0.4},
	}
}

// zipf is the weight of rank r (0-based).
func zipf(r int) float64 { return 1 / math.Pow(float64(r+1), 1.05) }

// Units returns the first n units of the demo hierarchy, parents before
// children: the provincial bureau (U0001) and its departments, the city
// bureaus and their offices, then county bureaus, largest cities first.
func Units(n int) []Unit {
	cs := cities()
	var out []Unit
	add := func(name, parent string, cityIdx int, t unitType, w float64) string {
		code := fmt.Sprintf("U%04d", len(out)+1)
		out = append(out, Unit{Code: code, Name: name, Parent: parent, City: cityIdx, Type: t, Weight: w})
		return code
	}
	root := add("省交通运输厅", "", -1, utBureau, 0.5)
	add("省道路运输事业发展中心", root, -1, utTransport, 0.6)
	add("省公路事业发展中心", root, -1, utHighway, 0.5)
	tollRoot := add("省高速公路管理中心", root, -1, utToll, 0.8)
	add("省交通运输综合行政执法总队", root, -1, utEnforcement, 0.5)
	add("省港航事业发展中心", root, -1, utPort, 0.8)
	add("省交通运输工程质量监督站", root, -1, utConstruction, 0.8)
	add("省交通运输厅运输服务处", root, -1, utOffice, 0.5)
	add("省交通运输厅建设管理处", root, -1, utConstruction, 0.5)
	add("省交通运输厅安全监督处", root, -1, utOffice, 0.3)
	add("省交通运输厅政策法规处", root, -1, utOffice, 0.3)
	bureaus := make([]string, len(cs))
	for i, c := range cs {
		bureaus[i] = add(c.name+"交通运输局", root, i, utBureau, zipf(i))
	}
	for _, i := range []int{0, 1, 4, 6, 9, 10} {
		add("省高速公路管理中心"+cs[i].short+"分中心", tollRoot, i, utToll, zipf(i))
	}
	offices := []struct {
		suffix string
		t      unitType
	}{
		{"道路运输管理处", utTransport},
		{"出租汽车管理处", utTaxi},
		{"公共客运管理处", utBus},
		{"公路管理局", utHighway},
		{"交通运输综合行政执法支队", utEnforcement},
		{"机动车驾驶员培训管理处", utDriving},
		{"机动车维修管理处", utRepair},
	}
	for i, c := range cs {
		for _, o := range offices {
			add(c.name+o.suffix, bureaus[i], i, o.t, zipf(i))
		}
		if c.metro {
			add(c.name+"地铁集团有限公司", bureaus[i], i, utMetro, zipf(i))
		}
		if c.coastal {
			add(c.name+"港航管理局", bureaus[i], i, utPort, zipf(i))
		}
	}
	// county bureaus, round-robin over the cities, largest first
	for j := 0; ; j++ {
		added := false
		for i, c := range cs {
			if j < len(c.districts) {
				add(c.short+"市"+c.districts[j]+"交通运输局", bureaus[i], i, utCounty, zipf(i)/math.Sqrt(float64(j+2)))
				out[len(out)-1].District = c.districts[j]
				added = true
			}
		}
		if !added {
			break
		}
	}
	if n < len(out) {
		out = out[:n]
	}
	return out
}

// MaxUnits is how many units the demo hierarchy has in all.
func MaxUnits() int { return len(Units(math.MaxInt)) }

// staffName is the account name unit events are recorded under.
func staffName(code string) string { return strings.ToLower(code) + "_staff" }
