package vpc

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// ExternalPeering lets a VPC and an External exchange routes: the VPC's
// subnets go out, the External's prefixes come in.
var ExternalPeering = &kinds.Kind{
	TypeName: "external_peering", ListTypeName: "external_peerings",
	Group: Group, Version: Version, Kind: "ExternalPeering", Plural: "externalpeerings", Namespace: meta.Namespace,
	ServerLabel: meta.ServerLabel,
	Description: "A Hedgehog External peering (`externalpeerings.vpc.githedgehog.com/v1beta1`): which subnets of a VPC the " +
		"fabric advertises to an External, and which of the External's prefixes it lets into the VPC. The VPC and the " +
		"External must exist and be in the same IPv4 namespace, and the subnets must be the VPC's. Hedgehog keeps the " +
		"subnets and the prefixes sorted; order does not matter. The conventional name is `<vpc>--<external>`.",
	Spec: []kinds.Attr{
		{Name: "permit", JSON: "permit", Type: kinds.Object, Required: true, Description: "The VPC side and the External side.",
			Attrs: []kinds.Attr{
				{Name: "vpc", JSON: "vpc", Type: kinds.Object, Required: true, Description: "The VPC side.", Attrs: []kinds.Attr{
					{Name: "name", JSON: "name", Type: kinds.String, Required: true, Ref: &kinds.Ref{Kind: "VPC"},
						Description: "The name of the VPC; it must exist."},
					{Name: "subnets", JSON: "subnets", Type: kinds.List, Elem: kinds.StringElem,
						Description: "The names of the VPC's subnets advertised to the External (sorted by the API server, " +
							"so order does not matter)."},
				}},
				{Name: "external", JSON: "external", Type: kinds.Object, Required: true, Description: "The External side.",
					Attrs: []kinds.Attr{
						{Name: "name", JSON: "name", Type: kinds.String, Required: true, Ref: &kinds.Ref{Kind: "External"},
							Description: "The name of the External; it must exist, in the VPC's IPv4 namespace."},
						{Name: "prefixes", JSON: "prefixes", Type: kinds.List,
							Description: "The External's prefixes let into the VPC (sorted by the API server, so order does " +
								"not matter).",
							Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
								{Name: "prefix", JSON: "prefix", Type: kinds.String, Required: true,
									Description: "An IPv4 prefix in CIDR notation; it permits every route inside it, of any " +
										"length (`0.0.0.0/0` for every route, the default route included)."},
							}}},
					}},
			}},
	},
	Check:   checkExternalPeering,
	Default: defaultExternalPeering,
	ListFilters: []kinds.ListFilter{
		{Name: "vpc", Description: "Only peerings of this VPC.",
			Selector: func(v string) string { return LabelVPC + "=" + v }},
		{Name: "external", Description: "Only peerings of this External.",
			Selector: func(v string) string { return LabelExternal + "=" + v }},
	},
	Applied: &kinds.AppliedRule{Agents: agent.Agent, AgentMap: "externalPeerings",
		// Hedgehog's controller gives a peering only to the switches the
		// External is attached through (they route between the two).
		Description: "every switch with an attachment of the External has applied it.",
		Switches: func(ctx context.Context, l kinds.Lookup, u *unstructured.Unstructured) ([]string, error) {
			ext, _, _ := unstructured.NestedString(u.Object, "spec", "permit", "external", "name")
			return ExternalSwitches(ctx, l, ext)
		}},
}

func checkExternalPeering(_ string, spec map[string]any) []kinds.Problem {
	var out []kinds.Problem
	if spec["permit"] == kinds.Unknown {
		return nil
	}
	permit, _ := spec["permit"].(map[string]any)
	for _, side := range []string{"vpc", "external"} {
		m, _ := permit[side].(map[string]any)
		if permit[side] == kinds.Unknown || m["name"] == kinds.Unknown {
			continue
		}
		if name, _ := m["name"].(string); name == "" {
			return []kinds.Problem{meta.Problem(side+".name is required", "permit", side, "name")}
		}
	}
	prefixes, _ := meta.List(spec, "permit", "external", "prefixes")
	for i, raw := range prefixes {
		p, _ := raw.(map[string]any)
		s, ok := meta.Str(p, "prefix")
		where := []any{"permit", "external", "prefixes", i, "prefix"}
		switch {
		case !ok:
			continue // not known yet
		case s == "":
			return append(out, meta.Problem("external.prefixes.prefix is required", where...))
		}
		if _, err := netip.ParsePrefix(s); err != nil {
			// Hedgehog accepts any text here (its own validation is a TODO);
			// a switch cannot use it.
			problem := meta.Problem(fmt.Sprintf("external.prefixes.prefix %s is not an IPv4 prefix: %v", s, err), where...)
			problem.PlanOnly = true
			out = append(out, problem)
		}
	}
	return out
}

// defaultExternalPeering is the webhook's: the subnets and the prefixes are
// sorted (once all of them are known).
func defaultExternalPeering(spec map[string]any) {
	if subnets, ok := meta.List(spec, "permit", "vpc", "subnets"); ok && meta.Known(subnets) {
		slices.SortStableFunc(subnets, func(a, b any) int {
			x, _ := a.(string)
			y, _ := b.(string)
			return strings.Compare(x, y)
		})
	}
	if prefixes, ok := meta.List(spec, "permit", "external", "prefixes"); ok && meta.Known(prefixes) {
		slices.SortStableFunc(prefixes, func(a, b any) int {
			x, _ := meta.Str(asMap(a), "prefix")
			y, _ := meta.Str(asMap(b), "prefix")
			return strings.Compare(x, y)
		})
	}
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}
