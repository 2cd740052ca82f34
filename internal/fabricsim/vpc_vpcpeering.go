package fabricsim

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

var vpcPeeringBehaviour = Behaviour{
	Kind:    vpc.VPCPeering,
	Default: declaredDefault(vpc.VPCPeering), Validate: declaredValidate(vpc.VPCPeering),
	Prefix: "failed to validate vpc peering",
	Labels: func(spec map[string]any) map[string]string {
		vpcs := vpc.PeeredVPCs(spec)
		if len(vpcs) != 2 {
			return nil
		}
		return map[string]string{vpc.VPCLabel(vpcs[0]): "true", vpc.VPCLabel(vpcs[1]): "true", vpc.LabelVPC1: vpcs[0],
			vpc.LabelVPC2: vpcs[1]}
	},
	Cross: vpcPeeringCross,
}

// vpcPeeringCross is what upstream checks with the fabric configuration and
// the VPCs: peerings allowed, both VPCs there, in the same namespaces, and
// the subnets named theirs.
func vpcPeeringCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	if s.Fabric.VPCPeeringDisabled {
		return errors.New("vpc peering is not allowed")
	}
	spec := Spec(u)
	vpcs := map[string]map[string]any{}
	var v4, vlan []string
	for _, name := range vpc.PeeredVPCs(spec) {
		v, err := s.Get(ctx, vpc.VPC, name)
		if err != nil {
			return err
		}
		if v == nil {
			return fmt.Errorf("vpc %s not found", name)
		}
		vpcs[name] = Spec(v)
		ns, _ := meta.Str(vpcs[name], "ipv4Namespace")
		v4 = append(v4, ns)
		ns, _ = meta.Str(vpcs[name], "vlanNamespace")
		vlan = append(vlan, ns)
	}
	if len(v4) == 2 && v4[0] != v4[1] {
		return errors.New("VPCs must be in the same IPv4 namespace")
	}
	if len(vlan) == 2 && vlan[0] != vlan[1] {
		return errors.New("VPCs must be in the same VLAN namespace")
	}
	permit, _ := meta.List(spec, "permit")
	for _, e := range permit {
		policy, _ := e.(map[string]any)
		for _, name := range meta.SortedKeys(policy) {
			subnets, _ := meta.List(policy, name, "subnets")
			for _, sn := range meta.Strings(subnets) {
				if _, ok := meta.Map(vpcs[name], "subnets", sn); !ok {
					return fmt.Errorf("subnet %s not found in VPC %s", sn, name)
				}
			}
		}
	}
	return nil
}
