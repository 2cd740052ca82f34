package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

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
