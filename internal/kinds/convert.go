package kinds

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Unknown stands, in a spec checked at plan time, for a value that is not
// known yet.
var Unknown = unknown{}

type unknown struct{}

// ToJSON converts a known Terraform value of attribute a into the JSON value
// of its field. ok is false for null (the field is left out).
func ToJSON(a Attr, v tftypes.Value) (any, bool, error) {
	return toJSON(a, v, false)
}

// toJSON converts; with partial, unknown values become Unknown instead of an
// error.
func toJSON(a Attr, v tftypes.Value, partial bool) (any, bool, error) {
	if !v.IsKnown() {
		if partial {
			return Unknown, true, nil
		}
		return nil, false, fmt.Errorf("%s is not known yet", a.Name)
	}
	if v.IsNull() {
		return nil, false, nil
	}
	switch a.Type {
	case FreeForm:
		j, err := dynamicToJSON(v, partial)
		return j, j != nil, err
	case List, Set:
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return nil, false, err
		}
		out := make([]any, 0, len(elems))
		for _, e := range elems {
			j, _, err := toJSON(*a.Elem, e, partial)
			if err != nil {
				return nil, false, err
			}
			out = append(out, j)
		}
		if a.Type == Set {
			sortJSON(out)
		}
		return out, true, nil
	case Map:
		var elems map[string]tftypes.Value
		if err := v.As(&elems); err != nil {
			return nil, false, err
		}
		out := make(map[string]any, len(elems))
		for k, e := range elems {
			j, ok, err := toJSON(*a.Elem, e, partial)
			if err != nil {
				return nil, false, err
			}
			if ok {
				out[k] = j
			}
		}
		return out, true, nil
	case Object:
		var attrs map[string]tftypes.Value
		if err := v.As(&attrs); err != nil {
			return nil, false, err
		}
		out := map[string]any{}
		for _, sub := range a.Attrs {
			j, ok, err := toJSON(sub, attrs[sub.Name], partial)
			if err != nil {
				return nil, false, err
			}
			if ok {
				out[sub.JSON] = j
			}
		}
		return out, true, nil
	}
	return primitiveToJSON(v)
}

func primitiveToJSON(v tftypes.Value) (any, bool, error) {
	switch {
	case v.Type().Is(tftypes.String):
		var s string
		err := v.As(&s)
		return s, true, err
	case v.Type().Is(tftypes.Bool):
		var b bool
		err := v.As(&b)
		return b, true, err
	case v.Type().Is(tftypes.Number):
		var f big.Float
		if err := v.As(&f); err != nil {
			return nil, false, err
		}
		if i, acc := f.Int64(); acc == big.Exact {
			return i, true, nil
		}
		x, _ := f.Float64()
		if math.IsInf(x, 0) {
			return nil, false, fmt.Errorf("the number %s is too large", f.String())
		}
		return x, true, nil
	}
	return nil, false, fmt.Errorf("unexpected value of type %s", v.Type())
}

// FromJSON converts a field's JSON value (nil when absent) into the
// Terraform value of attribute a. A value of the wrong type (a string where
// the declaration says number) is an error that names the field: the cluster
// serves another schema than the provider expects.
func FromJSON(a Attr, j any) (tftypes.Value, error) {
	return fromJSON(a, j, a.JSON)
}

func fromJSON(a Attr, j any, at string) (tftypes.Value, error) {
	t := a.tfType()
	if j == nil {
		return tftypes.NewValue(t, nil), nil
	}
	wrong := func(want string) (tftypes.Value, error) {
		return tftypes.NewValue(t, nil), fmt.Errorf("%s holds %s where %s was expected", at, describeJSON(j), want)
	}
	switch a.Type {
	case String:
		s, ok := j.(string)
		if !ok {
			return wrong("a string")
		}
		return tftypes.NewValue(t, s), nil
	case Int64:
		f, ok := toBigFloat(j)
		if !ok || !f.IsInt() {
			return wrong("an integer")
		}
		return tftypes.NewValue(t, f), nil
	case Bool:
		b, ok := j.(bool)
		if !ok {
			return wrong("true or false")
		}
		return tftypes.NewValue(t, b), nil
	case FreeForm:
		return dynamicFromJSON(j), nil
	case List, Set:
		l, ok := j.([]any)
		if !ok {
			return wrong("a list")
		}
		elems := make([]tftypes.Value, 0, len(l))
		for i, e := range l {
			v, err := fromJSON(*a.Elem, e, fmt.Sprintf("%s[%d]", at, i))
			if err != nil {
				return tftypes.NewValue(t, nil), err
			}
			elems = append(elems, v)
		}
		return tftypes.NewValue(t, elems), nil
	case Map:
		m, ok := j.(map[string]any)
		if !ok {
			return wrong("an object")
		}
		elems := make(map[string]tftypes.Value, len(m))
		for k, e := range m {
			if e == nil {
				continue
			}
			v, err := fromJSON(*a.Elem, e, fmt.Sprintf("%s[%q]", at, k))
			if err != nil {
				return tftypes.NewValue(t, nil), err
			}
			elems[k] = v
		}
		return tftypes.NewValue(t, elems), nil
	case Object:
		m, ok := j.(map[string]any)
		if !ok {
			return wrong("an object")
		}
		attrs := make(map[string]tftypes.Value, len(a.Attrs))
		for _, sub := range a.Attrs {
			v, err := fromJSON(sub, m[sub.JSON], join(at, sub.JSON))
			if err != nil {
				return tftypes.NewValue(t, nil), err
			}
			attrs[sub.Name] = v
		}
		return tftypes.NewValue(t, attrs), nil
	}
	panic("kinds: unknown attribute type")
}

func join(at, field string) string {
	if at == "" {
		return field
	}
	return at + "." + field
}

func describeJSON(j any) string {
	switch x := j.(type) {
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case map[string]any:
		return "an object"
	case []any:
		return "a list"
	}
	if f, ok := toBigFloat(j); ok {
		return "the number " + f.Text('g', -1)
	}
	return fmt.Sprintf("%T", j)
}

func toBigFloat(j any) (*big.Float, bool) {
	switch n := j.(type) {
	case int64:
		return new(big.Float).SetInt64(n), true
	case int:
		return new(big.Float).SetInt64(int64(n)), true
	case float64:
		if math.IsNaN(n) || math.IsInf(n, 0) {
			return new(big.Float), false
		}
		return big.NewFloat(n), true
	case json.Number:
		f, _, err := big.ParseFloat(string(n), 10, 512, big.ToNearestEven)
		if err == nil {
			return f, true
		}
	}
	return new(big.Float), false
}
