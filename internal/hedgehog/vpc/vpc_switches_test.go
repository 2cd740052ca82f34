package vpc

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// The switches a VPC's wait follows are those whose Agents carry it: where
// it is attached, where a subnet relays DHCP through it, where its peer VPC
// is attached, and where the External it is peered with is attached. An
// external peering is carried only where its External is attached.
func TestVPCAppliedSwitches(t *testing.T) {
	l := extLookup{
		"Connection/c1":         extObject(t, "c1", "unbundled: {link: {server: {port: s1/enp2s1}, switch: {port: leaf-1/E1/1}}}"),
		"Connection/c2":         extObject(t, "c2", "unbundled: {link: {server: {port: s2/enp2s1}, switch: {port: leaf-2/E1/1}}}"),
		"Connection/c3":         extObject(t, "c3", "unbundled: {link: {server: {port: s3/enp2s1}, switch: {port: leaf-3/E1/1}}}"),
		"Connection/ext":        extObject(t, "ext", "external: {link: {switch: {port: leaf-4/E1/1}}}"),
		"VPC/v1":                extObject(t, "v1", "subnets: {web: {subnet: 10.0.1.0/24, dhcp: {relayVPC: svc}}, db: {subnet: 10.0.2.0/24}}"),
		"VPC/v2":                extObject(t, "v2", "subnets: {default: {subnet: 10.0.3.0/24}}"),
		"VPC/svc":               extObject(t, "svc", "subnets: {default: {subnet: 10.0.4.0/24}}"),
		"VPCAttachment/a1":      extObject(t, "a1", "{subnet: v1/web, connection: c1}"),
		"VPCAttachment/a2":      extObject(t, "a2", "{subnet: v2, connection: c2}"),
		"VPCAttachment/a3":      extObject(t, "a3", "{subnet: v1/db, connection: c3}"),
		"VPCPeering/v1--v2":     extObject(t, "v1--v2", "permit: [{v1: {}, v2: {}}]"),
		"ExternalAttachment/ea": extObject(t, "ea", "{external: isp, connection: ext}"),
		"ExternalPeering/p":     extObject(t, "p", "permit: {vpc: {name: v2}, external: {name: isp}}"),
	}
	ctx := context.Background()
	for vpc, want := range map[string]string{
		"v1":  "[leaf-1 leaf-2 leaf-3]",        // attached on 1 and 3, peered with v2 (2)
		"v2":  "[leaf-1 leaf-2 leaf-3 leaf-4]", // attached on 2, peered with v1 (1, 3), external-peered (4)
		"svc": "[leaf-1]",                      // the relay of v1/web, attached on 1 (not v1/db's 3)
	} {
		got, err := VPC.Applied.Switches(ctx, l, l["VPC/"+vpc])
		if sorted := slices.Compact(slices.Sorted(slices.Values(got))); err != nil || fmt.Sprint(sorted) != want {
			t.Errorf("VPC %s: %v, %v; want %s", vpc, sorted, err, want)
		}
	}
	if got, err := ExternalPeering.Applied.Switches(ctx, l, l["ExternalPeering/p"]); err != nil || fmt.Sprint(got) != "[leaf-4]" {
		t.Errorf("external peering: %v, %v; want the External's switch only", got, err)
	}
}
