package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// connectionCross is upstream's Connection validation with the cluster:
// the switches (their ESLAG groups, profiles and ports) and servers exist,
// no port is used twice, link addresses are inside the fabric subnet and
// free; then its webhook's own checks of a static external's VPC and of the
// gateways (no prefix).
func connectionCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	spec := Spec(u)
	if isMCLAG(spec) {
		return nil
	}
	member, _ := connectionType(spec)
	e, err := endpointsOf(spec, member)
	if err != nil {
		return err
	}
	if err := connectionSwitches(ctx, s, member, e); err != nil {
		return err
	}
	for _, name := range e.servers {
		srv, err := s.Get(ctx, wiring.Server, name)
		if err != nil {
			return err
		}
		if srv == nil {
			return fmt.Errorf("server %s not found", name)
		}
	}
	if err := portsFree(ctx, s, u.GetName(), spec, member, e); err != nil {
		return err
	}
	if withinVPC := text(spec, "staticExternal", "withinVPC"); member == "staticExternal" && withinVPC != "" {
		found, err := s.Get(ctx, vpc.VPC, withinVPC)
		if err != nil {
			return err
		}
		if found == nil {
			return Bare(fmt.Errorf("vpc %s not found", withinVPC))
		}
	}
	if gateways := s.kinds["Gateway"]; member == "gateway" && gateways != nil {
		for _, name := range e.gateways {
			gw, err := s.Get(ctx, gateways, name)
			if err != nil {
				return err
			}
			if gw == nil {
				return Bare(fmt.Errorf("gateway %s not found", name))
			}
		}
	}
	return nil
}

// connectionSwitches checks the switches: they exist, an ESLAG's share one
// redundancy group of type eslag, and their profiles have the ports used.
func connectionSwitches(ctx context.Context, s *Store, member string, e endpoints) error {
	group, typ := "", ""
	for _, name := range e.switches {
		sw, err := s.Get(ctx, wiring.Switch, name)
		if err != nil {
			return err
		}
		if sw == nil {
			return fmt.Errorf("switch %s not found", name)
		}
		spec := Spec(sw)
		if member == "eslag" {
			if g := text(spec, "redundancy", "group"); g != "" {
				if group != "" && group != g {
					return fmt.Errorf("all switches in ESLAG connection should belong to the same redundancy group, found %s in %s", name, group)
				}
				group = g
			}
			if t := text(spec, "redundancy", "type"); t != "" {
				if typ != "" && typ != t {
					return fmt.Errorf("all switches in ESLAG connection should belong to the same redundancy type, found %s in %s", name, typ)
				}
				typ = t
			}
		}
		profileName := text(spec, "profile")
		profile, err := s.Get(ctx, wiring.SwitchProfile, profileName)
		if err != nil {
			return err
		}
		if profile == nil {
			return fmt.Errorf("switch profile %s not found", profileName)
		}
		allowed, err := connectablePorts(Spec(profile), spec)
		if err != nil {
			return fmt.Errorf("failed to get NOS port mapping for switch %s: %w", name, err)
		}
		for _, port := range e.ports {
			local, ok := strings.CutPrefix(port, name+"/")
			if ok && !allowed[local] {
				return fmt.Errorf("port %s is not allowed for switch %s", port, name)
			}
		}
	}
	if member == "eslag" {
		if group == "" {
			return errors.New("all switches in ESLAG connection should have redundancy group")
		}
		if typ != "eslag" {
			return fmt.Errorf("all switches in ESLAG connection should have ESLAG redundancy type, found %s", typ)
		}
	}
	return nil
}

// portsFree checks that no other connection uses a port of this one
// (leaf-01/E1/4 stands for leaf-01/E1/4/1 too), then the addresses of
// fabric, mesh and gateway links: on both sides (or neither, where links may
// be unnumbered), /31s inside the fabric subnet, free, in one /31.
func portsFree(ctx context.Context, s *Store, name string, spec map[string]any, member string, e endpoints) error {
	mine := map[string]bool{}
	for _, p := range e.ports {
		mine[p] = true
		if strings.Count(p, "/") == 2 {
			mine[p+"/1"] = true
		}
	}
	conns, err := s.List(ctx, wiring.Connection)
	if err != nil {
		return err
	}
	fabric, err := netip.ParsePrefix(s.Fabric.FabricSubnet)
	if err != nil {
		return fmt.Errorf("failed to parse fabric subnet %s: %w", s.Fabric.FabricSubnet, err)
	}
	used := map[netip.Addr]bool{}
	for _, o := range byName(conns) {
		ospec := Spec(&o)
		if o.GetName() == name || isMCLAG(ospec) {
			continue
		}
		omember, _ := connectionType(ospec)
		other, err := endpointsOf(ospec, omember)
		if err != nil {
			return fmt.Errorf("failed to get endpoints for connection %s: %w", o.GetName(), err)
		}
		for _, p := range other.ports {
			if mine[p] || (strings.Count(p, "/") == 2 && mine[p+"/1"]) {
				return fmt.Errorf("port %s is already used by other connection %s", p, o.GetName())
			}
		}
		if sides, ok := linkSides[omember]; ok {
			for _, l := range linkList(ospec, omember) {
				for _, side := range sides {
					if p, err := netip.ParsePrefix(text(l, side, "ip")); err == nil {
						used[p.Addr()] = true
					}
				}
			}
		}
	}
	sides, ok := linkSides[member]
	if !ok {
		return nil
	}
	for idx, l := range linkList(spec, member) {
		a, b := text(l, sides[0], "ip"), text(l, sides[1], "ip")
		switch {
		case member == "gateway" && (a == "" || b == ""):
			return fmt.Errorf("gateway connection %s link %d is missing an IP, it must be set on both sides as unnumbered gateway "+
				"links are not supported yet", name, idx)
		case (a == "") != (b == ""):
			return fmt.Errorf("%s connection %s link %d has an IP on only one side, it must be set on both for a numbered link or "+
				"on neither for an unnumbered one", member, name, idx)
		case a == "":
			continue
		}
		var addrs [2]netip.Prefix
		for i, side := range sides {
			ip := text(l, side, "ip")
			p, err := netip.ParsePrefix(ip)
			switch {
			case err != nil:
				return fmt.Errorf("parsing %s connection %s link %d %s IP %s: %w", member, name, idx, side, ip, err)
			case p.Bits() != 31:
				return fmt.Errorf("%s connection %s link %d %s IP %s is not a /31", member, name, idx, side, p)
			case !fabric.Contains(p.Addr()):
				return fmt.Errorf("%s connection %s link %d %s IP %s is not in the fabric subnet %s", member, name, idx, side, p.Addr(),
					fabric)
			case used[p.Addr()]:
				return fmt.Errorf("%s connection %s link %d %s IP %s is already in use", member, name, idx, side, p.Addr())
			}
			used[p.Addr()] = true
			addrs[i] = p
		}
		if addrs[0].Masked() != addrs[1].Masked() {
			return fmt.Errorf("%s connection %s link %d %s IP %s and %s IP %s are not in the same subnet", member, name, idx, sides[0],
				addrs[0].Addr(), sides[1], addrs[1].Addr())
		}
	}
	return nil
}

// linkSides are the sides of the links that carry addresses, by type.
var linkSides = map[string][2]string{"fabric": {"spine", "leaf"}, "mesh": {"leaf1", "leaf2"}, "gateway": {"switch", "gateway"}}

func linkList(spec map[string]any, member string) []map[string]any {
	l, _ := obj(spec, member)["links"].([]any)
	out := make([]map[string]any, 0, len(l))
	for _, e := range l {
		out = append(out, asObject(e))
	}
	return out
}
