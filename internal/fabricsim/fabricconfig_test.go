package fabricsim

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// A fabric configuration file is read over the virtual lab's, under
// upstream's field names; what it leaves out keeps the lab's value, and the
// lab's own configuration is left as it is.
func TestLoadFabricConfig(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(path, []byte("reservedSubnets: [10.99.0.0/16]\nvpcIRBVLANRange: [{from: 3000, to: 3099}]\n"+
		"vpcPeeringDisabled: true\nenableGateway: true\nleafASNEnd: 65200\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := LoadFabricConfig(path)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.ReservedSubnets, []string{"10.99.0.0/16"}) || !slices.Equal(f.VPCIRBVLANs, []VLANRange{{3000, 3099}}) ||
		!f.VPCPeeringDisabled || !f.GatewayEnabled || f.LeafASNEnd != 65200 {
		t.Errorf("read %+v", f)
	}
	if f.SpineASN != 65100 || f.FabricSubnet != "172.30.128.0/17" || f.ControlVIP != "172.30.0.1/32" {
		t.Errorf("the lab's values were lost: %+v", f)
	}
	if DefaultFabricConfig.ReservedSubnets[0] != "172.28.0.0/16" || DefaultFabricConfig.VPCIRBVLANs[0].To != 3899 {
		t.Errorf("reading a file changed the lab's configuration: %+v", DefaultFabricConfig)
	}
	for _, c := range []struct{ text, want string }{
		{"reservedSubnets: [nope]\n", "reservedSubnets: invalid subnet nope"},
		{"vpcPeeringDisable: true\n", "unknown field"},
	} {
		if err := os.WriteFile(path, []byte(c.text), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadFabricConfig(path); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want an error with %q", c.text, err, c.want)
		}
	}
}
