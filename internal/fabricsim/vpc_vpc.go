package fabricsim

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

var vpcBehaviour = Behaviour{
	Kind:       vpc.VPC,
	Defaulting: defaultVPC,
	Validate:   validateVPC,
	Prefix:     "failed to validate vpc",
	Labels: func(spec map[string]any) map[string]string {
		return map[string]string{vpc.LabelIPv4Namespace: text(spec, "ipv4Namespace"), vpc.LabelVLANNamespace: text(spec, "vlanNamespace")}
	},
	Cross: vpcCross,
	DeleteBlocked: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		for _, k := range []struct{ kind, key, value, msg string }{
			{"VPCAttachment", vpc.LabelVPC, u.GetName(), "VPC has attachments"},
			{"VPCPeering", vpc.VPCLabel(u.GetName()), "true", "VPC has peerings"},
			{"ExternalPeering", vpc.LabelVPC, u.GetName(), "VPC has external peerings"},
			{wiring.Connection.Kind, wiring.LabelVPC, u.GetName(), "VPC has static external connections (using withingVPC option)"},
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

// defaultVPC is upstream's VPC Default: the default namespaces; per subnet
// the empty DHCP object that re-marshalling adds and the gateway (the
// subnet's first address, none for host BGP subnets); for subnets of /30 or
// larger, the DHCP range and options' defaults when DHCP is on, none of
// either when it is off; MAC keys of static leases in their canonical form.
func defaultVPC(spec map[string]any) {
	for _, field := range []string{"ipv4Namespace", "vlanNamespace"} {
		if text(spec, field) == "" {
			spec[field] = "default"
		}
	}
	subnets, _ := meta.Map(spec, "subnets")
	for _, v := range subnets {
		if subnet, ok := v.(map[string]any); ok {
			defaultVPCSubnet(subnet)
		}
	}
}

func defaultVPCSubnet(subnet map[string]any) {
	ensureObject(subnet, "dhcp")
	_, network, err := net.ParseCIDR(text(subnet, "subnet"))
	if err != nil {
		return
	}
	p, _ := netip.ParsePrefix(network.String())
	if text(subnet, "gateway") == "" && !meta.Bool(subnet, "hostBGP") {
		subnet["gateway"] = p.Addr().Next().String()
	}
	if p.Bits() > 30 || !p.Addr().Is4() {
		return
	}
	dhcp := obj(subnet, "dhcp")
	if !meta.Bool(dhcp, "enable") {
		delete(dhcp, "range")
		delete(dhcp, "options")
		return
	}
	ensureObject(dhcp, "range")
	r := obj(dhcp, "range")
	if text(r, "start") == "" {
		r["start"] = p.Addr().Next().Next().String()
	}
	if text(r, "end") == "" {
		r["end"] = broadcast(p).String()
	}
	if o, ok := meta.Map(dhcp, "options"); ok {
		if optionsSayNothing(o) {
			// upstream stops here for this subnet: static MACs keep their form
			delete(dhcp, "options")
			return
		}
		if num(o, "interfaceMTU") == 0 {
			o["interfaceMTU"] = int64(9036)
		}
		if num(o, "leaseTimeSeconds") == 0 {
			o["leaseTimeSeconds"] = int64(3600)
		}
		for _, field := range []string{"dnsServers", "timeServers"} {
			if o[field] == nil {
				o[field] = []any{}
			}
			l, _ := o[field].([]any)
			sortStrings(l)
		}
		if routes, ok := o["advertisedRoutes"].([]any); ok {
			slices.SortStableFunc(routes, func(a, b any) int {
				ra, rb := asObject(a), asObject(b)
				if c := strings.Compare(text(ra, "destination"), text(rb, "destination")); c != 0 {
					return c
				}
				return strings.Compare(text(ra, "gateway"), text(rb, "gateway"))
			})
		}
	}
	static, _ := meta.Map(dhcp, "static")
	for mac, lease := range static {
		if hw, err := net.ParseMAC(mac); err == nil && hw.String() != mac {
			delete(static, mac)
			static[hw.String()] = lease
		}
	}
}

// optionsSayNothing is upstream's test for DHCP options that set nothing
// (an empty list written out sets something).
func optionsSayNothing(o map[string]any) bool {
	return text(o, "pxeURL") == "" && o["dnsServers"] == nil && o["timeServers"] == nil && num(o, "interfaceMTU") == 0 &&
		num(o, "leaseTimeSeconds") == 0 && !meta.Bool(o, "disableDefaultRoute") && o["advertisedRoutes"] == nil
}

func asObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// vpcPrefixes are the prefixes a VPC takes in its IPv4 namespace: its
// subnets and their host BGP extra prefixes, subnets in name order.
func vpcPrefixes(spec map[string]any) []netip.Prefix {
	subnets, _ := meta.Map(spec, "subnets")
	var out []netip.Prefix
	for _, name := range meta.SortedKeys(subnets) {
		subnet := asObject(subnets[name])
		if meta.Bool(subnet, "hostBGP") {
			extra, _ := meta.Map(subnet, "hostBGPExtraPrefixes")
			for _, key := range meta.SortedKeys(extra) {
				if p, err := netip.ParsePrefix(key); err == nil {
					out = append(out, p)
				}
			}
		}
		if p, err := netip.ParsePrefix(text(subnet, "subnet")); err == nil {
			out = append(out, p)
		}
	}
	return out
}
