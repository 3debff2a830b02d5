package localiot

import (
	"encoding/base64"
	"slices"
	"strings"
)

// Page asks for one page of a list operation.
type Page struct {
	// Token is the marker or nextToken of the previous page; "" for the first page.
	Token string
	// Size is the page size (pageSize or maxResults); 0 means the operation's default.
	Size int
	// Descending lists newest first, for the operations with isAscendingOrder=false.
	Descending bool
}

// Page sizes of the list operations.
const (
	// DefaultPageSize is AWS's documented default of the marker-paged lists (ListCACertificates).
	DefaultPageSize = 25
	// MaxPageSize is the largest pageSize and maxResults AWS accepts.
	MaxPageSize = 250
)

// paginate returns the page of keys after p.Token; keys must be sorted ascending and unique.
// The token is the last returned key, base64-encoded, so it matches AWS's marker pattern
// [A-Za-z0-9+/]+={0,2} and survives the deletion of that key.
func paginate(keys []string, p Page) (page []string, next string, err error) {
	size := p.Size
	switch {
	case size == 0:
		size = DefaultPageSize
	case size < 1 || size > MaxPageSize:
		return nil, "", apiErr(ErrInvalidRequest, "1 validation error detected: Value '%d' for the page size failed to satisfy constraint: Member must have value between 1 and %d", p.Size, MaxPageSize)
	}
	if p.Descending {
		slices.Reverse(keys)
	}
	start := 0
	if p.Token != "" {
		raw, derr := base64.StdEncoding.DecodeString(p.Token)
		if derr != nil || len(raw) == 0 {
			return nil, "", apiErr(ErrInvalidRequest, "Invalid pagination token %q", p.Token)
		}
		after := string(raw)
		start, _ = slices.BinarySearchFunc(keys, after, func(k, target string) int {
			if p.Descending {
				return strings.Compare(target, k)
			}
			return strings.Compare(k, target)
		})
		if start < len(keys) && keys[start] == after {
			start++
		}
	}
	end := min(start+size, len(keys))
	page = keys[start:end]
	if end < len(keys) {
		next = base64.StdEncoding.EncodeToString([]byte(page[len(page)-1]))
	}
	return page, next, nil
}
