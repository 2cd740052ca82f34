package vpc

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"strconv"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// LabelExternal is the label with the External of an attachment or a
// peering (list data sources and the stand-in select by it).
const LabelExternal = "fabric.githedgehog.com/external"

// externalDefaultIPv4Namespace is the namespace of an External whose spec
// does not say.
const externalDefaultIPv4Namespace = "default"

// External is a system outside the fabric (a router, a provider edge) that
// VPCs reach through external peerings.
var External = &kinds.Kind{
	TypeName: "external", ListTypeName: "externals",
	Group: Group, Version: Version, Kind: "External", Plural: "externals", Namespace: meta.Namespace, NameMaxLength: maxNameLength,
	ServerLabel: meta.ServerLabel,
	Description: "A Hedgehog External (`externals.vpc.githedgehog.com/v1beta1`): a system outside the fabric, reached " +
		"through External attachments on border switches, that VPCs of its IPv4 namespace peer with through External " +
		"peerings. A BGP External exchanges routes tagged with BGP communities; a static External (`static`) is reached " +
		"through static routes to its `prefixes` and has no communities. The name has at most 11 characters. Hedgehog " +
		"refuses to delete an External while attachments or peerings use it.",
	Spec: []kinds.Attr{
		{Name: "ipv4_namespace", JSON: "ipv4Namespace", Type: kinds.String, Computed: true, Ref: &kinds.Ref{Kind: "IPv4Namespace"},
			Description: "The IPv4 namespace the External belongs to; it must exist. Left out, Hedgehog uses `default`."},
		{Name: "inbound_community", JSON: "inboundCommunity", Type: kinds.String,
			Description: "The BGP community that marks routes accepted from the External, `ASN:NN` with both parts 0 to 65535 " +
				"(such as `65102:5000`). Only for BGP Externals."},
		{Name: "outbound_community", JSON: "outboundCommunity", Type: kinds.String,
			Description: "The BGP community stamped on every route sent to the External, `ASN:NN` with both parts 0 to 65535 " +
				"(such as `50000:50001`). Only for BGP Externals."},
		{Name: "static", JSON: "static", Type: kinds.Object, Attrs: []kinds.Attr{
			{Name: "prefixes", JSON: "prefixes", Type: kinds.List, Elem: kinds.StringElem,
				Description: "The IPv4 prefixes reachable through the External, in CIDR notation: at least one, none " +
					"overlapping another (`0.0.0.0/0` for everything)."},
		}, Description: "Makes the External static: reached through static routes instead of BGP. A static External has no " +
			"communities, and its attachments are static ones."},
	},
	Check:   checkExternal,
	Default: defaultExternal,
	ListFilters: []kinds.ListFilter{
		{Name: "ipv4_namespace", Description: "Only Externals of this IPv4 namespace.",
			Selector: func(v string) string { return LabelIPv4Namespace + "=" + v }},
	},
	Applied: &kinds.AppliedRule{Agents: agent.Agent, AgentMap: "externals",
		Description: "every switch with an attachment to the External has applied it.",
		Switches: func(ctx context.Context, l kinds.Lookup, u *unstructured.Unstructured) ([]string, error) {
			return ExternalSwitches(ctx, l, u.GetName())
		}},
}

// ExternalSwitches names the switches that an External reaches: those of
// the connections of its attachments.
func ExternalSwitches(ctx context.Context, l kinds.Lookup, name string) ([]string, error) {
	attachments, err := l.List(ctx, ExternalAttachment)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range attachments {
		spec, _ := a.Object["spec"].(map[string]any)
		if ext, _ := meta.Str(spec, "external"); ext != name {
			continue
		}
		conn, _ := meta.Str(spec, "connection")
		switches, err := wiring.ConnectionSwitches(ctx, l, conn)
		if err != nil {
			return nil, err
		}
		out = append(out, switches...)
	}
	return out, nil
}

func defaultExternal(spec map[string]any) {
	if s, _ := spec["ipv4Namespace"].(string); s == "" && spec["ipv4Namespace"] != kinds.Unknown {
		spec["ipv4Namespace"] = externalDefaultIPv4Namespace
	}
}

// community is a BGP community as Hedgehog writes it: two decimal numbers
// without leading zeros (their bound is checked apart).
var community = regexp.MustCompile(`^(0|[1-9][0-9]{0,4}):(0|[1-9][0-9]{0,4})$`)

// ValidCommunity tells whether s is a standard BGP community, ASN:NN with
// both parts 0 to 65535.
func ValidCommunity(s string) bool {
	m := community.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	for _, part := range m[1:] {
		if n, err := strconv.Atoi(part); err != nil || n > 65535 {
			return false
		}
	}
	return true
}

// IsStatic tells whether an External's spec makes it static; ok is false
// while that is not known yet (plan time).
func IsStatic(spec map[string]any) (static, ok bool) {
	v, present := spec["static"]
	if v == kinds.Unknown {
		return false, false
	}
	return present && v != nil, true
}

func checkExternal(name string, spec map[string]any) []kinds.Problem {
	out := meta.NameAtMost(name, maxNameLength)
	static, known := IsStatic(spec)
	if !known {
		return out
	}
	if !static {
		for _, c := range []struct{ json, field string }{
			{"inboundCommunity", "inboundCommunity"}, {"outboundCommunity", "outboundCommunity"},
		} {
			if s, ok := meta.Str(spec, c.json); ok && s != "" && !ValidCommunity(s) {
				out = append(out, meta.Problem(fmt.Sprintf("%s %s is not a valid community, example 50000:50001", c.field, s), c.json))
			}
		}
		return out
	}
	for _, field := range []string{"inboundCommunity", "outboundCommunity"} {
		if s, ok := meta.Str(spec, field); ok && s != "" {
			return append(out, meta.Problem(
				"inboundCommunity and outboundCommunity must be empty when static configuration is present", field))
		}
	}
	staticSpec, _ := meta.Map(spec, "static")
	if !meta.Known(staticSpec) {
		return out
	}
	l, _ := meta.List(staticSpec, "prefixes")
	if len(l) == 0 {
		return append(out, meta.Problem("at least one prefix must be specified for static externals", "static", "prefixes"))
	}
	prefixes := make([]netip.Prefix, 0, len(l))
	for i, s := range meta.Strings(l) {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return append(out, meta.Problem(fmt.Sprintf("invalid prefix %s in static external configuration: %v", s, err),
				"static", "prefixes", i))
		}
		prefixes = append(prefixes, p)
	}
	for i := range prefixes {
		for j := i + 1; j < len(prefixes); j++ {
			if prefixes[i].Overlaps(prefixes[j]) {
				return append(out, meta.Problem(fmt.Sprintf("static prefixes %s and %s overlap with each other", prefixes[i],
					prefixes[j]), "static", "prefixes", j))
			}
		}
	}
	return out
}
