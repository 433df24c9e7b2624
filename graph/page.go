package graph

import (
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/casegraph/casegraph/graph/model"
	"github.com/casegraph/casegraph/internal/kg"
)

// MaxPageSize caps first on every connection.
const MaxPageSize = 100

// page reads first and after: cursors are opaque offsets.
func page(first *int, after *string) (n, offset int, err error) {
	n = 20
	if first != nil {
		n = *first
	}
	if n < 0 || n > MaxPageSize {
		return 0, 0, kg.Errorf(kg.Invalid, "first must be between 0 and %d, got %d", MaxPageSize, n)
	}
	if after != nil && *after != "" {
		offset, err = decodeCursor(*after)
		if err != nil {
			return 0, 0, err
		}
		offset++
	}
	return n, offset, nil
}

func cursor(offset int) string {
	return base64.RawURLEncoding.EncodeToString([]byte("offset:" + strconv.Itoa(offset)))
}

func decodeCursor(c string) (int, error) {
	raw, err := base64.RawURLEncoding.DecodeString(c)
	if err == nil {
		if s, ok := strings.CutPrefix(string(raw), "offset:"); ok {
			if n, err := strconv.Atoi(s); err == nil && n >= 0 {
				return n, nil
			}
		}
	}
	return 0, kg.Errorf(kg.Invalid, "after: %q is not a cursor from this API", c)
}

func pageInfo(offset, count, total int) *model.PageInfo {
	pi := &model.PageInfo{HasPreviousPage: offset > 0, HasNextPage: offset+count < total}
	if count > 0 {
		start, end := cursor(offset), cursor(offset+count-1)
		pi.StartCursor, pi.EndCursor = &start, &end
	}
	return pi
}
