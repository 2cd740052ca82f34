package kinds

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"sort"
	"strconv"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// ToJSON converts a known Terraform value of attribute a into the JSON value
// of its field. ok is false for null (the field is left out).
func ToJSON(a Attr, v tftypes.Value) (any, bool, error) {
	if v.IsNull() {
		return nil, false, nil
	}
	if !v.IsFullyKnown() {
		return nil, false, fmt.Errorf("%s is not known yet", a.Name)
	}
	switch a.Type {
	case FreeForm:
		j, err := dynamicToJSON(v)
		return j, j != nil, err
	case List:
		var elems []tftypes.Value
		if err := v.As(&elems); err != nil {
			return nil, false, err
		}
		out := make([]any, 0, len(elems))
		for _, e := range elems {
			j, _, err := ToJSON(*a.Elem, e)
			if err != nil {
				return nil, false, err
			}
			out = append(out, j)
		}
		return out, true, nil
	case Map, StringMap:
		var elems map[string]tftypes.Value
		if err := v.As(&elems); err != nil {
			return nil, false, err
		}
		elem := Attr{Type: String}
		if a.Elem != nil {
			elem = *a.Elem
		}
		out := make(map[string]any, len(elems))
		for k, e := range elems {
			j, ok, err := ToJSON(elem, e)
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
			j, ok, err := ToJSON(sub, attrs[sub.Name])
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

// dynamicToJSON converts any value the user wrote (objects, maps, tuples,
// lists, sets, primitives). Null members are dropped.
func dynamicToJSON(v tftypes.Value) (any, error) {
	if v.IsNull() {
		return nil, nil
	}
	t := v.Type()
	switch {
	case t.Is(tftypes.Object{}) || t.Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		if err := v.As(&m); err != nil {
			return nil, err
		}
		out := make(map[string]any, len(m))
		for k, e := range m {
			j, err := dynamicToJSON(e)
			if err != nil {
				return nil, err
			}
			if j != nil {
				out[k] = j
			}
		}
		return out, nil
	case t.Is(tftypes.Tuple{}) || t.Is(tftypes.List{}) || t.Is(tftypes.Set{}):
		var l []tftypes.Value
		if err := v.As(&l); err != nil {
			return nil, err
		}
		out := make([]any, 0, len(l))
		for _, e := range l {
			j, err := dynamicToJSON(e)
			if err != nil {
				return nil, err
			}
			out = append(out, j)
		}
		return out, nil
	}
	j, _, err := primitiveToJSON(v)
	return j, err
}

// FromJSON converts a field's JSON value (nil when absent) into the
// Terraform value of attribute a.
func FromJSON(a Attr, j any) tftypes.Value {
	t := a.tfType()
	if j == nil {
		return tftypes.NewValue(t, nil)
	}
	switch a.Type {
	case String:
		s, ok := j.(string)
		if !ok {
			s = fmt.Sprint(j)
		}
		return tftypes.NewValue(t, s)
	case Int64:
		return tftypes.NewValue(t, toBigFloat(j))
	case Bool:
		b, _ := j.(bool)
		return tftypes.NewValue(t, b)
	case FreeForm:
		return dynamicFromJSON(j)
	case List:
		l, _ := j.([]any)
		elems := make([]tftypes.Value, 0, len(l))
		for _, e := range l {
			elems = append(elems, FromJSON(*a.Elem, e))
		}
		return tftypes.NewValue(t, elems)
	case Map, StringMap:
		m, _ := j.(map[string]any)
		elem := Attr{Type: String}
		if a.Elem != nil {
			elem = *a.Elem
		}
		elems := make(map[string]tftypes.Value, len(m))
		for k, e := range m {
			elems[k] = FromJSON(elem, e)
		}
		return tftypes.NewValue(t, elems)
	case Object:
		m, _ := j.(map[string]any)
		attrs := make(map[string]tftypes.Value, len(a.Attrs))
		for _, sub := range a.Attrs {
			attrs[sub.Name] = FromJSON(sub, m[sub.JSON])
		}
		return tftypes.NewValue(t, attrs)
	}
	panic("kinds: unknown attribute type")
}

// dynamicFromJSON builds a dynamic value with the most natural HCL type:
// objects for JSON objects, tuples for arrays.
func dynamicFromJSON(j any) tftypes.Value {
	switch x := j.(type) {
	case map[string]any:
		types := make(map[string]tftypes.Type, len(x))
		vals := make(map[string]tftypes.Value, len(x))
		for k, e := range x {
			if e == nil {
				continue
			}
			v := dynamicFromJSON(e)
			types[k], vals[k] = v.Type(), v
		}
		return tftypes.NewValue(tftypes.Object{AttributeTypes: types}, vals)
	case []any:
		types := make([]tftypes.Type, 0, len(x))
		vals := make([]tftypes.Value, 0, len(x))
		for _, e := range x {
			v := dynamicFromJSON(e)
			if e == nil {
				v = tftypes.NewValue(tftypes.String, nil)
			}
			types, vals = append(types, v.Type()), append(vals, v)
		}
		return tftypes.NewValue(tftypes.Tuple{ElementTypes: types}, vals)
	case string:
		return tftypes.NewValue(tftypes.String, x)
	case bool:
		return tftypes.NewValue(tftypes.Bool, x)
	}
	return tftypes.NewValue(tftypes.Number, toBigFloat(j))
}

func toBigFloat(j any) *big.Float {
	switch n := j.(type) {
	case int64:
		return new(big.Float).SetInt64(n)
	case int:
		return new(big.Float).SetInt64(int64(n))
	case float64:
		return big.NewFloat(n)
	case json.Number:
		f, _, err := big.ParseFloat(string(n), 10, 512, big.ToNearestEven)
		if err == nil {
			return f
		}
	}
	return new(big.Float)
}

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
		if len(x) == 0 {
			return nil
		}
		out := make(map[string]any, len(x))
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if c := canonical(x[k]); c != nil {
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
	}
	// Integers compare exactly; other numbers at the float64 precision
	// that JSON in the API server has.
	f := toBigFloat(j)
	if f.IsInt() {
		i, _ := f.Int(nil)
		return canonicalNumber(i.String())
	}
	x, _ := f.Float64()
	return canonicalNumber(strconv.FormatFloat(x, 'g', -1, 64))
}

// canonicalNumber keeps numbers apart from strings that read the same.
type canonicalNumber string
