package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

var vpcBehaviour = Behaviour{
	Kind:    vpc.VPC,
	Default: declaredDefault(vpc.VPC), Validate: declaredValidate(vpc.VPC),
	Prefix: "failed to validate vpc",
	Labels: func(spec map[string]any) map[string]string {
		v4, _ := meta.Str(spec, "ipv4Namespace")
		vlan, _ := meta.Str(spec, "vlanNamespace")
		return map[string]string{vpc.LabelIPv4Namespace: v4, vpc.LabelVLANNamespace: vlan}
	},
	Cross: vpcCross,
	DeleteBlocked: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		for _, k := range []struct{ kind, key, value, msg string }{
			{"VPCAttachment", vpc.LabelVPC, u.GetName(), "VPC has attachments"},
			{"VPCPeering", vpc.VPCLabel(u.GetName()), "true", "VPC has peerings"},
			{"ExternalPeering", vpc.LabelVPC, u.GetName(), "VPC has external peerings"},
			{wiring.Connection.Kind, vpc.LabelVPC, u.GetName(), "VPC has static external connections (using withingVPC option)"},
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

// vpcSubnet is one subnet of a VPC as the webhook stores it.
type vpcSubnet struct {
	name    string
	prefix  netip.Prefix
	text    string
	vlan    int64
	hostBGP bool
	spec    map[string]any
}

func vpcSubnets(spec map[string]any) []vpcSubnet {
	subnets, _ := meta.Map(spec, "subnets")
	var out []vpcSubnet
	for _, name := range meta.SortedKeys(subnets) {
		sub, _ := subnets[name].(map[string]any)
		text, _ := meta.Str(sub, "subnet")
		p, err := netip.ParsePrefix(text)
		if err != nil {
			continue
		}
		vlan, _ := meta.Int(sub, "vlan")
		out = append(out, vpcSubnet{name: name, prefix: p, text: text, vlan: vlan, hostBGP: meta.Bool(sub, "hostBGP"), spec: sub})
	}
	return out
}

// vpcCross is what upstream checks with the fabric configuration and the
// other objects: reserved subnets, the namespaces (they exist, the subnets
// and VLANs are theirs), the relay's VPC, and no subnet or VLAN taken by
// another VPC of the same namespace.
func vpcCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	spec := Spec(u)
	subnets := vpcSubnets(spec)
	for _, sub := range subnets {
		for _, reserved := range s.Fabric.ReservedSubnets {
			if r, err := netip.ParsePrefix(reserved); err == nil && r.Overlaps(sub.prefix) {
				return fmt.Errorf("subnet %s: subnet %s is reserved", sub.name, sub.text)
			}
		}
	}
	v4Name, _ := meta.Str(spec, "ipv4Namespace")
	v4, err := s.Get(ctx, vpc.IPv4Namespace, v4Name)
	if err != nil {
		return err
	}
	if v4 == nil {
		return fmt.Errorf("IPv4Namespace %s not found", v4Name)
	}
	vlanName, _ := meta.Str(spec, "vlanNamespace")
	vlanNS, err := s.Get(ctx, wiring.VLANNamespace, vlanName)
	if err != nil {
		return err
	}
	if vlanNS == nil {
		return fmt.Errorf("VLANNamespace %s not found", vlanName)
	}
	pool, _ := meta.List(Spec(v4), "subnets")
	ranges, _ := wiring.VLANRanges(Spec(vlanNS))
	for _, sub := range subnets {
		if !insideAny(sub.prefix, meta.Strings(pool)) {
			return fmt.Errorf("vpc subnet %s (%s) doesn't belong to the IPv4Namespace %s", sub.name, sub.text, v4Name)
		}
		if !sub.hostBGP && !inRanges(ranges, sub.vlan) {
			return fmt.Errorf("vpc subnet %s (%s) vlan %d doesn't belong to the VLANNamespace %s", sub.name, sub.text, sub.vlan, vlanName)
		}
		if relayVPC, _ := meta.Str(sub.spec, "dhcp", "relayVPC"); relayVPC != "" {
			found, err := s.Get(ctx, vpc.VPC, relayVPC)
			if err != nil {
				return err
			}
			if found == nil {
				return fmt.Errorf("subnet %s: dhcp relay VPC %s not found", sub.name, relayVPC)
			}
		}
	}
	others, err := s.List(ctx, vpc.VPC)
	if err != nil {
		return err
	}
	slices.SortFunc(others, func(a, b unstructured.Unstructured) int { return strings.Compare(a.GetName(), b.GetName()) })
	for _, other := range others {
		ospec := Spec(&other)
		if other.GetName() == u.GetName() {
			continue
		}
		if ns, _ := meta.Str(ospec, "ipv4Namespace"); ns == v4Name {
			for _, theirs := range vpcSubnets(ospec) {
				for _, mine := range subnets {
					if mine.prefix.Overlaps(theirs.prefix) {
						return fmt.Errorf("subnet %s overlaps with subnet %s of VPC %s", mine.prefix, theirs.text, other.GetName())
					}
				}
			}
		}
		if ns, _ := meta.Str(ospec, "vlanNamespace"); ns == vlanName {
			for _, theirs := range vpcSubnets(ospec) {
				for _, mine := range subnets {
					// host BGP subnets have no VLAN, and there may be many
					if mine.vlan == theirs.vlan && (mine.vlan != 0 || !mine.hostBGP && !theirs.hostBGP) {
						return fmt.Errorf("vlan %d is already used by other VPC", mine.vlan)
					}
				}
			}
		}
	}
	return nil
}

// insideAny tells whether p lies inside one of the prefixes.
func insideAny(p netip.Prefix, prefixes []string) bool {
	for _, s := range prefixes {
		outer, err := netip.ParsePrefix(s)
		if err == nil && outer.Bits() <= p.Bits() && outer.Masked().Contains(p.Masked().Addr()) {
			return true
		}
	}
	return false
}
