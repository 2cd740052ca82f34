// The stand-in's connection rules that need the cluster (longer than most
// files: nine connection types, their devices, ports and links).

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
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

var connectionBehaviour = Behaviour{
	Kind:    wiring.Connection,
	Default: declaredDefault(wiring.Connection), Validate: declaredValidate(wiring.Connection),
	Prefix: "error validating connection",
	Labels: func(spec map[string]any) map[string]string {
		if isMCLAG(spec) {
			return nil
		}
		e := wiring.ConnectionEndpoints(spec)
		out := map[string]string{wiring.LabelConnectionType: e.Type}
		if e.Type == "" {
			out[wiring.LabelConnectionType] = "<invalid>"
		}
		if vpc, _ := meta.Str(spec, "staticExternal", "withinVPC"); vpc != "" {
			out[wiring.LabelVPC] = vpc
		}
		if e.Err != nil {
			return out
		}
		for _, sw := range e.Switches {
			out[wiring.SwitchLabel(sw)] = "true"
		}
		for _, srv := range e.Servers {
			out[wiring.ServerLabel(srv)] = "true"
		}
		return out
	},
	Annotations: func(spec map[string]any) map[string]string {
		e := wiring.ConnectionEndpoints(spec)
		if isMCLAG(spec) || e.Err != nil {
			return nil
		}
		return map[string]string{"fabric.githedgehog.com/switches": strings.Join(e.Switches, ","),
			"fabric.githedgehog.com/servers": strings.Join(e.Servers, ",")}
	},
	Update: func(old, u *unstructured.Unstructured) error {
		before, after := Spec(old), Spec(u)
		if wiring.ConnectionEndpoints(before).Type != wiring.ConnectionEndpoints(after).Type {
			return errors.New("connection type is immutable")
		}
		a, _ := meta.Str(before, "staticExternal", "withinVPC")
		b, _ := meta.Str(after, "staticExternal", "withinVPC")
		if before["staticExternal"] != nil && after["staticExternal"] != nil && a != b {
			return errors.New("StaticExternal.WithinVPC is immutable")
		}
		return nil
	},
	Cross: connectionCross,
	DeleteBlocked: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		for _, k := range []struct{ kind, msg string }{
			{"VPCAttachment", "connection has attachments"}, {"ExternalAttachment", "connection has external attachments"},
		} {
			users, err := s.ListByLabel(ctx, k.kind, "fabric.githedgehog.com/connection", u.GetName())
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

func isMCLAG(spec map[string]any) bool { return spec["mclag"] != nil || spec["mclagDomain"] != nil }

// connectionCross is what upstream checks with the fabric configuration and
// the other objects: MTU, reserved subnets, the switches (their profiles,
// ports and ESLAG groups) and servers, ports used once, fabric link
// addresses inside the fabric subnet and unique.
func connectionCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	spec := Spec(u)
	if isMCLAG(spec) {
		return nil
	}
	f := s.Fabric
	for _, member := range []string{"unbundled", "bundled", "eslag"} {
		if m, ok := meta.Int(spec, member, "mtu"); ok && m > f.FabricMTU-f.ServerFacingMTUOffset {
			return fmt.Errorf("%s connection mtu %d is greater than fabric mtu %d - server facing mtu offset %d", member, m,
				f.FabricMTU, f.ServerFacingMTUOffset)
		}
	}
	e := wiring.ConnectionEndpoints(spec)
	if e.Member == "staticExternal" {
		l, _ := meta.List(spec, "staticExternal", "link", "switch", "subnets")
		for _, subnet := range meta.Strings(l) {
			if subnet == "0.0.0.0/0" {
				continue
			}
			if msg, ok := meta.OverlapProblem(append([]string{subnet}, f.ReservedSubnets...), func(a, b string) string {
				return fmt.Sprintf("subnets overlap with reserved subnets: subnets %s and %s overlap", a, b)
			}); ok {
				return errors.New(msg)
			}
		}
	}
	if (e.Member == "eslag" || e.Member == "gateway") && f.FabricMode != "spine-leaf" {
		return fmt.Errorf("%s connection is not allowed in current fabric configuration", e.Member)
	}
	if err := connectionDevices(ctx, s, e); err != nil {
		return err
	}
	if err := portsUnused(ctx, s, u.GetName(), spec, e); err != nil {
		return err
	}
	if vpc, _ := meta.Str(spec, "staticExternal", "withinVPC"); vpc != "" {
		if s.kinds["VPC"] != nil {
			found, err := s.Get(ctx, s.kinds["VPC"], vpc)
			if err != nil {
				return err
			}
			if found == nil {
				return Bare(fmt.Errorf("vpc %s not found", vpc))
			}
		}
	}
	return nil
}

// connectionDevices checks that the switches exist, that their profiles
// have the ports used, that ESLAG switches share one ESLAG group, and that
// the servers exist.
func connectionDevices(ctx context.Context, s *Store, e wiring.Endpoints) error {
	group, typ := "", ""
	for _, name := range e.Switches {
		sw, err := s.Get(ctx, wiring.Switch, name)
		if err != nil {
			return err
		}
		if sw == nil {
			return fmt.Errorf("switch %s not found", name)
		}
		spec := Spec(sw)
		if e.Member == "eslag" {
			g, _ := meta.Str(spec, "redundancy", "group")
			t, _ := meta.Str(spec, "redundancy", "type")
			if g != "" {
				if group != "" && group != g {
					return fmt.Errorf("all switches in ESLAG connection should belong to the same redundancy group, found %s in %s", name, group)
				}
				group = g
			}
			if t != "" {
				if typ != "" && typ != t {
					return fmt.Errorf("all switches in ESLAG connection should belong to the same redundancy type, found %s in %s", name, typ)
				}
				typ = t
			}
		}
		profileName, _ := meta.Str(spec, "profile")
		profile, err := s.Get(ctx, wiring.SwitchProfile, profileName)
		if err != nil {
			return err
		}
		if profile == nil {
			return fmt.Errorf("switch profile %s not found", profileName)
		}
		allowed := allowedPorts(Spec(profile), spec)
		for _, p := range e.Ports {
			if p.Kind == "Switch" && p.Device() == name && !allowed[strings.TrimPrefix(p.Name, name+"/")] {
				return fmt.Errorf("port %s is not allowed for switch %s", p.Name, name)
			}
		}
	}
	if e.Member == "eslag" {
		if group == "" {
			return errors.New("all switches in ESLAG connection should have redundancy group")
		}
		if typ != "eslag" {
			return fmt.Errorf("all switches in ESLAG connection should have ESLAG redundancy type, found %s", typ)
		}
	}
	for _, name := range e.Servers {
		srv, err := s.Get(ctx, wiring.Server, name)
		if err != nil {
			return err
		}
		if srv == nil {
			return fmt.Errorf("server %s not found", name)
		}
	}
	return nil
}

// allowedPorts are the ports of a switch that connections may use: the
// profile's data ports, and the ports of the breakout mode a port is in.
func allowedPorts(profile, sw map[string]any) map[string]bool {
	ports, _ := meta.Map(profile, "ports")
	profiles, _ := meta.Map(profile, "portProfiles")
	breakouts, _ := meta.Map(sw, "portBreakouts")
	out := map[string]bool{}
	for name, raw := range ports {
		port, _ := raw.(map[string]any)
		if meta.Bool(port, "management") {
			continue
		}
		ppName, _ := meta.Str(port, "profile")
		modes, isBreakout := meta.Map(profiles, ppName, "breakout")
		if !isBreakout {
			out[name] = true
			continue
		}
		mode, _ := meta.Str(modes, "default")
		if m, ok := breakouts[name].(string); ok {
			mode = m
		}
		offsets, _ := meta.List(modes, "supported", mode, "offsets")
		out[name] = true // an alias of its first breakout port
		for i := range offsets {
			out[fmt.Sprintf("%s/%d", name, i+1)] = true
		}
	}
	return out
}

// portsUnused checks that no other connection uses a port of this one
// (leaf-01/E1/4 stands for leaf-01/E1/4/1 too), and that fabric, mesh and
// gateway link addresses are inside the fabric subnet and not used already.
func portsUnused(ctx context.Context, s *Store, name string, spec map[string]any, e wiring.Endpoints) error {
	mine := map[string]bool{}
	for _, p := range e.Ports {
		mine[p.Name] = true
		if strings.Count(p.Name, "/") == 2 {
			mine[p.Name+"/1"] = true
		}
	}
	conns, err := s.List(ctx, wiring.Connection)
	if err != nil {
		return err
	}
	slices.SortFunc(conns, func(a, b unstructured.Unstructured) int { return strings.Compare(a.GetName(), b.GetName()) })
	used := map[netip.Addr]bool{}
	for _, o := range conns {
		ospec := Spec(&o)
		if o.GetName() == name || isMCLAG(ospec) {
			continue
		}
		other := wiring.ConnectionEndpoints(ospec)
		if other.Err != nil {
			return fmt.Errorf("failed to get endpoints for connection %s: %w", o.GetName(), other.Err)
		}
		for _, p := range other.Ports {
			if mine[p.Name] || (strings.Count(p.Name, "/") == 2 && mine[p.Name+"/1"]) {
				return fmt.Errorf("port %s is already used by other connection %s", p.Name, o.GetName())
			}
		}
		for _, ip := range linkIPs(ospec, other.Member) {
			used[ip.addr] = true
		}
	}
	fabric, err := netip.ParsePrefix(s.Fabric.FabricSubnet)
	if err != nil {
		return fmt.Errorf("failed to parse fabric subnet %s: %w", s.Fabric.FabricSubnet, err)
	}
	for _, ip := range linkIPs(spec, e.Member) {
		switch {
		case !fabric.Contains(ip.addr):
			return fmt.Errorf("%s connection %s link %d %s IP %s is not in the fabric subnet %s", e.Type, name, ip.link, ip.side,
				ip.addr, fabric)
		case used[ip.addr]:
			return fmt.Errorf("%s connection %s link %d %s IP %s is already in use", e.Type, name, ip.link, ip.side, ip.addr)
		}
		used[ip.addr] = true
	}
	return nil
}

type linkIP struct {
	link int
	side string
	addr netip.Addr
}

// linkSides are the sides of the links that carry addresses, by type.
var linkSides = map[string][2]string{"fabric": {"spine", "leaf"}, "mesh": {"leaf1", "leaf2"}, "gateway": {"switch", "gateway"}}

func linkIPs(spec map[string]any, member string) []linkIP {
	sides, ok := linkSides[member]
	if !ok {
		return nil
	}
	links, _ := meta.List(spec, member, "links")
	var out []linkIP
	for i, l := range links {
		link, _ := l.(map[string]any)
		for _, side := range sides {
			if ip, _ := meta.Str(link, side, "ip"); ip != "" {
				if p, err := netip.ParsePrefix(ip); err == nil {
					out = append(out, linkIP{i, side, p.Addr()})
				}
			}
		}
	}
	return out
}
