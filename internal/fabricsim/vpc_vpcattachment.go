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
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// p2pLinkAnnotation carries an attachment's point-to-point link subnet.
const p2pLinkAnnotation = "fabric.githedgehog.com/p2p-link"

var vpcAttachmentBehaviour = Behaviour{
	Kind: vpc.VPCAttachment,
	// A bare "<vpc>" names the VPC's subnet "default".
	Defaulting: func(spec map[string]any) {
		parts := strings.SplitN(text(spec, "subnet"), "/", 2)
		if parts[0] != "" && len(parts) == 1 {
			spec["subnet"] = parts[0] + "/default"
		}
	},
	Validate: func(_ FabricConfig, _ string, spec map[string]any) error {
		subnet := text(spec, "subnet")
		parts := strings.SplitN(subnet, "/", 2)
		switch {
		case subnet == "":
			return errors.New("subnet is required")
		case parts[0] == "":
			return errors.New("subnet should be in <vpc>/<subnet> format, vpc is missing")
		case len(parts) == 1:
			return errors.New("subnet should be in <vpc>/<subnet> format, subnet is missing")
		case text(spec, "connection") == "":
			return errors.New("connection is required")
		}
		return nil
	},
	Prefix: "failed to validate vpc attachment",
	// Upstream leaves the labels alone while the subnet names no VPC; an
	// empty subnet name is the subnet "default".
	Labels: func(spec map[string]any) map[string]string {
		vpcName, subnet, _ := strings.Cut(text(spec, "subnet"), "/")
		if vpcName == "" {
			return nil
		}
		if subnet == "" {
			subnet = "default"
		}
		out := map[string]string{vpc.LabelVPC: vpcName, vpc.LabelSubnet: subnet, vpc.LabelConnection: text(spec, "connection")}
		if meta.Bool(spec, "nativeVLAN") {
			out[vpc.LabelNativeVLAN] = "true"
		}
		return out
	},
	Cross: vpcAttachmentCross,
}

// vpcAttachmentCross is upstream's attachment validation with the cluster:
// the VPC and its subnet, the connection (its type, its switches, their VLAN
// namespaces and profiles' features), and that the connection takes the
// subnet once and one native VLAN.
func vpcAttachmentCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	if p2p, ok := u.GetAnnotations()[p2pLinkAnnotation]; ok {
		p, err := netip.ParsePrefix(p2p)
		switch {
		case p2p == "":
			return errors.New("empty p2p link annotation subnet")
		case err != nil:
			return fmt.Errorf("p2p link annotation subnet should be a valid prefix, got: %q: %w", p2p, err)
		case !p.Addr().Is4() || p.Bits() != 31:
			return fmt.Errorf("p2p link annotation subnet must be a valid IPv4 /31 prefix, got: %q", p2p)
		}
	}
	spec := Spec(u)
	subnetRef := text(spec, "subnet")
	vpcName, subnetName, _ := strings.Cut(subnetRef, "/")
	v, err := s.Get(ctx, vpc.VPC, vpcName)
	if err != nil {
		return err
	}
	if v == nil {
		return fmt.Errorf("vpc %s not found", vpcName)
	}
	vspec := Spec(v)
	subnet, ok := meta.Map(vspec, "subnets", subnetName)
	if !ok {
		return fmt.Errorf("subnet %s not found in vpc %s", subnetName, vpcName)
	}
	connName := text(spec, "connection")
	conn, err := s.Get(ctx, wiring.Connection, connName)
	if err != nil {
		return err
	}
	if conn == nil {
		return fmt.Errorf("connection %s not found", connName)
	}
	cspec := Spec(conn)
	mode := text(vspec, "mode")
	hostBGP, native := meta.Bool(subnet, "hostBGP"), meta.Bool(spec, "nativeVLAN")
	switch {
	case present(cspec, "eslag") && mode != "":
		return fmt.Errorf("vpc mode %s is not supported for ESLAG connections", mode)
	case hostBGP && !present(cspec, "unbundled"):
		return errors.New("only unbundled links can be used to attach to a hostBGP subnet")
	case hostBGP && native:
		return errors.New("native VLAN is not supported for hostBGP subnets, use vlan=0 in the VPC subnet spec instead")
	case !present(cspec, "unbundled") && !present(cspec, "bundled") && !present(cspec, "eslag"):
		return errors.New("vpc can be attached only to Unbundled, Bundled or ESLAG connections")
	}
	member, _ := connectionType(cspec)
	e, err := endpointsOf(cspec, member)
	if err != nil {
		return fmt.Errorf("failed to get endpoints for connection %s: %w", connName, err)
	}
	if len(e.switches) == 0 {
		return fmt.Errorf("connection %s has no switch endpoints", connName)
	}
	for _, name := range e.switches {
		if err := attachableSwitch(ctx, s, name, text(vspec, "vlanNamespace"), mode, hostBGP); err != nil {
			return err
		}
	}
	others, err := s.ListByLabel(ctx, vpc.VPCAttachment.Kind, vpc.LabelConnection, connName)
	if err != nil {
		return err
	}
	for _, other := range byName(others) {
		ospec := Spec(&other)
		if other.GetName() == u.GetName() || text(ospec, "connection") != connName {
			continue
		}
		if text(ospec, "subnet") == subnetRef {
			return fmt.Errorf("connection %s already attached to vpc subnet %s", connName, subnetRef)
		}
		if native && meta.Bool(ospec, "nativeVLAN") {
			return fmt.Errorf("connection %s already attached with native VLAN", connName)
		}
	}
	return nil
}

// attachableSwitch checks that a switch of the connection exists, uses the
// VPC's VLAN namespace, and that its profile supports the VPC's mode.
func attachableSwitch(ctx context.Context, s *Store, name, vlanNS, mode string, hostBGP bool) error {
	sw, err := s.Get(ctx, wiring.Switch, name)
	if err != nil {
		return err
	}
	if sw == nil {
		return fmt.Errorf("switch %s used in connection not found", name)
	}
	spec := Spec(sw)
	if !slices.Contains(strs(spec, "vlanNamespaces"), vlanNS) {
		return fmt.Errorf("switch %s used in connection doesn't have vlan namespace %s", name, vlanNS)
	}
	profileName := text(spec, "profile")
	profile, err := s.Get(ctx, wiring.SwitchProfile, profileName)
	if err != nil {
		return err
	}
	if profile == nil {
		return fmt.Errorf("switch profile %s used in switch %s not found", profileName, name)
	}
	features := obj(Spec(profile), "features")
	l2, l3 := meta.Bool(features, "l2vni"), meta.Bool(features, "l3vni")
	if (mode == "" && (!l2 || !l3)) || ((mode == "l3vni" || mode == "l3flat") && !l3) {
		return fmt.Errorf("vpc mode %s is not supported on switch profile %s", mode, profileName)
	}
	if hostBGP && text(spec, "redundancy", "group") != "" && text(spec, "redundancy", "type") == "mclag" {
		return fmt.Errorf("cannot attach hostBGP subnet to switch %s which is an MCLAG peer", name)
	}
	return nil
}
