package kinds

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

// Free-form (dynamic) values: anything the user writes in HCL, as JSON.

// dynamicToJSON converts any value the user wrote (objects, maps, tuples,
// lists, sets, primitives). Null members are dropped.
func dynamicToJSON(v tftypes.Value, partial bool) (any, error) {
	if !v.IsKnown() {
		if partial {
			return Unknown, nil
		}
		return nil, fmt.Errorf("a value is not known yet")
	}
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
			j, err := dynamicToJSON(e, partial)
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
			j, err := dynamicToJSON(e, partial)
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
	f, _ := toBigFloat(j)
	return tftypes.NewValue(tftypes.Number, f)
}
