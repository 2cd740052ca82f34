package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// mclagDeprecated is what upstream answers, as a warning, for MCLAG.
const mclagDeprecated = "MCLAG is deprecated and no longer supported"

var connectionBehaviour = Behaviour{
	Kind:     wiring.Connection,
	Validate: validateConnection,
	Prefix:   "error validating connection",
	Warnings: func(spec map[string]any) []string {
		if isMCLAG(spec) {
			return []string{mclagDeprecated}
		}
		return nil
	},
	Labels: func(spec map[string]any) map[string]string {
		out := map[string]string{}
		if isMCLAG(spec) {
			return out // upstream cleans the labels and stops
		}
		member, typ := connectionType(spec)
		out[wiring.LabelConnectionType] = typ
		if withinVPC := text(spec, "staticExternal", "withinVPC"); withinVPC != "" {
			out[wiring.LabelVPC] = withinVPC
		}
		e, err := endpointsOf(spec, member)
		if err != nil {
			return out
		}
		for _, sw := range e.switches {
			out[wiring.SwitchLabel(sw)] = "true"
		}
		for _, srv := range e.servers {
			out[wiring.ServerLabel(srv)] = "true"
		}
		return out
	},
	Annotations: func(spec map[string]any) map[string]string {
		member, _ := connectionType(spec)
		e, err := endpointsOf(spec, member)
		if isMCLAG(spec) || err != nil {
			return nil
		}
		return map[string]string{"fabric.githedgehog.com/switches": strings.Join(e.switches, ","),
			"fabric.githedgehog.com/servers": strings.Join(e.servers, ",")}
	},
	CleanAnnotations: true,
	Update: func(old, u *unstructured.Unstructured) error {
		before, after := Spec(old), Spec(u)
		_, typeBefore := connectionType(before)
		_, typeAfter := connectionType(after)
		if typeBefore != typeAfter {
			return errors.New("connection type is immutable")
		}
		if present(before, "staticExternal") && present(after, "staticExternal") &&
			text(before, "staticExternal", "withinVPC") != text(after, "staticExternal", "withinVPC") {
			return errors.New("StaticExternal.WithinVPC is immutable")
		}
		return nil
	},
	Cross: connectionCross,
	DeleteBlocked: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		for _, k := range []struct{ kind, msg string }{
			{"VPCAttachment", "connection has attachments"}, {"ExternalAttachment", "connection has external attachments"},
		} {
			users, err := s.ListByLabel(ctx, k.kind, vpc.LabelConnection, u.GetName())
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

func isMCLAG(spec map[string]any) bool { return present(spec, "mclag") || present(spec, "mclagDomain") }

// connectionKinds are upstream's connection types in the order it looks for
// them (the first one set is the connection's type): the member, the type's
// name, whether the member holds a list of links, and the sides of a link
// with the kind of device on each.
type connKind struct {
	member, name string
	list         bool
	sides        []string
	devices      []string
}

var connectionKinds = []connKind{
	{"unbundled", "unbundled", false, []string{"server", "switch"}, []string{"Server", "Switch"}},
	{"bundled", "bundled", true, []string{"server", "switch"}, []string{"Server", "Switch"}},
	{"eslag", "eslag", true, []string{"server", "switch"}, []string{"Server", "Switch"}},
	{"fabric", "fabric", true, []string{"spine", "leaf"}, []string{"Switch", "Switch"}},
	{"mesh", "mesh", true, []string{"leaf1", "leaf2"}, []string{"Switch", "Switch"}},
	{"gateway", "gateway", true, []string{"switch", "gateway"}, []string{"Switch", "Gateway"}},
	{"vpcLoopback", "vpc-loopback", true, []string{"switch1", "switch2"}, []string{"Switch", "Switch"}},
	{"external", "external", false, []string{"switch"}, []string{"Switch"}},
	{"staticExternal", "static-external", false, []string{"switch"}, []string{"Switch"}},
}

// connectionType is the member set first and its type's name ("<invalid>"
// when none is).
func connectionType(spec map[string]any) (string, string) {
	for _, k := range connectionKinds {
		if present(spec, k.member) {
			return k.member, k.name
		}
	}
	return "", "<invalid>"
}

// endpoints are what upstream derives from a connection: its switches,
// servers and gateways (sorted), and its ports once each (upstream holds
// them in a map, so its messages name them in any order; the stand-in keeps
// the order of the spec).
type endpoints struct {
	switches, servers, gateways, ports []string
	links                              int
}

// endpointsOf reads a connection's endpoints and applies upstream's rules on
// their number. MCLAG connections have none (upstream skips them).
func endpointsOf(spec map[string]any, member string) (endpoints, error) {
	var e endpoints
	if isMCLAG(spec) {
		return e, nil
	}
	if member == "" {
		return e, errors.New("exactly one connection type must be used")
	}
	i := slices.IndexFunc(connectionKinds, func(k connKind) bool { return k.member == member })
	k := connectionKinds[i]
	var links []any
	if k.list {
		links, _ = meta.List(spec, member, "links")
	} else {
		links = []any{obj(spec, member, "link")}
	}
	e.links = len(links)
	devices := map[string]map[string]bool{"Switch": {}, "Server": {}, "Gateway": {}}
	for _, l := range links {
		for s, side := range k.sides {
			port := text(asObject(l), side, "port")
			if !slices.Contains(e.ports, port) {
				e.ports = append(e.ports, port)
			}
			devices[k.devices[s]][strings.SplitN(port, "/", 2)[0]] = true
		}
	}
	e.switches, e.servers, e.gateways = keys(devices["Switch"]), keys(devices["Server"]), keys(devices["Gateway"])
	if err := endpointCounts(k.name, member, e); err != nil {
		return e, err
	}
	for _, port := range e.ports {
		parts := strings.SplitN(port, "/", 2)
		switch {
		case len(parts) != 2:
			return e, fmt.Errorf("invalid port name %s", port)
		case parts[0] == "" || parts[1] == "":
			return e, fmt.Errorf("invalid port name %s, should be \"<device>/<port>\" format", port)
		}
	}
	return e, nil
}

// endpointCounts are upstream's rules on the devices and unique ports of
// each type, in its words ("one switches" is upstream's).
func endpointCounts(name, member string, e endpoints) error {
	switches, servers, ports := len(e.switches), len(e.servers), len(e.ports)
	switch member {
	case "unbundled", "bundled":
		switch {
		case switches != 1:
			return fmt.Errorf("one switch must be used for %s connection", name)
		case servers != 1:
			return fmt.Errorf("one server must be used for %s connection", name)
		case member == "unbundled" && ports != 2:
			return errors.New("two unique ports must be used for unbundled connection")
		case member == "bundled" && ports != 2*e.links:
			return errors.New("unique ports must be used for bundled connection")
		}
	case "eslag":
		switch {
		case switches < 1:
			return errors.New("at least one switch must be used for eslag connection")
		case switches > 4:
			return errors.New("at most four switches must be used for eslag connection")
		case servers != 1:
			return errors.New("one server must be used for eslag connection")
		case ports != 2*e.links:
			return errors.New("unique ports must be used for eslag connection")
		}
	case "fabric", "mesh", "gateway", "vpcLoopback":
		want, word := 2, "two switches"
		if member == "gateway" || member == "vpcLoopback" {
			want, word = 1, "one switches"
		}
		if switches != want {
			return fmt.Errorf("%s must be used for %s connection", word, name)
		}
		if ports != 2*e.links {
			return fmt.Errorf("unique ports must be used for %s connection", name)
		}
	}
	return nil
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// validateConnection is upstream's Connection validation without the
// cluster: MCLAG accepted as is, the MTU of server-facing ports, the
// endpoints, a static external's addresses, and the types the fabric mode
// allows.
func validateConnection(f FabricConfig, _ string, spec map[string]any) error {
	if isMCLAG(spec) {
		return nil
	}
	for _, member := range []string{"unbundled", "bundled"} {
		if mtu := num(spec, member, "mtu"); present(spec, member) && mtu > f.FabricMTU-f.ServerFacingMTUOffset {
			return fmt.Errorf("%s connection mtu %d is greater than fabric mtu %d - server facing mtu offset %d", member, mtu,
				f.FabricMTU, f.ServerFacingMTUOffset)
		}
	}
	member, _ := connectionType(spec)
	if _, err := endpointsOf(spec, member); err != nil {
		return err
	}
	if member == "staticExternal" {
		if err := validateStaticExternal(f, obj(spec, "staticExternal", "link", "switch")); err != nil {
			return err
		}
	}
	if (member == "eslag" || member == "gateway") && f.FabricMode != "spine-leaf" {
		return fmt.Errorf("%s connection is not allowed in current fabric configuration", member)
	}
	return nil
}

func validateStaticExternal(f FabricConfig, sw map[string]any) error {
	ip := text(sw, "ip")
	_, network, err := net.ParseCIDR(ip)
	if err != nil {
		return fmt.Errorf("failed to parse cidr %s: %w", ip, err)
	}
	nextHop := net.ParseIP(text(sw, "nextHop"))
	if nextHop == nil {
		return fmt.Errorf("failed to parse next hop %s", text(sw, "nextHop"))
	}
	if !network.Contains(nextHop) {
		return fmt.Errorf("next hop %s is not in cidr %s", nextHop, network)
	}
	subnets := strs(sw, "subnets")
	var prefixes []netip.Prefix
	for _, s := range subnets {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return fmt.Errorf("failed to parse cidr %s: %w", s, err)
		}
		if s == "0.0.0.0/0" {
			if len(subnets) > 1 {
				return errors.New("default route should be the only subnet")
			}
			break
		}
		if p.Addr() != p.Masked().Addr() {
			return fmt.Errorf("invalid subnet %s: inconsistent IP address and mask", s)
		}
		prefixes = append(prefixes, p)
	}
	if err := overlapping(prefixes); err != nil {
		return fmt.Errorf("subnets overlap: %w", err)
	}
	if err := overlapping(append(prefixes, f.reserved()...)); err != nil {
		return fmt.Errorf("subnets overlap with reserved subnets: %w", err)
	}
	return nil
}
