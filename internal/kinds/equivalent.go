package kinds

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strconv"
)

// Equivalent tells whether two JSON values mean the same to the API: numbers
// compare by value, key order does not matter, and null, absent and empty
// objects, lists or strings are the same.
func Equivalent(a, b any) bool {
	return reflect.DeepEqual(canonical(a), canonical(b))
}

func canonical(j any) any {
	switch x := j.(type) {
	case nil:
		return nil
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if c := canonical(e); c != nil {
				out[k] = c
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []any:
		if len(x) == 0 {
			return nil
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = canonical(e)
		}
		return out
	case string:
		if x == "" {
			return nil
		}
		return x
	case bool:
		return x
	case unknown:
		return x
	}
	// Integers compare exactly; other numbers at the float64 precision
	// that JSON in the API server has.
	f, ok := toBigFloat(j)
	if !ok {
		return fmt.Sprintf("%T:%v", j, j)
	}
	if f.IsInt() {
		i, _ := f.Int(nil)
		return canonicalNumber(i.String())
	}
	v, _ := f.Float64()
	return canonicalNumber(strconv.FormatFloat(v, 'g', -1, 64))
}

// canonicalNumber keeps numbers apart from strings that read the same.
type canonicalNumber string

// sortJSON orders the elements of a set the same way every time, so that
// sets compare as sets.
func sortJSON(l []any) {
	keys := make([]string, len(l))
	for i, e := range l {
		raw, _ := json.Marshal(canonical(e))
		keys[i] = string(raw)
	}
	sort.Sort(byKey{l, keys})
}

type byKey struct {
	l    []any
	keys []string
}

func (b byKey) Len() int           { return len(b.l) }
func (b byKey) Less(i, j int) bool { return b.keys[i] < b.keys[j] }
func (b byKey) Swap(i, j int) {
	b.l[i], b.l[j] = b.l[j], b.l[i]
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
}
