package generate

import (
	"math/big"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/hashicorp/hcl/v2/hclwrite"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/zclconf/go-cty/cty"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// generator writes values; addrs are the resources written, by
// "<Kind>/<name>", which values that name them refer to.
type generator struct{ addrs map[string]string }

// value writes a value of attribute a, as the import reads it (null parts
// are left out), as HCL.
func (g *generator) value(a kinds.Attr, v tftypes.Value) hclwrite.Tokens {
	return g.valueIn(a, v, false)
}

// valueIn writes a value; plain says it is inside a plain Terraform type (a
// list, set or map whose elements are not objects, such as a list of maps of
// objects), where an object has every attribute: null ones are written too.
func (g *generator) valueIn(a kinds.Attr, v tftypes.Value, plain bool) hclwrite.Tokens {
	if v.IsNull() {
		return hclwrite.TokensForValue(cty.NullVal(cty.DynamicPseudoType))
	}
	elemPlain := plain || (a.Elem != nil && a.Elem.Type != kinds.Object)
	switch a.Type {
	case kinds.String:
		var s string
		_ = v.As(&s)
		return g.str(a.Ref, s)
	case kinds.Int64:
		var f big.Float
		_ = v.As(&f)
		return hclwrite.TokensForValue(cty.NumberVal(&f))
	case kinds.Bool:
		var b bool
		_ = v.As(&b)
		return hclwrite.TokensForValue(cty.BoolVal(b))
	case kinds.List, kinds.Set:
		var l []tftypes.Value
		_ = v.As(&l)
		elem := *a.Elem
		if a.Ref != nil && elem.Ref == nil {
			elem.Ref = a.Ref // a list of names of another kind
		}
		elems := make([]hclwrite.Tokens, 0, len(l))
		for _, e := range l {
			elems = append(elems, g.valueIn(elem, e, elemPlain))
		}
		return hclwrite.TokensForTuple(elems)
	case kinds.Map:
		var m map[string]tftypes.Value
		_ = v.As(&m)
		keys := make([]string, 0, len(m))
		for k, e := range m {
			if !e.IsNull() || elemPlain {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		attrs := make([]hclwrite.ObjectAttrTokens, len(keys))
		for i, k := range keys {
			attrs[i] = hclwrite.ObjectAttrTokens{Name: g.key(a.Ref, k), Value: g.valueIn(*a.Elem, m[k], elemPlain)}
		}
		return hclwrite.TokensForObject(attrs)
	case kinds.Object:
		var m map[string]tftypes.Value
		_ = v.As(&m)
		var attrs []hclwrite.ObjectAttrTokens
		for _, sub := range a.Attrs {
			if e := m[sub.Name]; !e.IsNull() || plain {
				attrs = append(attrs, hclwrite.ObjectAttrTokens{Name: hclwrite.TokensForIdentifier(sub.Name), Value: g.valueIn(sub, e, plain)})
			}
		}
		return hclwrite.TokensForObject(attrs)
	}
	return freeForm(v)
}

// freeForm writes a free-form value.
func freeForm(v tftypes.Value) hclwrite.Tokens {
	switch {
	case v.IsNull():
		return hclwrite.TokensForValue(cty.NullVal(cty.DynamicPseudoType))
	case v.Type().Is(tftypes.String):
		var s string
		_ = v.As(&s)
		return hclwrite.TokensForValue(cty.StringVal(s))
	case v.Type().Is(tftypes.Number):
		var f big.Float
		_ = v.As(&f)
		return hclwrite.TokensForValue(cty.NumberVal(&f))
	case v.Type().Is(tftypes.Bool):
		var b bool
		_ = v.As(&b)
		return hclwrite.TokensForValue(cty.BoolVal(b))
	case v.Type().Is(tftypes.Object{}) || v.Type().Is(tftypes.Map{}):
		var m map[string]tftypes.Value
		_ = v.As(&m)
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		attrs := make([]hclwrite.ObjectAttrTokens, len(keys))
		for i, k := range keys {
			attrs[i] = hclwrite.ObjectAttrTokens{Name: hclwrite.TokensForValue(cty.StringVal(k)), Value: freeForm(m[k])}
		}
		return hclwrite.TokensForObject(attrs)
	}
	var l []tftypes.Value
	_ = v.As(&l)
	elems := make([]hclwrite.Tokens, len(l))
	for i, e := range l {
		elems[i] = freeForm(e)
	}
	return hclwrite.TokensForTuple(elems)
}

// str writes a string, as a reference to the resource it names when there
// is one: `hedgehog_switch.leaf_01.name`, for a port
// `"${hedgehog_switch.leaf_01.name}/E1/1"`, for a prefixed name
// `"ext.${hedgehog_external.internet.name}"`.
func (g *generator) str(ref *kinds.Ref, s string) hclwrite.Tokens {
	lead, target, rest, ok := g.target(ref, s)
	switch {
	case !ok:
		return hclwrite.TokensForValue(cty.StringVal(s))
	case lead == "" && rest == "":
		return target
	}
	return template(lead, target, rest)
}

// key writes a map key, as a reference when it names a resource:
// `(hedgehog_vpc.vpc_01.name)` or `"ext.${hedgehog_external.internet.name}"`.
func (g *generator) key(ref *kinds.Ref, s string) hclwrite.Tokens {
	lead, target, rest, ok := g.target(ref, s)
	switch {
	case !ok:
		return hclwrite.TokensForValue(cty.StringVal(s))
	case lead == "" && rest == "":
		out := hclwrite.Tokens{{Type: hclsyntax.TokenOParen, Bytes: []byte("(")}}
		return append(append(out, target...), &hclwrite.Token{Type: hclsyntax.TokenCParen, Bytes: []byte(")")})
	}
	return template(lead, target, rest)
}

// target finds the resource that a value of ref names: the reference to its
// name, with the literal text before it (a prefix such as "ext.") and after
// it (a port's "/E1/1").
func (g *generator) target(ref *kinds.Ref, s string) (lead string, target hclwrite.Tokens, rest string, ok bool) {
	if ref == nil {
		return "", nil, "", false
	}
	kind, name := ref.Kind, s
	for prefix, k := range ref.Prefixes {
		if after, found := strings.CutPrefix(s, prefix); found {
			kind, name, lead = k, after, prefix
			break
		}
	}
	if ref.Device {
		if device, port, isPort := strings.Cut(name, "/"); isPort {
			name, rest = device, "/"+port
		}
	}
	addr, ok := g.addrs[kind+"/"+name]
	if !ok {
		return "", nil, "", false
	}
	return lead, hclwrite.TokensForTraversal(traversal(addr + ".name")), rest, true
}

// template writes "<lead>${<target>}<rest>".
func template(lead string, target hclwrite.Tokens, rest string) hclwrite.Tokens {
	out := hclwrite.Tokens{{Type: hclsyntax.TokenOQuote, Bytes: []byte(`"`)}}
	if lead != "" {
		out = append(out, &hclwrite.Token{Type: hclsyntax.TokenQuotedLit, Bytes: []byte(escape(lead))})
	}
	out = append(out, &hclwrite.Token{Type: hclsyntax.TokenTemplateInterp, Bytes: []byte("${")})
	out = append(out, target...)
	out = append(out, &hclwrite.Token{Type: hclsyntax.TokenTemplateSeqEnd, Bytes: []byte("}")})
	if rest != "" {
		out = append(out, &hclwrite.Token{Type: hclsyntax.TokenQuotedLit, Bytes: []byte(escape(rest))})
	}
	return append(out, &hclwrite.Token{Type: hclsyntax.TokenCQuote, Bytes: []byte(`"`)})
}

// escape writes literal text for inside an HCL quoted template.
func escape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "${", "$${", "%{", "%%{").Replace(s)
}
