package fabricsim

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
)

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
