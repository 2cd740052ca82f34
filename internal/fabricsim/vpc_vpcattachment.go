package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

var vpcAttachmentBehaviour = Behaviour{
	Kind:    vpc.VPCAttachment,
	Default: declaredDefault(vpc.VPCAttachment), Validate: declaredValidate(vpc.VPCAttachment),
	Prefix: "failed to validate vpc attachment",
	Labels: func(spec map[string]any) map[string]string {
		subnet, _ := meta.Str(spec, "subnet")
		vpcName, subnetName := vpc.SubnetRef(subnet)
		conn, _ := meta.Str(spec, "connection")
		out := map[string]string{vpc.LabelVPC: vpcName, vpc.LabelSubnet: subnetName, vpc.LabelConnection: conn}
		if meta.Bool(spec, "nativeVLAN") {
			out[vpc.LabelNativeVLAN] = "true"
		}
		return out
	},
	Cross: vpcAttachmentCross,
}

// vpcAttachmentCross is what upstream checks with the other objects: the
// VPC and its subnet, the connection (its type, its switches, their VLAN
// namespaces and profiles' features), and that the connection takes the
// subnet once and one native VLAN.
func vpcAttachmentCross(ctx context.Context, s *Store, u *unstructured.Unstructured) error {
	spec := Spec(u)
	subnetRef, _ := meta.Str(spec, "subnet")
	vpcName, subnetName, _ := strings.Cut(subnetRef, "/") // the stored form has the slash
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
	connName, _ := meta.Str(spec, "connection")
	conn, err := s.Get(ctx, wiring.Connection, connName)
	if err != nil {
		return err
	}
	if conn == nil {
		return fmt.Errorf("connection %s not found", connName)
	}
	cspec := Spec(conn)
	mode, _ := meta.Str(vspec, "mode")
	if cspec["eslag"] != nil && mode != "" {
		return fmt.Errorf("vpc mode %s is not supported for ESLAG connections", mode)
	}
	if meta.Bool(subnet, "hostBGP") {
		if cspec["unbundled"] == nil {
			return errors.New("only unbundled links can be used to attach to a hostBGP subnet")
		}
		if meta.Bool(spec, "nativeVLAN") {
			return errors.New("native VLAN is not supported for hostBGP subnets, use vlan=0 in the VPC subnet spec instead")
		}
	}
	if cspec["unbundled"] == nil && cspec["bundled"] == nil && cspec["eslag"] == nil {
		return errors.New("vpc can be attached only to Unbundled, Bundled or ESLAG connections")
	}
	e := wiring.ConnectionEndpoints(cspec)
	if e.Err != nil {
		return fmt.Errorf("failed to get endpoints for connection %s: %w", connName, e.Err)
	}
	if len(e.Switches) == 0 {
		return fmt.Errorf("connection %s has no switch endpoints", connName)
	}
	vlanNS, _ := meta.Str(vspec, "vlanNamespace")
	for _, name := range e.Switches {
		if err := attachableSwitch(ctx, s, name, vlanNS, mode); err != nil {
			return err
		}
	}
	others, err := s.ListByLabel(ctx, vpc.VPCAttachment.Kind, vpc.LabelConnection, connName)
	if err != nil {
		return err
	}
	for _, other := range others {
		ospec := Spec(&other)
		if other.GetName() == u.GetName() {
			continue
		}
		if theirs, _ := meta.Str(ospec, "subnet"); theirs == subnetRef {
			return fmt.Errorf("connection %s already attached to vpc subnet %s", connName, subnetRef)
		}
		if meta.Bool(spec, "nativeVLAN") && meta.Bool(ospec, "nativeVLAN") {
			return fmt.Errorf("connection %s already attached with native VLAN", connName)
		}
	}
	return nil
}

// attachableSwitch checks that a switch of the connection exists, uses the
// VPC's VLAN namespace and that its profile supports the VPC's mode.
func attachableSwitch(ctx context.Context, s *Store, name, vlanNS, mode string) error {
	sw, err := s.Get(ctx, wiring.Switch, name)
	if err != nil {
		return err
	}
	if sw == nil {
		return fmt.Errorf("switch %s used in connection not found", name)
	}
	swSpec := Spec(sw)
	namespaces, _ := meta.List(swSpec, "vlanNamespaces")
	if !slices.Contains(meta.Strings(namespaces), vlanNS) {
		return fmt.Errorf("switch %s used in connection doesn't have vlan namespace %s", name, vlanNS)
	}
	profileName, _ := meta.Str(swSpec, "profile")
	profile, err := s.Get(ctx, wiring.SwitchProfile, profileName)
	if err != nil {
		return err
	}
	if profile == nil {
		return fmt.Errorf("switch profile %s used in switch %s not found", profileName, name)
	}
	features, _ := meta.Map(Spec(profile), "features")
	l2, l3 := meta.Bool(features, "l2vni"), meta.Bool(features, "l3vni")
	if (mode == "" && (!l2 || !l3)) || (mode != "" && !l3) {
		return fmt.Errorf("vpc mode %s is not supported on switch profile %s", mode, profileName)
	}
	return nil
}
