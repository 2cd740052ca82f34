package fabricsim

import (
	"context"
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

var ipv4NamespaceBehaviour = Behaviour{
	Kind: vpc.IPv4Namespace,
	// The subnets are kept sorted, as written (host bits and all).
	Defaulting: func(spec map[string]any) {
		l, _ := meta.List(spec, "subnets")
		sortStrings(l)
	},
	Validate: validateIPv4Namespace,
	Prefix:   "failed to validate ipv4namespace",
	Labels:   func(map[string]any) map[string]string { return map[string]string{} },
	// An updated namespace must keep holding the subnets of its VPCs.
	AfterUpdate: func(ctx context.Context, s *Store, _, u *unstructured.Unstructured) error {
		pool := strs(Spec(u), "subnets")
		vpcs, err := s.ListByLabel(ctx, "VPC", vpc.LabelIPv4Namespace, u.GetName())
		if err != nil {
			return err
		}
		for _, v := range byName(vpcs) {
			subnets := obj(Spec(&v), "subnets")
			for _, name := range meta.SortedKeys(subnets) {
				cidr := text(asObject(subnets[name]), "subnet")
				p, err := netip.ParsePrefix(cidr)
				if err != nil {
					return fmt.Errorf("failed to parse vpc subnet %s: %w", cidr, err)
				}
				if ok, _ := inNamespace(p, u.GetName(), pool); !ok {
					return fmt.Errorf("existing vpc %s subnet %s (cidr %s) doesn't fit updated IPv4 namespace", v.GetName(), name, cidr)
				}
			}
		}
		return nil
	},
	DeleteBlocked: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		for _, k := range []struct{ kind, what string }{{"VPC", "VPCs"}, {"External", "externals"}} {
			users, err := s.ListByLabel(ctx, k.kind, vpc.LabelIPv4Namespace, u.GetName())
			if err != nil {
				return err
			}
			if len(users) > 0 {
				return fmt.Errorf("IPv4Namespace has %s", k.what)
			}
		}
		return nil
	},
}

// validateIPv4Namespace is upstream's: a short name, at most 10 subnets
// (the CRD allows 20), none overlapping another or the reserved subnets.
func validateIPv4Namespace(f FabricConfig, name string, spec map[string]any) error {
	if len(name) > 11 {
		return fmt.Errorf("name %s is too long, must be <= 11 characters", name)
	}
	var subnets []netip.Prefix
	for _, s := range strs(spec, "subnets") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return fmt.Errorf("failed to parse cidr %s: %w", s, err)
		}
		subnets = append(subnets, p.Masked())
	}
	if len(subnets) > 10 {
		return fmt.Errorf("too many subnets defined (%d), maximum is %d", len(subnets), 10)
	}
	if err := overlapping(subnets); err != nil {
		return fmt.Errorf("subnets overlap: %w", err)
	}
	if err := overlapping(append(subnets, f.reserved()...)); err != nil {
		return fmt.Errorf("subnets overlap with reserved subnets: %w", err)
	}
	return nil
}
