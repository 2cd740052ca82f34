// The fabric controller's part of the agent simulator: which objects each
// switch's Agent carries, and how (longer than most files: it is one reading
// of upstream's agent controller, pkg/ctrl/agent_ctrl.go, rule by rule).

package fabricsim

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// fabricObjects are the objects the controller reads to build Agents.
type fabricObjects struct {
	switches, connections, profiles, vlanNamespaces                                  []*unstructured.Unstructured
	vpcs, attachments, peerings, ipv4Namespaces, externals, extAttachments, extPeers []*unstructured.Unstructured
}

// agentSpec is the spec Hedgehog's controller writes into the Agent of
// switch sw: the switch's own spec, its profile, the switches at the other
// ends of its connections, and every object it needs, each by the rule
// upstream's controller uses. An error is a switch the controller refuses
// to reconcile (its Agent stays as it was).
func agentSpec(sw *unstructured.Unstructured, w fabricObjects) (map[string]any, error) {
	own := Spec(sw)
	name := sw.GetName()
	role, _ := own["role"].(string)

	// Connections: those with a port on the switch; a spine also carries
	// the static external connections that are not inside a VPC. VPC
	// loopbacks are carried as on a fabric with the loopback workaround, the
	// only kind that has them.
	conns := map[string]any{}
	neighbours := map[string]bool{}
	for _, c := range w.connections {
		ends := switchesOf(Spec(c))
		if !slices.Contains(ends, name) {
			continue
		}
		conns[c.GetName()] = Spec(c)
		for _, e := range ends {
			neighbours[e] = true
		}
	}
	if role == "spine" {
		for _, c := range w.connections {
			if se, ok := Spec(c)["staticExternal"].(map[string]any); ok && str(se, "withinVPC") == "" {
				conns[c.GetName()] = Spec(c)
			}
		}
	}
	switches := map[string]any{}
	for _, other := range w.switches {
		if neighbours[other.GetName()] {
			switches[other.GetName()] = Spec(other)
		}
	}

	// VPC attachments of those connections, each with the attachment's
	// fabric annotations beside its spec (VPCAttachmentSpecAnn).
	attachments, configured, attached := map[string]any{}, map[string]bool{}, map[string]bool{}
	for _, a := range w.attachments {
		spec := Spec(a)
		if _, ok := conns[str(spec, "connection")]; !ok {
			continue
		}
		entry := maps.Clone(spec)
		anns := map[string]any{}
		for k, v := range a.GetAnnotations() {
			if strings.HasPrefix(k, "fabric.githedgehog.com/") {
				anns[k] = v
			}
		}
		if len(anns) > 0 {
			entry["annotations"] = anns
		}
		attachments[a.GetName()] = entry
		subnet := str(spec, "subnet")
		vpcName, _, _ := strings.Cut(subnet, "/")
		attached[vpcName], configured[subnet] = true, true
	}
	staticExt := map[string]bool{}
	for _, c := range conns {
		if se, ok := c.(map[string]any)["staticExternal"].(map[string]any); ok && str(se, "withinVPC") != "" {
			staticExt[str(se, "withinVPC")] = true
		}
	}

	// VPCs: attached, reached by a static external connection, or the DHCP
	// relay VPC of an attached subnet.
	vpcs, relays := map[string]any{}, map[string]bool{}
	for _, v := range w.vpcs {
		ok := attached[v.GetName()] || staticExt[v.GetName()]
		subnets, _ := Spec(v)["subnets"].(map[string]any)
		for sn, s := range subnets {
			if configured[v.GetName()+"/"+sn] {
				ok = true
				if dhcp, _ := s.(map[string]any)["dhcp"].(map[string]any); str(dhcp, "relayVPC") != "" {
					relays[str(dhcp, "relayVPC")] = true
				}
			}
		}
		if ok {
			vpcs[v.GetName()] = Spec(v)
		}
	}
	for _, v := range w.vpcs {
		if relays[v.GetName()] {
			vpcs[v.GetName()] = Spec(v)
		}
	}

	// Peerings of those VPCs bring the peer VPC along.
	peerings, peered := map[string]any{}, map[string]bool{}
	for _, p := range w.peerings {
		pair, err := peeringPair(Spec(p))
		if err != nil {
			return nil, fmt.Errorf("error getting vpcs for peering %s: %w", p.GetName(), err)
		}
		if vpcs[pair[0]] != nil || vpcs[pair[1]] != nil {
			peerings[p.GetName()] = Spec(p)
			peered[pair[0]], peered[pair[1]] = true, true
		}
	}

	// Every External, external attachments of the switch's connections, and
	// the peerings of the Externals attached here (with their VPCs).
	extAttachments, extAttached := map[string]any{}, map[string]bool{}
	for _, a := range w.extAttachments {
		spec := Spec(a)
		if _, ok := conns[str(spec, "connection")]; ok {
			extAttachments[a.GetName()] = spec
			extAttached[str(spec, "external")] = true
		}
	}
	externals := map[string]any{}
	for _, e := range w.externals {
		externals[e.GetName()] = Spec(e)
	}
	extPeerings := map[string]any{}
	for _, p := range w.extPeers {
		spec := Spec(p)
		permit, _ := spec["permit"].(map[string]any)
		ext, _ := permit["external"].(map[string]any)
		if !extAttached[str(ext, "name")] {
			continue
		}
		vpc, _ := permit["vpc"].(map[string]any)
		peered[str(vpc, "name")] = true
		extPeerings[p.GetName()] = spec
	}
	for _, v := range w.vpcs {
		if peered[v.GetName()] {
			vpcs[v.GetName()] = Spec(v)
		}
	}

	swNamespaces := listStrings(own["vlanNamespaces"])
	for _, vname := range sortedKeys(vpcs) {
		spec, _ := vpcs[vname].(map[string]any)
		ns := str(spec, "vlanNamespace")
		if !slices.Contains(swNamespaces, ns) {
			return nil, fmt.Errorf("switch %s doesn't have vlan namespace %s while gets vpc %s", name, ns, vname)
		}
	}
	ipv4Namespaces := map[string]any{}
	for _, ns := range w.ipv4Namespaces {
		ipv4Namespaces[ns.GetName()] = Spec(ns)
	}
	vlanNamespaces := map[string]any{}
	for _, ns := range w.vlanNamespaces {
		if slices.Contains(swNamespaces, ns.GetName()) {
			vlanNamespaces[ns.GetName()] = Spec(ns)
		}
	}

	// The other switches of its redundancy group.
	var peers []any
	red, _ := own["redundancy"].(map[string]any)
	if group := str(red, "group"); group != "" {
		for _, other := range w.switches {
			otherRed, _ := Spec(other)["redundancy"].(map[string]any)
			if other.GetName() == name || str(otherRed, "group") != group {
				continue
			}
			if str(otherRed, "type") != str(red, "type") {
				return nil, fmt.Errorf("switch %s and %s have different redundancy types but in the redundancy same group",
					name, other.GetName())
			}
			peers = append(peers, other.GetName())
		}
	}

	var profile map[string]any
	if p := str(own, "profile"); p != "" {
		for _, sp := range w.profiles {
			if sp.GetName() == p {
				profile = Spec(sp)
			}
		}
		if profile == nil {
			return nil, fmt.Errorf("error getting switch profile: switchprofiles %q not found", p)
		}
	}

	out := map[string]any{"switch": own}
	for k, v := range map[string]any{"role": own["role"], "description": own["description"], "switchProfile": profile,
		"switches": switches, "redundancyGroupPeers": peers, "connections": conns, "vpcs": vpcs,
		"vpcAttachments": attachments, "vpcPeers": peerings, "ipv4Namespaces": ipv4Namespaces, "vlanNamespaces": vlanNamespaces,
		"externals": externals, "externalAttachments": extAttachments, "externalPeerings": extPeerings,
		"configuredVPCSubnets": boolMap(configured), "attachedVPCs": boolMap(attached)} {
		if !empty(v) { // upstream's fields are all omitempty
			out[k] = v
		}
	}
	return out, nil
}

// switchesOf names the switches with a port in a connection: every
// switch-side member of its links (switch, spine, leaf, leaf1/2,
// switch1/2), a port being "<device>/<port>".
func switchesOf(spec map[string]any) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for k, e := range x {
				member, _ := e.(map[string]any)
				port, isMember := member["port"].(string)
				switch {
				case !isMember:
					walk(e)
				case slices.Contains([]string{"switch", "spine", "leaf", "leaf1", "leaf2", "switch1", "switch2"}, k):
					if device, _, found := strings.Cut(port, "/"); found && !slices.Contains(out, device) {
						out = append(out, device)
					}
				}
			}
		}
	}
	walk(spec)
	sort.Strings(out)
	return out
}

// peeringPair are the two VPCs of a peering: the keys of its permit entries.
func peeringPair(spec map[string]any) ([2]string, error) {
	names := map[string]bool{}
	permit, _ := spec["permit"].([]any)
	for _, p := range permit {
		m, _ := p.(map[string]any)
		for k := range m {
			names[k] = true
		}
	}
	if len(names) != 2 {
		return [2]string{}, fmt.Errorf("peering must have exactly 2 VPCs, found %d", len(names))
	}
	l := sortedKeys(names)
	return [2]string{l[0], l[1]}, nil
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func listStrings(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, e := range l {
		if s, ok := e.(string); ok {
			out = append(out, s)
		}
	}
	return out
}

func boolMap(m map[string]bool) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func empty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return x == ""
	case map[string]any:
		return len(x) == 0
	case []any:
		return len(x) == 0
	}
	return false
}
