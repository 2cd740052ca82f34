package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

var vpcPeeringBehaviour = Behaviour{
	Kind: vpc.VPCPeering,
	// Re-marshalling turns a VPC written without its peer ("vpc-01:") into
	// an empty one.
	Defaulting: func(spec map[string]any) {
		permit, _ := meta.List(spec, "permit")
		for _, e := range permit {
			policy := asObject(e)
			for name := range policy {
				ensureObject(policy, name)
			}
		}
	},
	Validate: func(f FabricConfig, _ string, spec map[string]any) error {
		if f.VPCPeeringDisabled {
			return errors.New("vpc peering is not allowed")
		}
		if text(spec, "remote") != "" {
			return errors.New("remote field is deprecated and no longer supported")
		}
		_, err := peeredVPCs(spec)
		return err
	},
	Prefix: "failed to validate vpc peering",
	Labels: func(spec map[string]any) map[string]string {
		vpcs, err := peeredVPCs(spec)
		if err != nil {
			return map[string]string{}
		}
		return map[string]string{vpc.VPCLabel(vpcs[0]): "true", vpc.VPCLabel(vpcs[1]): "true", vpc.LabelVPC1: vpcs[0],
			vpc.LabelVPC2: vpcs[1]}
	},
	Cross: vpcPeeringCross,
}

// peeredVPCs are the two VPCs of a peering, sorted: every policy names
// exactly two, and all policies the same two.
func peeredVPCs(spec map[string]any) ([]string, error) {
	permit, _ := meta.List(spec, "permit")
	var vpcs []string
	for idx, e := range permit {
		policy := asObject(e)
		if len(policy) != 2 {
			return nil, fmt.Errorf("each permit policy must have exactly 2 VPCs (idx %d)", idx)
		}
		for _, name := range meta.SortedKeys(policy) {
			if !slices.Contains(vpcs, name) {
				vpcs = append(vpcs, name)
			}
		}
	}
	if len(vpcs) != 2 {
		return nil, errors.New("VPCPeering must have exactly 2 VPCs")
	}
	slices.Sort(vpcs)
	return vpcs, nil
}

// vpcPeeringCross is upstream's peering validation with the cluster: both
// VPCs exist, in the same IPv4 and VLAN namespaces, and the subnets named
// are theirs.
func vpcPeeringCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	spec := Spec(u)
	names, err := peeredVPCs(spec)
	if err != nil {
		return err
	}
	vpcs := map[string]map[string]any{}
	for _, name := range names {
		v, err := s.Get(ctx, vpc.VPC, name)
		if err != nil {
			return err
		}
		if v == nil {
			return fmt.Errorf("vpc %s not found", name)
		}
		vpcs[name] = Spec(v)
	}
	a, b := vpcs[names[0]], vpcs[names[1]]
	if text(a, "ipv4Namespace") != text(b, "ipv4Namespace") {
		return errors.New("VPCs must be in the same IPv4 namespace")
	}
	if text(a, "vlanNamespace") != text(b, "vlanNamespace") {
		return errors.New("VPCs must be in the same VLAN namespace")
	}
	permit, _ := meta.List(spec, "permit")
	for _, e := range permit {
		policy := asObject(e)
		for _, name := range meta.SortedKeys(policy) {
			for _, subnet := range strs(asObject(policy[name]), "subnets") {
				if _, ok := meta.Map(vpcs[name], "subnets", subnet); !ok {
					return fmt.Errorf("subnet %s not found in VPC %s", subnet, name)
				}
			}
		}
	}
	return nil
}
