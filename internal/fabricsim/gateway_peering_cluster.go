package fabricsim

import (
	"context"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"strings"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
)

// inCluster is upstream's cluster part of the validation, then the agent
// build's need of a gateway in the group.
func (p *peeringSpec) inCluster(ctx context.Context, s *Store, name string) error {
	group, err := s.Get(ctx, gateway.GatewayGroup, p.GatewayGroup)
	if err != nil {
		return err
	}
	if group == nil {
		return fmt.Errorf("gateway group %s not found", p.GatewayGroup)
	}
	sides := slices.Sorted(maps.Keys(p.Peering))
	for i, origin := range sides {
		if err := p.overlap(ctx, s, name, origin, sides[1-i]); err != nil {
			return err
		}
	}
	subnets := map[string]map[string]any{} // of the VPC sides
	for _, side := range sides {
		if ext, isExternal := strings.CutPrefix(side, "ext."); isExternal {
			found, err := s.Get(ctx, vpc.External, ext)
			if err != nil {
				return err
			}
			if found == nil {
				return fmt.Errorf("external %s not found", ext)
			}
			continue
		}
		found, err := s.Get(ctx, vpc.VPC, side)
		if err != nil {
			return err
		}
		if found == nil {
			return fmt.Errorf("VPC %s not found", side)
		}
		subnets[side], _ = meta.Map(Spec(found), "subnets")
		if err := p.Peering[side].inVPC(side, subnets[side]); err != nil {
			return err
		}
	}
	if p.ACL != nil {
		if err := p.ACL.subnetsExist(sides, subnets); err != nil {
			return err
		}
	}
	return gatewayInGroup(ctx, s, p.GatewayGroup)
}

// exposed are the CIDRs a side exposes (its as CIDRs, else its ips CIDRs;
// upstream takes "" from not and vpcSubnet items).
func exposed(entry *peeringEntry) []string {
	var out []string
	if entry == nil {
		return nil
	}
	for _, e := range entry.Expose {
		if e.Default {
			continue
		}
		items := e.IPs
		if len(e.As) > 0 {
			items = e.As
		}
		for _, item := range items {
			out = append(out, item.CIDR)
		}
	}
	return out
}

// overlap: what origin exposes to target may not overlap what target's
// other peerings expose to it.
func (p *peeringSpec) overlap(ctx context.Context, s *Store, name, origin, target string) error {
	ours := exposed(p.Peering[origin])
	if len(ours) == 0 {
		return nil
	}
	others, err := s.ListByLabel(ctx, "GatewayPeering", peeringLabel+target, "true")
	if err != nil {
		return err
	}
	var theirs []string
	for _, o := range others {
		if o.GetName() == name {
			continue
		}
		var other peeringSpec
		if decodeSpec(Spec(&o), &other) != nil {
			continue
		}
		for side, entry := range other.Peering {
			if side != target {
				theirs = append(theirs, exposed(entry)...)
			}
		}
	}
	if len(theirs) == 0 {
		return nil
	}
	for _, c := range ours {
		mine, err := netip.ParsePrefix(c)
		if err != nil {
			return fmt.Errorf("failed to parse exposed CIDR %s: %w", c, err)
		}
		for _, t := range theirs {
			existing, err := netip.ParsePrefix(t)
			if err != nil {
				return fmt.Errorf("failed to parse existing exposed CIDR %s: %w", t, err)
			}
			if mine.Overlaps(existing) {
				return fmt.Errorf("overlap between existing exposed CIDR %s and new exposed CIDR %s", t, c)
			}
		}
	}
	return nil
}

// inVPC: the CIDRs a VPC side exposes lie in its subnets, its subnet names
// are its own.
func (entry *peeringEntry) inVPC(side string, subnets map[string]any) error {
	if entry == nil {
		return nil
	}
	for _, e := range entry.Expose {
		if e.Default {
			continue
		}
		for _, ip := range e.IPs {
			if ip.CIDR != "" && !insideSubnet(ip.CIDR, subnets) {
				return fmt.Errorf("CIDR %s is not part of VPC %s", ip.CIDR, side)
			}
			if _, ok := subnets[ip.VPCSubnet]; ip.VPCSubnet != "" && !ok {
				return fmt.Errorf("VPC subnet %s referenced in peering expose does not exist in VPC %s", ip.VPCSubnet, side)
			}
		}
	}
	return nil
}

func insideSubnet(cidr string, subnets map[string]any) bool {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return false
	}
	for _, sn := range subnets {
		subnet, _ := sn.(map[string]any)
		s, _ := meta.Str(subnet, "subnet")
		q, err := netip.ParsePrefix(s)
		if err == nil && q.Bits() <= p.Bits() && q.Masked().Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// subnetsExist: ACL vpcSubnet matches name subnets of the rule's VPCs.
func (acl *peeringACL) subnetsExist(sides []string, subnets map[string]map[string]any) error {
	other := func(side string) string {
		if side == sides[0] {
			return sides[1]
		}
		return sides[0]
	}
	for i, r := range acl.Rules {
		from, to := r.From, r.To
		if from == "" {
			from = other(to)
		} else if to == "" {
			to = other(from)
		}
		for _, dir := range []struct {
			what, side string
			endpoints  []aclEndpoint
		}{{"source", from, r.Match.Src}, {"destination", to, r.Match.Dst}} {
			for _, e := range dir.endpoints {
				if e.VPCSubnet == "" {
					continue
				}
				vpcSubnets, isVPC := subnets[dir.side]
				if !isVPC {
					return fmt.Errorf("%s VPC subnet %s referenced in ACL rule %d but the corresponding peering entry %q is not a VPC",
						dir.what, e.VPCSubnet, i, dir.side)
				}
				if _, ok := vpcSubnets[e.VPCSubnet]; !ok {
					return fmt.Errorf("%s VPC subnet %s referenced in ACL rule %d does not exist in VPC %s", dir.what, e.VPCSubnet, i, dir.side)
				}
			}
		}
	}
	return nil
}

// gatewayInGroup is what building the gateway agent needs: a Gateway that
// is a member of the group.
func gatewayInGroup(ctx context.Context, s *Store, group string) error {
	gateways, err := s.List(ctx, gateway.Gateway)
	if err != nil {
		return err
	}
	for _, g := range gateways {
		members, _ := meta.List(Spec(&g), "groups")
		for _, m := range members {
			member, _ := m.(map[string]any)
			if name, _ := meta.Str(member, "name"); name == group {
				return nil
			}
		}
	}
	return fmt.Errorf("building gateway agent: gateway not found for gateway group: %s", group)
}
