package fabricsim

import (
	"context"
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

var vlanNamespaceBehaviour = Behaviour{
	Kind:    wiring.VLANNamespace,
	Default: declaredDefault(wiring.VLANNamespace), Validate: declaredValidate(wiring.VLANNamespace),
	Prefix:       "failed to validate vlannamespace",
	UpdatePrefix: "failed to validate new vlannamespace",
	Cross: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		ranges, _ := wiring.VLANRanges(Spec(u))
		for _, reserved := range []struct {
			what   string
			ranges []wiring.VLANRange
		}{{"Fabric reserved VLANs", s.Fabric.VPCIRBVLANs}, {"VLANs reserved for the TH5 workaround", s.Fabric.TH5WorkaroundVLANs}} {
			if msg, overlap := wiring.VLANOverlap(append(append([]wiring.VLANRange{}, reserved.ranges...), ranges...)); overlap {
				return fmt.Errorf("ranges overlap with %s: %s", reserved.what, msg)
			}
		}
		// VPC subnets in the namespace must keep fitting (an update).
		vpcs, err := s.ListByLabel(ctx, "VPC", "fabric.githedgehog.com/vlanns", u.GetName())
		if err != nil {
			return err
		}
		for _, vpc := range vpcs {
			subnets, _ := meta.Map(Spec(&vpc), "subnets")
			for _, name := range meta.SortedKeys(subnets) {
				sub, _ := subnets[name].(map[string]any)
				vlan, ok := meta.Int(sub, "vlan")
				if ok && !inRanges(ranges, vlan) {
					return Bare(fmt.Errorf("existing vpc %s subnet %s (vlan %d) doesn't fit updated VLAN namespace", vpc.GetName(), name, vlan))
				}
			}
		}
		return nil
	},
	DeleteBlocked: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		switches, err := s.ListByLabel(ctx, wiring.Switch.Kind, wiring.VLANNamespaceLabel(u.GetName()), "true")
		if err != nil {
			return err
		}
		if len(switches) > 0 {
			return errors.New("VLANNamespace has switches")
		}
		vpcs, err := s.ListByLabel(ctx, "VPC", "fabric.githedgehog.com/vlanns", u.GetName())
		if err != nil {
			return err
		}
		if len(vpcs) > 0 {
			return errors.New("VLANNamespace has VPCs")
		}
		return nil
	},
}

func inRanges(ranges []wiring.VLANRange, vlan int64) bool {
	for _, r := range ranges {
		if r.From <= vlan && vlan <= r.To {
			return true
		}
	}
	return false
}
