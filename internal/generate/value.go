package generate

import (
	"encoding/json"
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/zclconf/go-cty/cty"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// generator writes values; addrs are the resources written, by
// "<Kind>/<name>", which values that name them refer to.
type generator struct{ addrs map[string]string }

// value writes a JSON value of attribute a as HCL, the way the import reads
// it: inside objects, what is present is written even when empty (an empty
// object or list is not null), and absent values are left out.
func (g *generator) value(a kinds.Attr, v any) hclwrite.Tokens {
	switch a.Type {
	case kinds.String:
		s, _ := v.(string)
		return g.str(a.Ref, s)
	case kinds.Int64:
		return hclwrite.TokensForValue(number(v))
	case kinds.Bool:
		b, _ := v.(bool)
		return hclwrite.TokensForValue(cty.BoolVal(b))
	case kinds.List, kinds.Set:
		l, _ := v.([]any)
		elem := *a.Elem
		if a.Ref != nil && elem.Ref == nil {
			elem.Ref = a.Ref // a list of names of another kind
		}
		elems := make([]hclwrite.Tokens, 0, len(l))
		for _, e := range l {
			elems = append(elems, g.value(elem, e))
		}
		return hclwrite.TokensForTuple(elems)
	case kinds.Map:
		m, _ := v.(map[string]any)
		keys := make([]string, 0, len(m))
		for k, e := range m {
			if e != nil {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		attrs := make([]hclwrite.ObjectAttrTokens, len(keys))
		for i, k := range keys {
			attrs[i] = hclwrite.ObjectAttrTokens{Name: hclwrite.TokensForValue(cty.StringVal(k)), Value: g.value(*a.Elem, m[k])}
		}
		return hclwrite.TokensForObject(attrs)
	case kinds.Object:
		m, _ := v.(map[string]any)
		var attrs []hclwrite.ObjectAttrTokens
		for _, sub := range a.Attrs {
			e, present := m[sub.JSON]
			if !present || e == nil {
				continue
			}
			attrs = append(attrs, hclwrite.ObjectAttrTokens{Name: hclwrite.TokensForIdentifier(sub.Name), Value: g.value(sub, e)})
		}
		return hclwrite.TokensForObject(attrs)
	}
	return hclwrite.TokensForValue(freeForm(v))
}

// str writes a string, as a reference to the resource it names when there
// is one: `hedgehog_switch.leaf_01.name`, or for a port
// `"${hedgehog_switch.leaf_01.name}/E1/1"`.
func (g *generator) str(ref *kinds.Ref, s string) hclwrite.Tokens {
	if ref == nil {
		return hclwrite.TokensForValue(cty.StringVal(s))
	}
	name, rest, isPort := s, "", false
	if ref.Device {
		name, rest, isPort = strings.Cut(s, "/")
	}
	addr, ok := g.addrs[ref.Kind+"/"+name]
	if !ok {
		return hclwrite.TokensForValue(cty.StringVal(s))
	}
	target := hclwrite.TokensForTraversal(traversal(addr + ".name"))
	if !isPort {
		return target
	}
	out := hclwrite.Tokens{{Type: hclsyntax.TokenOQuote, Bytes: []byte(`"`)},
		{Type: hclsyntax.TokenTemplateInterp, Bytes: []byte("${")}}
	out = append(out, target...)
	out = append(out, &hclwrite.Token{Type: hclsyntax.TokenTemplateSeqEnd, Bytes: []byte("}")},
		&hclwrite.Token{Type: hclsyntax.TokenQuotedLit, Bytes: []byte(escape("/" + rest))},
		&hclwrite.Token{Type: hclsyntax.TokenCQuote, Bytes: []byte(`"`)})
	return out
}

// escape writes literal text for inside an HCL quoted template.
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "${", "$${", "%{", "%%{").Replace(s)
}

func number(v any) cty.Value {
	switch n := v.(type) {
	case int64:
		return cty.NumberIntVal(n)
	case int:
		return cty.NumberIntVal(int64(n))
	case float64:
		return cty.NumberFloatVal(n)
	case json.Number:
		if f, ok := new(big.Float).SetString(string(n)); ok {
			return cty.NumberVal(f)
		}
	}
	return cty.StringVal(fmt.Sprint(v))
}

// freeForm is a JSON value of an attribute with no declared type.
func freeForm(v any) cty.Value {
	switch x := v.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType)
	case string:
		return cty.StringVal(x)
	case bool:
		return cty.BoolVal(x)
	case []any:
		elems := make([]cty.Value, len(x))
		for i, e := range x {
			elems[i] = freeForm(e)
		}
		return cty.TupleVal(elems)
	case map[string]any:
		attrs := make(map[string]cty.Value, len(x))
		for k, e := range x {
			attrs[k] = freeForm(e)
		}
		return cty.ObjectVal(attrs)
	}
	return number(v)
}
