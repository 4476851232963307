package web

import (
	"fmt"

	"hotline/domain"
)

// What staff read for the system's codes.

func statusLabel(s string) string {
	switch domain.Status(s) {
	case domain.Received:
		return "已登记"
	case domain.Answered:
		return "已当场答复"
	case domain.PendingDispatch:
		return "待派单"
	case domain.Dispatched:
		return "待签收"
	case domain.Accepted:
		return "办理中"
	case domain.Replied:
		return "已办结"
	case domain.Closed:
		return "已结案"
	}
	return s
}

func roleLabel(r domain.Role) string {
	switch r {
	case domain.RoleAdmin:
		return "系统管理员"
	case domain.RoleManager:
		return "管理者"
	case domain.RoleOperator:
		return "话务员"
	case domain.RoleUnitHead:
		return "单位负责人"
	case domain.RoleUnitStaff:
		return "承办人"
	}
	return string(r)
}

// eventLabel names a timeline entry by the action recorded (API.md's names).
func eventLabel(action string) string {
	if l, ok := map[string]string{
		"created": "登记", "routed": "自动分派", "dispatched": "派单", "accepted": "签收", "returned": "退回",
		"extension_requested": "申请延期", "extension_approved": "同意延期", "extension_rejected": "不同意延期",
		"replied": "答复", "reply_approved": "审核通过", "reminded": "催办", "overdue": "超期",
		"accept_overdue": "签收超时", "delivered": "答复已送达", "delivery_failed": "送达失败",
		"visited": "回访", "rated": "群众评价", "reopened": "重办", "merged": "合并", "closed": "结案",
		"published": "公开选登", "delivery_retried": "重新发送", "rating_link_created": "生成评价链接",
	}[action]; ok {
		return l
	}
	return action
}

func satisfactionLabel(s string) string {
	switch s {
	case "satisfied":
		return "满意"
	case "basically_satisfied":
		return "基本满意"
	case "dissatisfied":
		return "不满意"
	}
	return s
}

func kindLabel(s string) string    { return domain.Kind(s).Label() }
func channelLabel(s string) string { return domain.Channel(s).Label() }

// similarReason says why an item looks like a duplicate.
func similarReason(reason string, similarity float64) string {
	switch reason {
	case "same_phone":
		return "同一来电号码"
	case "same_author":
		return "同一发帖人"
	}
	return fmt.Sprintf("内容相似(%.0f%%)", similarity*100)
}
