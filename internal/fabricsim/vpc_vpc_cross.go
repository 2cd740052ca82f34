package fabricsim

import (
	"context"
	"fmt"
	"net/netip"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// vpcCross is upstream's VPC validation with the cluster: both namespaces
// exist and hold the subnets and their VLANs, a relay's VPC exists, and no
// other VPC of the namespaces has an overlapping subnet or the same VLAN.
func vpcCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	spec := Spec(u)
	v4Name, vlanName := text(spec, "ipv4Namespace"), text(spec, "vlanNamespace")
	v4, err := s.Get(ctx, vpc.IPv4Namespace, v4Name)
	if err != nil {
		return err
	}
	if v4 == nil {
		return fmt.Errorf("IPv4Namespace %s not found", v4Name)
	}
	vlanNS, err := s.Get(ctx, wiring.VLANNamespace, vlanName)
	if err != nil {
		return err
	}
	if vlanNS == nil {
		return fmt.Errorf("VLANNamespace %s not found", vlanName)
	}
	pool, ranges := strs(Spec(v4), "subnets"), vlanRanges(Spec(vlanNS))
	subnets, _ := meta.Map(spec, "subnets")
	for _, name := range meta.SortedKeys(subnets) {
		subnet := asObject(subnets[name])
		cidr := text(subnet, "subnet")
		p, err := netip.ParsePrefix(cidr)
		if err != nil {
			return fmt.Errorf("failed to parse vpc subnet %s: %w", cidr, err)
		}
		ok, err := inNamespace(p, v4Name, pool)
		if err != nil {
			return fmt.Errorf("failed to check if vpc subnet %s (%s) belongs to IPv4Namespace %s: %w", name, cidr, v4Name, err)
		}
		if !ok {
			return fmt.Errorf("vpc subnet %s (%s) doesn't belong to the IPv4Namespace %s", name, cidr, v4Name)
		}
		extra, _ := meta.Map(subnet, "hostBGPExtraPrefixes")
		for _, key := range meta.SortedKeys(extra) {
			ep, err := netip.ParsePrefix(key)
			if err != nil {
				return fmt.Errorf("failed to parse hostBGP extra prefix %s in vpc subnet %s (%s): %w", key, name, cidr, err)
			}
			if ok, err := inNamespace(ep, v4Name, pool); err != nil || !ok {
				return fmt.Errorf("hostBGP extra prefix %s in vpc subnet %s (%s) doesn't belong to IPv4Namespace %s", key, name, cidr,
					v4Name)
			}
		}
		if vlan := num(subnet, "vlan"); !meta.Bool(subnet, "hostBGP") && !inRanges(ranges, vlan) {
			return fmt.Errorf("vpc subnet %s (%s) vlan %d doesn't belong to the VLANNamespace %s", name, cidr, vlan, vlanName)
		}
		if relayVPC := text(subnet, "dhcp", "relayVPC"); relayVPC != "" {
			found, err := s.Get(ctx, vpc.VPC, relayVPC)
			if err != nil {
				return err
			}
			if found == nil {
				return fmt.Errorf("subnet %s: dhcp relay VPC %s not found", name, relayVPC)
			}
		}
	}
	if err := subnetsFree(ctx, s, u.GetName(), v4Name, vpcPrefixes(spec)); err != nil {
		return err
	}
	return vlansFree(ctx, s, u.GetName(), vlanName, subnets)
}

// inNamespace tells whether p lies inside one of the namespace's subnets.
func inNamespace(p netip.Prefix, ns string, pool []string) (bool, error) {
	for _, s := range pool {
		outer, err := netip.ParsePrefix(s)
		if err != nil {
			return false, fmt.Errorf("failed to parse IPv4Namespace %s subnet %s: %w", ns, s, err)
		}
		if within(p, outer) {
			return true, nil
		}
	}
	return false, nil
}

// subnetsFree checks that no other VPC of the IPv4 namespace has a subnet
// (or host BGP extra prefix) overlapping one of mine.
func subnetsFree(ctx context.Context, s *Store, name, ns string, mine []netip.Prefix) error {
	others, err := s.ListByLabel(ctx, "VPC", vpc.LabelIPv4Namespace, ns)
	if err != nil {
		return err
	}
	for _, other := range byName(others) {
		ospec := Spec(&other)
		if other.GetName() == name || text(ospec, "ipv4Namespace") != ns {
			continue
		}
		osubnets, _ := meta.Map(ospec, "subnets")
		for _, key := range meta.SortedKeys(osubnets) {
			theirs := asObject(osubnets[key])
			p, err := netip.ParsePrefix(text(theirs, "subnet"))
			if err != nil {
				return fmt.Errorf("failed to parse subnet %s: %w", text(theirs, "subnet"), err)
			}
			extra, _ := meta.Map(theirs, "hostBGPExtraPrefixes")
			for _, m := range mine {
				if m.Overlaps(p) {
					return fmt.Errorf("subnet %s overlaps with subnet %s of VPC %s", m, text(theirs, "subnet"), other.GetName())
				}
				for _, e := range meta.SortedKeys(extra) {
					if ep, err := netip.ParsePrefix(e); err == nil && m.Overlaps(ep) {
						return fmt.Errorf("subnet %s overlaps with hostBGP extra prefix %s of VPC %s", m, e, other.GetName())
					}
				}
			}
		}
	}
	return nil
}

// vlansFree checks that no other VPC of the VLAN namespace uses a VLAN of
// mine (host BGP subnets have none, and there may be many).
func vlansFree(ctx context.Context, s *Store, name, ns string, subnets map[string]any) error {
	others, err := s.ListByLabel(ctx, "VPC", vpc.LabelVLANNamespace, ns)
	if err != nil {
		return err
	}
	for _, other := range byName(others) {
		ospec := Spec(&other)
		if other.GetName() == name || text(ospec, "vlanNamespace") != ns {
			continue
		}
		osubnets, _ := meta.Map(ospec, "subnets")
		for _, okey := range meta.SortedKeys(osubnets) {
			theirs := asObject(osubnets[okey])
			for _, key := range meta.SortedKeys(subnets) {
				mine := asObject(subnets[key])
				if num(mine, "vlan") != num(theirs, "vlan") {
					continue
				}
				if num(mine, "vlan") == 0 && (meta.Bool(mine, "hostBGP") || meta.Bool(theirs, "hostBGP")) {
					continue
				}
				return fmt.Errorf("vlan %d is already used by other VPC", num(mine, "vlan"))
			}
		}
	}
	return nil
}
