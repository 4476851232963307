package handlers

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"hotline/core"
	"hotline/domain"
	"hotline/repo"
)

// Problem is an RFC 9457 problem document, the body of every error.
type Problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail,omitempty"`
	Code   string              `json:"code"`
	Errors []domain.FieldError `json:"errors,omitempty"`
}

// problemTitle is the Chinese title shown to staff and citizens for a code.
func problemTitle(code string) string {
	switch code {
	case "validation":
		return "请求参数有误"
	case "bad_request":
		return "请求格式错误"
	case "unauthorized":
		return "未登录或登录已失效"
	case "bad_credentials":
		return "用户名或密码错误"
	case "otp_required":
		return "请输入动态验证码"
	case "bad_otp":
		return "动态验证码错误或已使用"
	case "bad_signature":
		return "签名无效或已过期"
	case "forbidden":
		return "无权执行此操作"
	case "not_found":
		return "未找到"
	case "method_not_allowed":
		return "不支持此请求方法"
	case "conflict":
		return "当前状态不允许此操作"
	case "idempotency_conflict":
		return "幂等键已用于不同的请求"
	case "idempotency_in_progress":
		return "相同的请求正在处理中"
	case "gone":
		return "链接已失效"
	case "too_large":
		return "请求内容过大"
	case "unsupported_media_type":
		return "请使用 application/json 格式"
	case "rate_limited":
		return "请求过于频繁,请稍后再试"
	case "not_configured":
		return "该接口未启用"
	case "unavailable":
		return "服务暂不可用,请稍后重试"
	}
	return "服务器内部错误"
}

func newProblem(status int, code, detail string) *Problem {
	return &Problem{Type: "/problems/" + code, Title: problemTitle(code), Status: status, Detail: detail, Code: code}
}

func (p *Problem) Error() string { return fmt.Sprintf("%d %s: %s", p.Status, p.Code, p.Detail) }

// fieldProblem is a 400 or 422 that names a field.
func fieldProblem(status int, field, message string) *Problem {
	code := "validation"
	if status == fiber.StatusBadRequest {
		code = "bad_request"
	}
	p := newProblem(status, code, field+": "+message)
	p.Errors = []domain.FieldError{{Field: field, Message: message}}
	return p
}

// retryAfter carries a Retry-After header with a problem.
type retryAfter struct {
	*Problem
	after time.Duration
}

func (r retryAfter) Unwrap() error { return r.Problem }

// errorHandler turns every error a handler returns into problem+json; the
// text of unexpected errors is logged, never sent.
func errorHandler(log *slog.Logger) fiber.ErrorHandler {
	return func(c *fiber.Ctx, err error) error {
		p, wait := toProblem(err)
		if p.Status >= 500 && p.Code != "unavailable" && p.Code != "not_configured" {
			log.Error("request failed", "method", c.Method(), "route", routePath(c), "request_id", c.GetRespHeader(fiber.HeaderXRequestID), "err", err)
		} else if p.Code == "unavailable" {
			log.Warn("dependency unavailable", "route", routePath(c), "err", err)
		}
		if wait > 0 {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		}
		c.Set(fiber.HeaderContentType, "application/problem+json")
		return c.Status(p.Status).JSON(p, "application/problem+json")
	}
}

func toProblem(err error) (*Problem, time.Duration) {
	var (
		p   *Problem
		ra  retryAfter
		ve  domain.ValidationError
		fe  *fiber.Error
		thr core.ThrottledError
	)
	switch {
	case errors.As(err, &ra):
		return ra.Problem, ra.after
	case errors.As(err, &p):
		return p, 0
	case errors.As(err, &ve):
		out := newProblem(fiber.StatusUnprocessableEntity, "validation", ve.Error())
		out.Errors = ve
		return out, 0
	case errors.As(err, &thr):
		return newProblem(fiber.StatusTooManyRequests, "rate_limited", thr.Error()), thr.RetryAfter
	case errors.Is(err, core.ErrBadCredentials):
		return newProblem(fiber.StatusUnauthorized, "bad_credentials", "wrong username or password"), 0
	case errors.Is(err, domain.ErrNotFound):
		return newProblem(fiber.StatusNotFound, "not_found", "no such resource, or not yours to see"), 0
	case errors.Is(err, domain.ErrForbidden):
		return newProblem(fiber.StatusForbidden, "forbidden", "your role or unit may not do this"), 0
	case errors.Is(err, domain.ErrInvalidTransition), errors.Is(err, domain.ErrConflict):
		return newProblem(fiber.StatusConflict, "conflict", err.Error()), 0
	case errors.Is(err, domain.ErrGone):
		return newProblem(fiber.StatusGone, "gone", err.Error()), 0
	case errors.As(err, &fe):
		switch fe.Code {
		case fiber.StatusRequestEntityTooLarge:
			return newProblem(fe.Code, "too_large", "the body is over 1 MiB"), 0
		case fiber.StatusNotFound:
			return newProblem(fe.Code, "not_found", "no such endpoint"), 0
		case fiber.StatusMethodNotAllowed:
			return newProblem(fe.Code, "method_not_allowed", fe.Message), 0
		case fiber.StatusRequestTimeout, fiber.StatusRequestHeaderFieldsTooLarge, fiber.StatusBadRequest:
			return newProblem(fe.Code, "bad_request", fe.Message), 0
		}
		if fe.Code >= 400 && fe.Code < 500 {
			return newProblem(fe.Code, "bad_request", fe.Message), 0
		}
	case repo.IsDataException(err):
		// a value Postgres refused (NUL byte, bad encoding, out-of-range date)
		// that validation let through: the client's fault, not ours
		return newProblem(fiber.StatusBadRequest, "bad_request", "a value in the request cannot be stored or compared"), 0
	case repo.IsUnavailable(err), errors.Is(err, context.DeadlineExceeded):
		return newProblem(fiber.StatusServiceUnavailable, "unavailable", "the database cannot be reached; retry shortly"), 5 * time.Second
	}
	return newProblem(fiber.StatusInternalServerError, "internal", "an unexpected error; it has been logged"), 0
}
