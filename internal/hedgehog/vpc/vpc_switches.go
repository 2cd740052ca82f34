package vpc

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// VPCSwitches names the switches whose Agents carry a VPC, as Hedgehog's
// controller decides: those it is attached through, those of the subnets
// that use it as their DHCP relay, those of the VPCs it is peered with, and
// those of the Externals it is peered with.
func VPCSwitches(ctx context.Context, l kinds.Lookup, name string) ([]string, error) {
	out, err := AttachedSwitches(ctx, l, name)
	if err != nil {
		return nil, err
	}
	relayed, err := relaySwitches(ctx, l, name)
	if err != nil {
		return nil, err
	}
	out = append(out, relayed...)
	peerings, err := l.List(ctx, VPCPeering)
	if err != nil {
		return nil, err
	}
	for _, p := range peerings {
		spec, _ := p.Object["spec"].(map[string]any)
		pair := PeeredVPCs(spec)
		if len(pair) != 2 || (pair[0] != name && pair[1] != name) {
			continue
		}
		for _, other := range pair {
			if other != name {
				switches, err := AttachedSwitches(ctx, l, other)
				if err != nil {
					return nil, err
				}
				out = append(out, switches...)
			}
		}
	}
	extPeerings, err := l.List(ctx, ExternalPeering)
	if err != nil {
		return nil, err
	}
	for _, p := range extPeerings {
		spec, _ := p.Object["spec"].(map[string]any)
		if v, _ := meta.Str(spec, "permit", "vpc", "name"); v != name {
			continue
		}
		ext, _ := meta.Str(spec, "permit", "external", "name")
		switches, err := ExternalSwitches(ctx, l, ext)
		if err != nil {
			return nil, err
		}
		out = append(out, switches...)
	}
	return out, nil
}

// relaySwitches names the switches of the attachments of subnets whose DHCP
// relay is the VPC called name.
func relaySwitches(ctx context.Context, l kinds.Lookup, name string) ([]string, error) {
	attachments, err := l.List(ctx, VPCAttachment)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range attachments {
		subnet, _, _ := unstructured.NestedString(a.Object, "spec", "subnet")
		vpcName, subnetName := SubnetRef(subnet)
		if vpcName == name {
			continue
		}
		v, err := l.Get(ctx, VPC, vpcName)
		if err != nil || v == nil {
			continue // gone, or not readable: not a relay this wait can follow
		}
		if relay, _, _ := unstructured.NestedString(v.Object, "spec", "subnets", subnetName, "dhcp", "relayVPC"); relay != name {
			continue
		}
		conn, _, _ := unstructured.NestedString(a.Object, "spec", "connection")
		switches, err := wiring.ConnectionSwitches(ctx, l, conn)
		if err != nil {
			return nil, err
		}
		out = append(out, switches...)
	}
	return out, nil
}
