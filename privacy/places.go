package privacy

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Placeholders for the street addresses and licence plates Scrub removes.
const (
	PlaceholderAddress = "[地址]"
	PlaceholderPlate   = "[车牌]"
)

// addrUnit is what follows a number in a Chinese address.
const addrUnit = `(?:号楼|号院|号|弄|栋|幢|座|单元|室|楼|层|户|组)`

var (
	// A street, lane, compound or village followed by a house number and
	// any building, unit and room: 文三路138号东方大厦5幢2单元301室. The
	// name before it stops at administrative levels and function words, so
	// 家住西湖区 and the district before the street stay.
	reStreetAddress = regexp.MustCompile(
		`[^\s\d省市区县镇乡在住于是的到从和与及或，。、,.;；:：()（）\[\]]{1,8}` +
			`(?:大街|大道|胡同|小区|花园|公寓|新村|家园|大厦|路|街|巷|弄|村|苑|庄|里)` +
			`[0-9]+` + addrUnit + `(?:[之\-—]?[0-9]+` + addrUnit + `?)*`)
	// A building and unit or room without the street: 3栋2单元501室, 12幢301.
	reBuildingAddress = regexp.MustCompile(
		`[0-9]+(?:号楼|栋|幢|座)[0-9]+(?:单元|室|层|楼)(?:[0-9]+` + addrUnit + `?)*`)
	// Mainland licence plates: province, letter, optional separator, five
	// characters (six for new-energy vehicles), optional 挂/学/警/港/澳.
	rePlate = regexp.MustCompile(
		`[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Za-z][ ·•・.\-]?[A-Za-z0-9]{5,6}[挂学警港澳领]?`)
)

// scrubPlaces replaces street addresses and licence plates.
func scrubPlaces(s string) string {
	if strings.ContainsAny(s, "0123456789") {
		s = reStreetAddress.ReplaceAllLiteralString(s, PlaceholderAddress)
		s = reBuildingAddress.ReplaceAllLiteralString(s, PlaceholderAddress)
		for strings.Contains(s, PlaceholderAddress+PlaceholderAddress) {
			s = strings.ReplaceAll(s, PlaceholderAddress+PlaceholderAddress, PlaceholderAddress)
		}
		s = replaceBounded(s, rePlate, PlaceholderPlate, func(m string) bool {
			return countDigits(m) >= 2
		})
	}
	return s
}

// replaceBounded replaces the matches of re that are not followed by an
// ASCII letter or digit (RE2 has no look-ahead) and that keep accepts.
func replaceBounded(s string, re *regexp.Regexp, repl string, keep func(string) bool) string {
	idx := re.FindAllStringIndex(s, -1)
	if idx == nil {
		return s
	}
	var b strings.Builder
	last := 0
	for _, m := range idx {
		next, _ := utf8.DecodeRuneInString(s[m[1]:])
		if isASCIILetter(next) || (next >= '0' && next <= '9') || !keep(s[m[0]:m[1]]) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(repl)
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func countDigits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}
