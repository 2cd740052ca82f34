package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

var externalPeeringBehaviour = Behaviour{
	Kind: vpc.ExternalPeering,
	// Both sides are always there (re-marshalling); the subnets and the
	// prefixes are sorted.
	Defaulting: func(spec map[string]any) {
		ensureObject(spec, "permit")
		permit := obj(spec, "permit")
		ensureObject(permit, "vpc")
		ensureObject(permit, "external")
		subnets, _ := meta.List(permit, "vpc", "subnets")
		sortStrings(subnets)
		prefixes, _ := meta.List(permit, "external", "prefixes")
		slices.SortStableFunc(prefixes, func(a, b any) int {
			return strings.Compare(text(asObject(a), "prefix"), text(asObject(b), "prefix"))
		})
	},
	Validate: func(_ FabricConfig, _ string, spec map[string]any) error {
		switch {
		case text(spec, "permit", "vpc", "name") == "":
			return errors.New("vpc.name is required")
		case text(spec, "permit", "external", "name") == "":
			return errors.New("external.name is required")
		}
		prefixes, _ := meta.List(spec, "permit", "external", "prefixes")
		for _, p := range prefixes {
			if text(asObject(p), "prefix") == "" {
				return errors.New("external.prefixes.prefix is required")
			}
		}
		return nil
	},
	Prefix: "failed to validate external peering",
	// Set even when empty, as upstream does.
	Labels: func(spec map[string]any) map[string]string {
		return map[string]string{vpc.LabelVPC: text(spec, "permit", "vpc", "name"),
			vpc.LabelExternal: text(spec, "permit", "external", "name")}
	},
	Cross: externalPeeringCross,
}

// externalPeeringCross is upstream's peering validation with the cluster:
// the VPC and the External exist, the subnets are the VPC's, and both are in
// one IPv4 namespace.
func externalPeeringCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	spec := Spec(u)
	vpcName, extName := text(spec, "permit", "vpc", "name"), text(spec, "permit", "external", "name")
	v, err := s.Get(ctx, vpc.VPC, vpcName)
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
	subnets := obj(Spec(v), "subnets")
	for _, name := range strs(spec, "permit", "vpc", "subnets") {
		if _, ok := subnets[name]; !ok {
			return fmt.Errorf("vpc %s does not have subnet %s", vpcName, name)
		}
	}
	if vpcNS, extNS := text(Spec(v), "ipv4Namespace"), text(Spec(ext), "ipv4Namespace"); vpcNS != extNS {
		return fmt.Errorf("vpc's IPv4 namespace %s is different from the external's IPv4 namespace %s", vpcNS, extNS)
	}
	return nil
}
