package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

var vlanNamespaceBehaviour = Behaviour{
	Kind:         wiring.VLANNamespace,
	Defaulting:   defaultVLANNamespace,
	Validate:     validateVLANNamespace,
	Prefix:       "failed to validate vlannamespace",
	UpdatePrefix: "failed to validate new vlannamespace",
	Labels:       func(map[string]any) map[string]string { return map[string]string{} },
	// An updated namespace must keep holding the VLANs of its VPCs. Upstream
	// selects those VPCs by their IPv4 namespace label with the VLAN
	// namespace's name, and so does the stand-in.
	AfterUpdate: func(ctx context.Context, s *Store, _, u *unstructured.Unstructured) error {
		ranges := vlanRanges(Spec(u))
		vpcs, err := s.ListByLabel(ctx, "VPC", vpc.LabelIPv4Namespace, u.GetName())
		if err != nil {
			return err
		}
		for _, v := range byName(vpcs) {
			subnets := obj(Spec(&v), "subnets")
			for _, name := range meta.SortedKeys(subnets) {
				if vlan := num(asObject(subnets[name]), "vlan"); !inRanges(ranges, vlan) {
					return fmt.Errorf("existing vpc %s subnet %s (vlan %d) doesn't fit updated VLAN namespace", v.GetName(), name, vlan)
				}
			}
		}
		return nil
	},
	DeleteBlocked: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		for _, k := range []struct{ kind, key, value, msg string }{
			{wiring.Switch.Kind, wiring.VLANNamespaceLabel(u.GetName()), "true", "VLANNamespace has switches"},
			{"VPC", vpc.LabelVLANNamespace, u.GetName(), "VLANNamespace has VPCs"},
		} {
			users, err := s.ListByLabel(ctx, k.kind, k.key, k.value)
			if err != nil {
				return err
			}
			if len(users) > 0 {
				return errors.New(k.msg)
			}
		}
		return nil
	},
}

// defaultVLANNamespace is upstream's: every range gets its "to" and, when
// all are valid, they are sorted (overlaps are not merged; validation refuses
// them). A namespace with an invalid range loses all its ranges, and is
// accepted so.
func defaultVLANNamespace(spec map[string]any) {
	l, ok := spec["ranges"].([]any)
	if !ok {
		return
	}
	for i, e := range l {
		m := asObject(e)
		if m == nil {
			continue
		}
		if num(m, "to") == 0 {
			m["to"] = num(m, "from")
		}
		if badRange(i, VLANRange{From: num(m, "from"), To: num(m, "to")}) != nil {
			delete(spec, "ranges")
			return
		}
	}
	slices.SortStableFunc(l, func(a, b any) int {
		ra, rb := asObject(a), asObject(b)
		if num(ra, "from") != num(rb, "from") {
			return int(num(ra, "from") - num(rb, "from"))
		}
		return int(num(ra, "to") - num(rb, "to"))
	})
}

func validateVLANNamespace(f FabricConfig, _ string, spec map[string]any) error {
	ranges := vlanRanges(spec)
	for i, r := range ranges {
		if err := badRange(i, r); err != nil {
			return fmt.Errorf("invalid ranges: %w", err)
		}
	}
	for _, reserved := range []struct {
		what   string
		ranges []VLANRange
	}{{"Fabric reserved VLANs", f.VPCIRBVLANs}, {"VLANs reserved for the TH5 workaround", f.TH5WorkaroundVLANs}} {
		if err := rangesOverlap(append(slices.Clone(reserved.ranges), ranges...)); err != nil {
			return fmt.Errorf("ranges overlap with %s: %w", reserved.what, err)
		}
	}
	return nil
}
