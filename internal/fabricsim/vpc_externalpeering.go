package fabricsim

import (
	"context"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

var externalPeeringBehaviour = Behaviour{
	Kind:    vpc.ExternalPeering,
	Default: declaredDefault(vpc.ExternalPeering), Validate: declaredValidate(vpc.ExternalPeering),
	Prefix: "failed to validate external peering",
	Labels: func(spec map[string]any) map[string]string {
		// Set even when empty, as upstream does.
		v, _ := meta.Str(spec, "permit", "vpc", "name")
		ext, _ := meta.Str(spec, "permit", "external", "name")
		return map[string]string{vpc.LabelVPC: v, vpc.LabelExternal: ext}
	},
	Cross: externalPeeringCross,
}

// externalPeeringCross is what upstream checks against other objects: the
// VPC and the External exist, the subnets are the VPC's, and both are in
// one IPv4 namespace.
func externalPeeringCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	spec := Spec(u)
	vpcName, _ := meta.Str(spec, "permit", "vpc", "name")
	extName, _ := meta.Str(spec, "permit", "external", "name")
	v, err := s.Get(ctx, s.kinds["VPC"], vpcName)
	if err != nil {
		return err
	}
	if v == nil {
		return fmt.Errorf("vpc %s not found", vpcName)
	}
	ext, err := s.Get(ctx, vpc.External, extName)
	if err != nil {
		return err
	}
	if ext == nil {
		return fmt.Errorf("external %s not found", extName)
	}
	subnets, _ := meta.Map(Spec(v), "subnets")
	l, _ := meta.List(spec, "permit", "vpc", "subnets")
	for _, name := range meta.Strings(l) {
		if _, ok := subnets[name]; !ok {
			return fmt.Errorf("vpc %s does not have subnet %s", vpcName, name)
		}
	}
	vpcNS, _ := meta.Str(Spec(v), "ipv4Namespace")
	extNS, _ := meta.Str(Spec(ext), "ipv4Namespace")
	if vpcNS != extNS {
		return fmt.Errorf("vpc's IPv4 namespace %s is different from the external's IPv4 namespace %s", vpcNS, extNS)
	}
	return nil
}
