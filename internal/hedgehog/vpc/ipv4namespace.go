package vpc

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// maxIPv4NamespaceSubnets is the webhook's bound (the CRD allows 20).
const maxIPv4NamespaceSubnets = 10

// IPv4Namespace is a pool of IPv4 prefixes that VPC subnets and Externals
// draw from.
var IPv4Namespace = &kinds.Kind{
	TypeName: "ipv4_namespace", ListTypeName: "ipv4_namespaces",
	Group: Group, Version: Version, Kind: "IPv4Namespace", Plural: "ipv4namespaces", Namespace: meta.Namespace, NameMaxLength: maxNameLength,
	ServerLabel: meta.ServerLabel,
	Description: "A Hedgehog IPv4 namespace (`ipv4namespaces.vpc.githedgehog.com/v1beta1`): the IPv4 prefixes that the subnets " +
		"of VPCs and Externals in it are taken from. Subnets of different VPCs in one namespace never overlap. Hedgehog " +
		"refuses to delete a namespace while VPCs or Externals use it.",
	Spec: []kinds.Attr{
		{Name: "subnets", JSON: "subnets", Type: kinds.Set, Elem: kinds.StringElem, Required: true,
			Description: fmt.Sprintf("The namespace's IPv4 prefixes in CIDR notation, 1 to %d, not overlapping each other "+
				"(the API server keeps them sorted, so order does not matter).", maxIPv4NamespaceSubnets),
			Set: []validator.Set{setvalidator.SizeAtLeast(1)}},
	},
	Default: defaultIPv4Namespace,
	// Hedgehog's installer creates the namespace default (10.0.0.0/16 in the virtual lab).
	Preinstalled: []string{DefaultNamespace},
	Check: func(name string, spec map[string]any) []kinds.Problem {
		out := meta.NameAtMost(name, maxNameLength)
		l, _ := meta.List(spec, "subnets")
		subnets := meta.Strings(l)
		for _, s := range subnets {
			if _, err := netip.ParsePrefix(s); err != nil {
				out = append(out, meta.Problem(fmt.Sprintf("failed to parse cidr %s: %v", s, err), "subnets"))
			}
		}
		if len(subnets) > maxIPv4NamespaceSubnets {
			out = append(out, meta.Problem(fmt.Sprintf("too many subnets defined (%d), maximum is %d", len(subnets),
				maxIPv4NamespaceSubnets), "subnets"))
		}
		slices.Sort(subnets)
		if msg, ok := meta.OverlapProblem(subnets, func(a, b string) string {
			return fmt.Sprintf("subnets overlap: subnets %s and %s overlap", a, b)
		}); ok {
			out = append(out, meta.Problem(msg, "subnets"))
		}
		return out
	},
}
