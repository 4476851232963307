package report

import (
	"math"
	"strconv"
	"strings"
)

// AnnualFigures is one channel's (or the whole department's) figures for a
// year. Rates are ratios in [0, 1]; nil means the rate is undefined (its
// denominator is zero).
type AnnualFigures struct {
	// Label names the channel, e.g. "12328交通运输服务监督电话", "厅长信箱",
	// "政务微博" or "全部渠道".
	Label string

	Received           int64 // 受理
	Answered           int64 // 直接答复
	Dispatched         int64 // 交办
	Completed          int64 // 办结
	Replied            int64 // 回复
	Rated              int64 // 评价 (评星件总数)
	FiveStar           int64 // 五星件数
	Satisfied          int64 // 满意
	BasicallySatisfied int64 // 基本满意

	CompletionRate   *float64 // 办结率
	ReplyRate        *float64 // 回复率
	SatisfactionRate *float64 // 满意率
	GoodRate         *float64 // 五星件数占评星件总数的比例
	OnTimeRate       *float64 // 按时办结率
}

// AnnualText writes the public-interaction sentences of a
// 政府信息公开工作年度报告, one paragraph per AnnualFigures joined by "\n":
//
//	2025年,12328交通运输服务监督电话共受理群众诉求11719件,其中直接答复2034件,交办9685件,办结9580件,办结率98.92%,回复率99.10%。共评价5012件,五星件数占评星件总数的96.07%,满意率98.50%。
//
// The first sentence covers handling (受理, 直接答复, 交办, 办结, 回复 and
// the 办结率, 按时办结率 and 回复率 rates); the second covers evaluation
// (评价, the five-star share, 满意, 基本满意 and 满意率). A clause is left
// out when its count is zero or its rate is nil (or NaN/±Inf); a non-nil
// rate of 0 is a real figure and is printed as "0.00%". The five-star share
// is GoodRate, or FiveStar/Rated when GoodRate is nil and both counts are
// positive. Counts are plain integers and rates are formatted by Percent.
// A channel without any figure is reported as "共受理群众诉求0件".
func AnnualText(year int, figs []AnnualFigures) string {
	paras := make([]string, len(figs))
	for i, fg := range figs {
		paras[i] = annualParagraph(year, fg)
	}
	return strings.Join(paras, "\n")
}

func annualParagraph(year int, fg AnnualFigures) string {
	var handling, rating []string
	count := func(dst *[]string, prefix string, n int64) {
		if n != 0 {
			*dst = append(*dst, prefix+strconv.FormatInt(n, 10)+"件")
		}
	}
	rate := func(dst *[]string, prefix string, r *float64) {
		if r != nil && !math.IsNaN(*r) && !math.IsInf(*r, 0) {
			*dst = append(*dst, prefix+Percent(r))
		}
	}

	count(&handling, "共受理群众诉求", fg.Received)
	if fg.Received != 0 {
		count(&handling, "其中直接答复", fg.Answered)
	} else {
		count(&handling, "直接答复", fg.Answered)
	}
	count(&handling, "交办", fg.Dispatched)
	count(&handling, "办结", fg.Completed)
	count(&handling, "回复", fg.Replied)
	rate(&handling, "办结率", fg.CompletionRate)
	rate(&handling, "按时办结率", fg.OnTimeRate)
	rate(&handling, "回复率", fg.ReplyRate)

	count(&rating, "共评价", fg.Rated)
	good := fg.GoodRate
	if good == nil && fg.FiveStar > 0 && fg.Rated > 0 {
		share := float64(fg.FiveStar) / float64(fg.Rated)
		good = &share
	}
	rate(&rating, "五星件数占评星件总数的", good)
	count(&rating, "满意", fg.Satisfied)
	count(&rating, "基本满意", fg.BasicallySatisfied)
	rate(&rating, "满意率", fg.SatisfactionRate)

	var b strings.Builder
	b.WriteString(strconv.Itoa(year))
	b.WriteString("年,")
	b.WriteString(fg.Label)
	if len(handling) == 0 && len(rating) == 0 {
		b.WriteString("共受理群众诉求0件。")
		return b.String()
	}
	for _, sentence := range [][]string{handling, rating} {
		if len(sentence) > 0 {
			b.WriteString(strings.Join(sentence, ","))
			b.WriteString("。")
		}
	}
	return b.String()
}
