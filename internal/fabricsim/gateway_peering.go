// The stand-in's GatewayPeering webhook: defaults and the rules that need
// only the object (longer than most files: sides, expose blocks, NAT, ports
// and the ACL, in upstream's order and words). The rules that read the
// cluster are in gateway_peering_cluster.go.

package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
)

// peeringLabel is the label upstream keeps on a peering for each side.
const peeringLabel = "vpc.gateway.githedgehog.com/"

var gatewayPeeringBehaviour = Behaviour{
	Kind: gateway.GatewayPeering,
	Defaulting: func(spec map[string]any) {
		var p peeringSpec
		if decodeSpec(spec, &p) != nil {
			return
		}
		p.defaults()
		encodeSpec(&p, spec)
	},
	Labels: func(spec map[string]any) map[string]string {
		sides, _ := meta.Map(spec, "peering")
		if len(sides) != 2 {
			return nil
		}
		out := map[string]string{}
		for side := range sides {
			out[peeringLabel+side] = "true"
		}
		return out
	},
	Cross: func(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
		return Bare(admitPeering(ctx, s, u))
	},
}

func (p *peeringSpec) defaults() {
	if len(p.Peering) != 2 {
		return
	}
	for _, entry := range p.Peering {
		if entry == nil {
			continue
		}
		for _, e := range entry.Expose {
			if e.NAT == nil {
				continue
			}
			if m := e.NAT.Masquerade; m != nil && m.IdleTimeout.Duration == 0 {
				m.IdleTimeout.Duration = 2 * time.Minute
			}
			if pf := e.NAT.PortForward; pf != nil && pf.IdleTimeout.Duration == 0 {
				pf.IdleTimeout.Duration = 2 * time.Minute
			}
		}
	}
	if p.GatewayGroup == "" {
		p.GatewayGroup = "default"
	}
	if p.ACL != nil {
		if p.ACL.Default == "" {
			p.ACL.Default = "deny-unless-exposed"
		}
		for i := range p.ACL.Rules {
			if p.ACL.Rules[i].Scope == "" {
				p.ACL.Rules[i].Scope = "flow"
			}
		}
	}
}

func admitPeering(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	if !s.Fabric.GatewayEnabled {
		return errors.New("gateway support is not enabled")
	}
	var p peeringSpec
	if err := decodeSpec(Spec(u), &p); err != nil {
		return err
	}
	if err := p.validate(u.GetName()); err != nil {
		return err
	}
	return p.inCluster(ctx, s, u.GetName())
}

// validate is upstream's GatewayPeering.Validate without a cluster. Where
// upstream iterates a map, the sides go in name order.
func (p *peeringSpec) validate(name string) error {
	if p.GatewayGroup == "" {
		return fmt.Errorf("gateway group must be specified %s", name)
	}
	if len(p.Peering) != 2 {
		return fmt.Errorf("peering must have exactly 2 VPCs, got %d", len(p.Peering))
	}
	sides := slices.Sorted(maps.Keys(p.Peering))
	stateful, static := map[string]bool{}, map[string]bool{}
	for _, side := range sides {
		if p.Peering[side] == nil {
			continue
		}
		for _, e := range p.Peering[side].Expose {
			if err := e.validate(side); err != nil {
				return err
			}
			if e.NAT != nil {
				static[side] = static[side] || e.NAT.Static != nil
				stateful[side] = stateful[side] || e.NAT.Masquerade != nil || e.NAT.PortForward != nil
			}
		}
	}
	a, b := sides[0], sides[1]
	if stateful[a] && stateful[b] {
		return errors.New("unsupported configuration, only one side of a peering can use stateful NAT (i.e. masquerade or portForward)")
	}
	if static[a] && stateful[b] || static[b] && stateful[a] {
		return errors.New("unsupported configuration, one side of a peering using static NAT cannot peer with a side using stateful NAT")
	}
	if p.ACL != nil {
		return p.ACL.validate(sides)
	}
	return nil
}

func (e peeringExpose) validate(side string) error {
	if e.Default && (len(e.IPs) > 0 || len(e.As) > 0 || e.NAT != nil) {
		return fmt.Errorf("default flag should be the only thing set in expose of VPC %s", side)
	}
	if len(e.IPs) == 0 && !e.Default {
		return fmt.Errorf("at least one IP block must be specified in peering expose of VPC %s", side)
	}
	for _, ip := range e.IPs {
		n := 0
		for _, c := range []struct{ kind, value string }{{"CIDR", ip.CIDR}, {"Not CIDR", ip.Not}} {
			if c.value == "" {
				continue
			}
			if _, err := netip.ParsePrefix(c.value); err != nil {
				return fmt.Errorf("invalid %s %s in peering expose IPs of VPC %s: %w", c.kind, c.value, side, err)
			}
			n++
		}
		if ip.VPCSubnet != "" {
			if ext, ok := strings.CutPrefix(side, "ext."); ok {
				return fmt.Errorf("external %s cannot have an IP block with VPC Subnets specified", ext)
			}
			n++
		}
		if n != 1 {
			return fmt.Errorf("exactly one of cidr, not or vpcSubnet must be set in peering expose IPs of VPC %s", side)
		}
	}
	for _, as := range e.As {
		n := 0
		for _, c := range []struct{ kind, value string }{{"CIDR", as.CIDR}, {"Not CIDR", as.Not}} {
			if c.value == "" {
				continue
			}
			if _, err := netip.ParsePrefix(c.value); err != nil {
				return fmt.Errorf("invalid %s %s in peering expose AS of VPC %s: %w", c.kind, c.value, side, err)
			}
			n++
		}
		if n != 1 {
			return fmt.Errorf("exactly one of cidr or not must be set in peering expose AS of VPC %s", side)
		}
	}
	if (len(e.As) == 0) != (e.NAT == nil) {
		return fmt.Errorf("expose.As and expose.NAT must both be set or both be empty in peering expose of VPC %s", side)
	}
	if e.NAT == nil {
		return nil
	}
	modes := 0
	for _, set := range []bool{e.NAT.Static != nil, e.NAT.Masquerade != nil, e.NAT.PortForward != nil} {
		if set {
			modes++
		}
	}
	if modes != 1 {
		return fmt.Errorf("exactly one of masquerade, static, or portForward must be set in NAT section for peering expose of VPC %s", side)
	}
	pf := e.NAT.PortForward
	if pf == nil {
		return nil
	}
	if len(pf.Ports) == 0 {
		return fmt.Errorf("at least one port forwarding rule must be set in NAT section for peering expose of VPC %s", side)
	}
	for i, port := range pf.Ports {
		if err := portOrRange(port.Port); err != nil {
			return fmt.Errorf("invalid port %q in port forwarding rule %d in NAT section for peering expose of VPC %s: %w", port.Port, i, side, err)
		}
		if err := portOrRange(port.As); err != nil {
			return fmt.Errorf("invalid as %q in port forwarding rule %d in NAT section for peering expose of VPC %s: %w", port.As, i, side, err)
		}
		if port.Proto != "" && port.Proto != "tcp" && port.Proto != "udp" {
			return fmt.Errorf("invalid protocol %q in port forwarding rule %d in NAT section for peering expose of VPC %s", port.Proto, i, side)
		}
	}
	return nil
}

var aclRuleName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

func (acl *peeringACL) validate(sides []string) error {
	if acl.Default != "deny" && acl.Default != "deny-unless-exposed" {
		return fmt.Errorf("invalid default action %q in ACL", acl.Default)
	}
	for i, r := range acl.Rules {
		named := ""
		if r.Name != "" {
			if !aclRuleName.MatchString(r.Name) {
				return fmt.Errorf("invalid rule name %q in ACL rule %d", r.Name, i)
			}
			if len(r.Name) > 64 {
				return fmt.Errorf("rule name %q in ACL rule %d is too long, must be 64 characters or less", r.Name, i)
			}
			named = " (" + r.Name + ")"
		}
		if r.Action != "allow" && r.Action != "deny" {
			return fmt.Errorf("invalid action %q in ACL rule %d%s", r.Action, i, named)
		}
		if r.From == "" && r.To == "" {
			return fmt.Errorf("at least one of from and to must be specified in ACL rule %d%s", i, named)
		}
		if r.From != "" && !slices.Contains(sides, r.From) {
			return fmt.Errorf("invalid from %q in ACL rule %d%s, it has to match one of the two VPCs of the peering: %q", r.From, i, named, sides)
		}
		if r.To != "" && !slices.Contains(sides, r.To) {
			return fmt.Errorf("invalid to %q in ACL rule %d%s, it has to match one of the two VPCs of the peering: %q", r.To, i, named, sides)
		}
		for _, dir := range []struct {
			what      string
			endpoints []aclEndpoint
		}{{"source", r.Match.Src}, {"destination", r.Match.Dst}} {
			for _, e := range dir.endpoints {
				if e.CIDR != "" && e.VPCSubnet != "" {
					return fmt.Errorf("at most one of cidr and vpcSubnet can be specified in %s match for rule %d%s", dir.what, i, named)
				}
				if e.CIDR != "" {
					if _, err := netip.ParsePrefix(e.CIDR); err != nil {
						return fmt.Errorf("invalid %s CIDR %q in ACL rule %d%s: %w", dir.what, e.CIDR, i, named, err)
					}
				}
				for _, port := range e.Ports {
					if err := portOrRange(port); err != nil {
						return fmt.Errorf("invalid %s port %q in ACL rule %d%s: %w", dir.what, port, i, named, err)
					}
				}
			}
		}
		if proto := r.Match.Proto; proto != "tcp" && proto != "udp" && proto != "" {
			if _, err := strconv.Atoi(proto); err != nil {
				return fmt.Errorf("invalid protocol %q in ACL rule %d%s: %w", proto, i, named, err)
			}
		}
		if r.Scope != "" && r.Scope != "flow" && r.Scope != "packet" {
			// the CRD's enum: the API server refuses it before the webhook
			return fmt.Errorf("spec.acl.rules[%d].scope: Unsupported value: %q: supported values: \"flow\", \"packet\", \"\"", i, r.Scope)
		}
	}
	return nil
}

// portOrRange is upstream's rule for a port "N" or a range "N-M".
func portOrRange(in string) error {
	switch {
	case strings.TrimSpace(in) != in:
		return fmt.Errorf("invalid port %q: should not contain leading or trailing whitespace", in)
	case strings.Contains(in, ","):
		return fmt.Errorf("invalid port %q: should be a single port or range", in)
	case in == "":
		return errors.New("port entry should not be empty")
	case !strings.Contains(in, "-"):
		port, err := strconv.Atoi(in)
		if err != nil {
			return fmt.Errorf("invalid port %q: %w", in, err)
		}
		if port < 1 || port > 65535 {
			return fmt.Errorf("invalid port %d: port should be between 1 and 65535", port)
		}
		return nil
	}
	parts := strings.Split(in, "-")
	if len(parts) != 2 {
		return fmt.Errorf("invalid port range %s: should be in format start-end", in)
	}
	lo, hi := strings.TrimSpace(parts[0]), strings.TrimSpace(parts[1])
	if lo == "" || hi == "" {
		return fmt.Errorf("invalid port range %s: both start and end should not be empty", in)
	}
	var ends [2]int
	for i, v := range []string{lo, hi} {
		which := []string{"start", "end"}[i]
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("invalid %s port %s: %w", which, v, err)
		}
		if n < 1 || n > 65535 {
			return fmt.Errorf("invalid %s port %d: port should be between 1 and 65535", which, n)
		}
		ends[i] = n
	}
	if ends[0] > ends[1] {
		return fmt.Errorf("invalid port range %s: start port %d is greater than end port %d", in, ends[0], ends[1])
	}
	return nil
}
