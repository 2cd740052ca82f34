// The rules of connections, one idea in one file (longer than most: nine
// connection types, each with its count of links, devices and ports).

package wiring

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// side is one end of a link: its JSON name and the kind of device.
type side struct{ json, kind string }

// linkShape says where a type keeps its links: one "link" or a "links" list,
// and the sides of each.
type linkShape struct {
	list  bool
	sides []side
}

var (
	serverSides = []side{{"server", "Server"}, {"switch", "Switch"}}
	linkShapes  = map[string]linkShape{
		"unbundled":      {false, serverSides},
		"bundled":        {true, serverSides},
		"eslag":          {true, serverSides},
		"fabric":         {true, []side{{"spine", "Switch"}, {"leaf", "Switch"}}},
		"mesh":           {true, []side{{"leaf1", "Switch"}, {"leaf2", "Switch"}}},
		"gateway":        {true, []side{{"switch", "Switch"}, {"gateway", "Gateway"}}},
		"vpcLoopback":    {true, []side{{"switch1", "Switch"}, {"switch2", "Switch"}}},
		"external":       {false, []side{{"switch", "Switch"}}},
		"staticExternal": {false, []side{{"switch", "Switch"}}},
	}
)

// Port is one port of a connection, where the spec holds it, and the kind of
// device it is on.
type Port struct {
	Name string
	Kind string
	Path []any
}

// Device is the part of a port name before the first "/".
func (p Port) Device() string { return strings.SplitN(p.Name, "/", 2)[0] }

// Endpoints are what the API derives from a connection (its
// ConnectionSpec.Endpoints): the type used, the switches and servers
// (sorted), the ports in the order of the spec, and the first of the type's
// rules that the connection breaks.
type Endpoints struct {
	Member, Type      string
	Switches, Servers []string
	Ports             []Port
	Err               error
	ErrPath           []any
	// Unknown: some port is not known yet (plan time); the rules that
	// count devices and ports were not checked.
	Unknown bool
}

// ConnectionEndpoints reads a connection's devices and ports; the VPC side
// uses it to name the switches an attachment reaches.
func ConnectionEndpoints(spec map[string]any) Endpoints {
	var e Endpoints
	for _, t := range ConnectionTypes {
		if v, ok := spec[t.Member]; ok && v != nil {
			e.Member, e.Type = t.Member, t.Type
			break
		}
	}
	if e.Member == "" {
		e.Err = fmt.Errorf("exactly one connection type must be used")
		return e
	}
	shape := linkShapes[e.Member]
	member, _ := spec[e.Member].(map[string]any)
	var links []any
	var linksPath []any
	if shape.list {
		links, _ = meta.List(member, "links")
		linksPath = []any{e.Member, "links"}
	} else if link, ok := meta.Map(member, "link"); ok {
		links = []any{link}
		linksPath = []any{e.Member, "link"}
	}
	if member == nil || member["links"] == kinds.Unknown || member["link"] == kinds.Unknown {
		e.Unknown = true
	}
	switches, servers := map[string]bool{}, map[string]bool{}
	for i, l := range links {
		link, _ := l.(map[string]any)
		if l == kinds.Unknown {
			e.Unknown = true
		}
		for _, s := range shape.sides {
			at := slices.Concat(linksPath, []any{s.json, "port"})
			if shape.list {
				at = slices.Concat(linksPath, []any{i, s.json, "port"})
			}
			name, ok := meta.Str(link, s.json, "port")
			if !ok {
				e.Unknown = e.Unknown || !meta.Known(link)
				continue
			}
			p := Port{Name: name, Kind: s.kind, Path: at}
			e.Ports = append(e.Ports, p)
			switch s.kind {
			case "Switch":
				switches[p.Device()] = true
			case "Server":
				servers[p.Device()] = true
			}
		}
	}
	e.Switches, e.Servers = meta.SortedKeys(toAny(switches)), meta.SortedKeys(toAny(servers))
	if e.Unknown {
		return e
	}
	e.Err = e.countRule(len(links), len(switches), len(servers))
	if e.Err != nil {
		e.ErrPath = linksPath
		if linksPath == nil {
			e.ErrPath = []any{e.Member}
		}
		return e
	}
	for _, p := range e.Ports {
		parts := strings.SplitN(p.Name, "/", 2)
		switch {
		case len(parts) != 2:
			e.Err = fmt.Errorf("invalid port name %s", p.Name)
		case parts[0] == "" || parts[1] == "":
			e.Err = fmt.Errorf("invalid port name %s, should be \"<device>/<port>\" format", p.Name)
		default:
			continue
		}
		e.ErrPath = p.Path
		return e
	}
	return e
}

func toAny(m map[string]bool) map[string]any {
	out := make(map[string]any, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// countRule is the API's rule on the number of devices and unique ports of
// each type.
func (e Endpoints) countRule(links, switches, servers int) error {
	unique := map[string]bool{}
	for _, p := range e.Ports {
		unique[p.Name] = true
	}
	ports := len(unique)
	t := e.Type
	switch e.Member {
	case "unbundled", "bundled", "eslag":
		switch {
		case e.Member == "eslag" && switches < 1:
			return fmt.Errorf("at least one switch must be used for eslag connection")
		case e.Member == "eslag" && switches > 4:
			return fmt.Errorf("at most four switches must be used for eslag connection")
		case e.Member != "eslag" && switches != 1:
			return fmt.Errorf("one switch must be used for %s connection", t)
		case servers != 1:
			return fmt.Errorf("one server must be used for %s connection", t)
		case e.Member == "unbundled" && ports != 2:
			return fmt.Errorf("two unique ports must be used for unbundled connection")
		case e.Member != "unbundled" && ports != 2*links:
			return fmt.Errorf("unique ports must be used for %s connection", t)
		}
	case "fabric", "mesh":
		if switches != 2 {
			return fmt.Errorf("two switches must be used for %s connection", t)
		}
		if ports != 2*links {
			return fmt.Errorf("unique ports must be used for %s connection", t)
		}
	case "gateway", "vpcLoopback":
		if switches != 1 {
			return fmt.Errorf("one switches must be used for %s connection", t) // sic: upstream's words
		}
		if ports != 2*links {
			return fmt.Errorf("unique ports must be used for %s connection", t)
		}
	}
	return nil
}

// deprecationReason is what the API says of MCLAG, which it still accepts
// with a warning.
const deprecationReason = "MCLAG is deprecated and no longer supported"

func checkConnection(name string, spec map[string]any) []kinds.Problem {
	var out []kinds.Problem
	for _, m := range deprecatedMembers {
		if v, ok := spec[m]; ok && v != nil {
			p := meta.Problem(deprecationReason, m)
			p.Warning = true
			out = append(out, p)
		}
	}
	if len(out) > 0 {
		return out // the API accepts MCLAG, with this warning, without looking further
	}
	var set []string
	for _, t := range ConnectionTypes {
		if v, ok := spec[t.Member]; ok && v != nil {
			set = append(set, t.Member)
		}
	}
	if len(set) == 0 {
		return []kinds.Problem{meta.Problem("exactly one connection type must be used")}
	}
	for _, m := range set[1:] {
		// The API would silently use only the first member.
		p := meta.Problem("exactly one connection type must be used", m)
		p.PlanOnly = true
		out = append(out, p)
	}
	e := ConnectionEndpoints(spec)
	if e.Err != nil {
		return append(out, meta.Problem(e.Err.Error(), e.ErrPath...))
	}
	switch e.Member {
	case "staticExternal":
		out = append(out, staticExternalProblems(spec)...)
	case "fabric":
		out = append(out, linkIPProblems(name, spec, "fabric", "spine", "leaf", false)...)
	case "mesh":
		out = append(out, linkIPProblems(name, spec, "mesh", "leaf1", "leaf2", false)...)
	case "gateway":
		out = append(out, linkIPProblems(name, spec, "gateway", "switch", "gateway", true)...)
	}
	return out
}

func staticExternalProblems(spec map[string]any) []kinds.Problem {
	at := []any{"staticExternal", "link", "switch"}
	sw, _ := meta.Map(spec, "staticExternal", "link", "switch")
	if !meta.Known(sw) {
		return nil
	}
	ip, _ := meta.Str(sw, "ip")
	_, ipNet, err := net.ParseCIDR(ip)
	if err != nil {
		return []kinds.Problem{meta.Problem(fmt.Sprintf("failed to parse cidr %s: %v", ip, err), slices.Concat(at, []any{"ip"})...)}
	}
	nextHopText, _ := meta.Str(sw, "nextHop")
	nextHop := net.ParseIP(nextHopText)
	if nextHop == nil {
		return []kinds.Problem{meta.Problem(fmt.Sprintf("failed to parse next hop %s", nextHopText), slices.Concat(at, []any{"nextHop"})...)}
	}
	if !ipNet.Contains(nextHop) {
		return []kinds.Problem{meta.Problem(fmt.Sprintf("next hop %s is not in cidr %s", nextHop, ipNet), slices.Concat(at, []any{"nextHop"})...)}
	}
	l, _ := meta.List(sw, "subnets")
	subnets := meta.Strings(l)
	var checked []string
	for i, s := range subnets {
		where := slices.Concat(at, []any{"subnets", i})
		prefix, err := netip.ParsePrefix(s)
		if err != nil {
			return []kinds.Problem{meta.Problem(fmt.Sprintf("failed to parse cidr %s: %v", s, err), where...)}
		}
		if s == "0.0.0.0/0" {
			if len(subnets) > 1 {
				return []kinds.Problem{meta.Problem("default route should be the only subnet", where...)}
			}
			break
		}
		if prefix.Addr() != prefix.Masked().Addr() {
			return []kinds.Problem{meta.Problem(fmt.Sprintf("invalid subnet %s: inconsistent IP address and mask", s), where...)}
		}
		checked = append(checked, s)
	}
	if msg, overlap := meta.OverlapProblem(checked, func(a, b string) string {
		return fmt.Sprintf("subnets overlap: subnets %s and %s overlap", a, b)
	}); overlap {
		return []kinds.Problem{meta.Problem(msg, slices.Concat(at, []any{"subnets"})...)}
	}
	return nil
}

// linkIPProblems are the API's rules for the addresses of fabric, mesh and
// gateway links that need nothing but the connection: both sides or neither
// (both for gateways), /31s, the two sides in the same /31.
func linkIPProblems(name string, spec map[string]any, typ, a, b string, required bool) []kinds.Problem {
	links, _ := meta.List(spec, typ, "links")
	for idx, l := range links {
		link, _ := l.(map[string]any)
		if !meta.Known(link) {
			continue
		}
		ipA, _ := meta.Str(link, a, "ip")
		ipB, _ := meta.Str(link, b, "ip")
		where := func(s string) []any { return []any{typ, "links", idx, s, "ip"} }
		switch {
		case required && (ipA == "" || ipB == ""):
			missing := a
			if ipA != "" {
				missing = b
			}
			return []kinds.Problem{meta.Problem(fmt.Sprintf("%s connection %s link %d is missing an IP, it must be set on both "+
				"sides as unnumbered gateway links are not supported yet", typ, name, idx), where(missing)...)}
		case (ipA == "") != (ipB == ""):
			missing := a
			if ipA != "" {
				missing = b
			}
			return []kinds.Problem{meta.Problem(fmt.Sprintf("%s connection %s link %d has an IP on only one side, it must be set "+
				"on both for a numbered link or on neither for an unnumbered one", typ, name, idx), where(missing)...)}
		case ipA == "":
			continue
		}
		prefixes := make([]netip.Prefix, 2)
		for i, s := range []struct{ side, ip string }{{a, ipA}, {b, ipB}} {
			p, err := netip.ParsePrefix(s.ip)
			if err != nil {
				return []kinds.Problem{meta.Problem(fmt.Sprintf("parsing %s connection %s link %d %s IP %s: %v", typ, name, idx,
					s.side, s.ip, err), where(s.side)...)}
			}
			if p.Bits() != 31 {
				return []kinds.Problem{meta.Problem(fmt.Sprintf("%s connection %s link %d %s IP %s is not a /31", typ, name, idx,
					s.side, p), where(s.side)...)}
			}
			prefixes[i] = p
		}
		if prefixes[0].Masked() != prefixes[1].Masked() {
			return []kinds.Problem{meta.Problem(fmt.Sprintf("%s connection %s link %d %s IP %s and %s IP %s are not in the same "+
				"subnet", typ, name, idx, a, prefixes[0].Addr(), b, prefixes[1].Addr()), where(b)...)}
		}
	}
	return nil
}

// ConnectionSwitches names the switches of the connection called name (none
// when it does not exist): what an attachment to the connection reaches.
func ConnectionSwitches(ctx context.Context, l kinds.Lookup, name string) ([]string, error) {
	c, err := l.Get(ctx, Connection, name)
	if apierrors.IsNotFound(err) || (err == nil && c == nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	spec, _ := c.Object["spec"].(map[string]any)
	return ConnectionEndpoints(spec).Switches, nil
}
