package core

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"hotline/domain"
	"hotline/repo"
)

// CategoryInput creates a category.
type CategoryInput struct {
	Code       string  `json:"code"`
	Name       string  `json:"name"`
	ParentCode *string `json:"parent_code"`
}

// ListCategories returns every category.
func (c *Core) ListCategories(ctx context.Context) ([]repo.Category, error) {
	return c.store.Q().ListCategories(ctx)
}

// CreateCategory adds a category.
func (c *Core) CreateCategory(ctx context.Context, in CategoryInput) (repo.Category, error) {
	defer c.changed(repo.ChangeCategories)
	var v domain.ValidationError
	if !codePattern.MatchString(in.Code) {
		v.Add("code", "required: 1 to 64 letters, digits, '_', '.' or '-'")
	}
	if n := strings.TrimSpace(in.Name); n == "" || utf8.RuneCountInString(n) > 100 {
		v.Add("name", "required: 1 to 100 characters")
	}
	if err := v.Err(); err != nil {
		return repo.Category{}, err
	}
	cat := repo.Category{Code: in.Code, Name: strings.TrimSpace(in.Name)}
	if in.ParentCode != nil && *in.ParentCode != "" {
		cat.ParentCode = in.ParentCode
	}
	out, err := c.store.Q().CreateCategory(ctx, cat)
	if errors.Is(err, repo.ErrDuplicate) {
		return repo.Category{}, fmt.Errorf("category %s exists: %w", in.Code, domain.ErrConflict)
	}
	if errors.Is(err, repo.ErrMissingReference) {
		return repo.Category{}, domain.ValidationError{{Field: "parent_code", Message: "no such category"}}
	}
	return out, err
}

// maxCategoryDepth bounds the walk up the category tree (as repo.CategoryPath
// does), should the tree ever hold a cycle.
const maxCategoryDepth = 32

// categoryPath is the category and its ancestors, nearest first, from the
// categories kept in memory (see cache.go); empty when there is no such
// category.
func (c *Core) categoryPath(ctx context.Context, q *repo.Q, code string) ([]string, error) {
	parents, err := c.caches.categories.get(c.caches.on.Load(), func() (map[string]*string, error) {
		rows, err := q.ListCategories(ctx)
		if err != nil {
			return nil, fmt.Errorf("read categories: %w", err)
		}
		parents := make(map[string]*string, len(rows))
		for _, r := range rows {
			parents[r.Code] = r.ParentCode
		}
		return parents, nil
	})
	if err != nil {
		return nil, err
	}
	var path []string
	for cur := &code; cur != nil && len(path) <= maxCategoryDepth; {
		parent, ok := parents[*cur]
		if !ok {
			break
		}
		path = append(path, *cur)
		cur = parent
	}
	return path, nil
}
