package vpc

import (
	"context"
	"fmt"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// The CRD's bounds on a peering's policies and on the subnets of each side.
const (
	maxPeeringPolicies = 10
	maxPeeringSubnets  = 10
)

// VPCPeering lets two VPCs reach each other.
var VPCPeering = &kinds.Kind{
	TypeName: "vpc_peering", ListTypeName: "vpc_peerings",
	Group: Group, Version: Version, Kind: "VPCPeering", Plural: "vpcpeerings", Namespace: meta.Namespace,
	ServerLabel: meta.ServerLabel,
	Description: "A Hedgehog VPC peering (`vpcpeerings.vpc.githedgehog.com/v1beta1`): traffic allowed between two VPCs of the " +
		"same IPv4 and VLAN namespaces. Each `permit` policy names both VPCs, each with the subnets that may talk to the " +
		"other side's (all of them with `subnets = null`, which Terraform needs written out inside these maps). Write the VPC " +
		"names from the resources (`(hedgehog_vpc.a.name) = { subnets = null }`) " +
		"so that Terraform creates the peering after the VPCs and deletes it first: Hedgehog refuses to delete a VPC while " +
		"peerings use it. The conventional name is `<vpc1>--<vpc2>`.",
	Spec: []kinds.Attr{
		{Name: "permit", JSON: "permit", Type: kinds.List, Required: true,
			Description: fmt.Sprintf("The policies, 1 to %d: each a map from the two VPCs' names to the subnets of that VPC "+
				"that the policy covers.", maxPeeringPolicies),
			List: []validator.List{listvalidator.SizeBetween(1, maxPeeringPolicies)},
			Elem: &kinds.Attr{Type: kinds.Map, Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "subnets", JSON: "subnets", Type: kinds.List, Elem: kinds.StringElem,
					Description: fmt.Sprintf("Subnet names of this VPC, 1 to %d; `null`, all of its subnets.", maxPeeringSubnets),
					List:        []validator.List{listvalidator.SizeBetween(1, maxPeeringSubnets)}},
			}}}},
		{Name: "remote", JSON: "remote", Type: kinds.String,
			Description: "Deprecated and refused by Hedgehog when set; here so that data sources show old peerings."},
	},
	Check:   checkVPCPeering,
	Default: defaultVPCPeering,
	ListFilters: []kinds.ListFilter{
		{Name: "vpc", Description: "Only peerings of this VPC.", Selector: func(v string) string { return VPCLabel(v) + "=true" }},
	},
	Applied: &kinds.AppliedRule{Agents: agent.Agent, AgentMap: "vpcPeers",
		Description: "every switch that either VPC is attached through has applied it.",
		Switches: func(ctx context.Context, l kinds.Lookup, u *unstructured.Unstructured) ([]string, error) {
			spec, _ := u.Object["spec"].(map[string]any)
			var out []string
			for _, name := range PeeredVPCs(spec) {
				switches, err := AttachedSwitches(ctx, l, name)
				if err != nil {
					return nil, err
				}
				out = append(out, switches...)
			}
			return out, nil
		}},
}

// PeeredVPCs names the VPCs of a peering's policies, sorted.
func PeeredVPCs(spec map[string]any) []string {
	permit, _ := meta.List(spec, "permit")
	var out []string
	for _, e := range permit {
		policy, _ := e.(map[string]any)
		for _, name := range meta.SortedKeys(policy) {
			if !slices.Contains(out, name) {
				out = append(out, name)
			}
		}
	}
	slices.Sort(out)
	return out
}

func checkVPCPeering(_ string, spec map[string]any) []kinds.Problem {
	if remote, ok := meta.Str(spec, "remote"); ok && remote != "" {
		return []kinds.Problem{meta.Problem("remote field is deprecated and no longer supported", "remote")}
	}
	if spec["permit"] == kinds.Unknown {
		return nil
	}
	permit, _ := meta.List(spec, "permit")
	for idx, e := range permit {
		if e == kinds.Unknown {
			return nil
		}
		if policy, _ := e.(map[string]any); len(policy) != 2 {
			return []kinds.Problem{meta.Problem(fmt.Sprintf("each permit policy must have exactly 2 VPCs (idx %d)", idx), "permit", idx)}
		}
	}
	if len(PeeredVPCs(spec)) != 2 {
		return []kinds.Problem{meta.Problem("VPCPeering must have exactly 2 VPCs", "permit")}
	}
	return nil
}
