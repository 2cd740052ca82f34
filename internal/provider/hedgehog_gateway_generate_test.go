package provider_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// TestAccGenerate_gatewayPeerings adopts a fabric with gateway peerings:
// loaded with kubectl into a cluster of its own (the gateway enabled),
// `generate` writes import blocks and resources that refer to the VPCs,
// the External (ext.<name>) and the groups, and the plan shows the imports
// and no change, although the API stored 5m as 5m0s and sorted the
// gateway's groups; applied, the next plan is empty.
func TestAccGenerate_gatewayPeerings(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	cluster := acctest.StartOwnCluster(t, true)
	loaded := loadServed(t, cluster.Kubeconfig, filepath.Join(acctest.Root, "internal", "provider", "testdata", "gateway-fabric.yaml"))
	work := t.TempDir()
	out := filepath.Join(work, "fabric.tf")
	gen := exec.Command(acctest.ProviderBinary(t), "generate", "-kubeconfig", cluster.Kubeconfig, "-out", out)
	if msg, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generate: %v\n%s", err, msg)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	config := strings.Join(strings.Fields(string(raw)), " ")
	for _, want := range []string{
		`(hedgehog_vpc.vpc-01.name) = {`,
		`"ext.${hedgehog_external.internet.name}" = { expose = [{ default = true }] }`,
		`idle_timeout = "5m0s"`,
		`gateway_group = hedgehog_gateway_group.edge.name`,
		`from = hedgehog_vpc.vpc-01.name`,
	} {
		if !strings.Contains(config, want) {
			t.Errorf("the configuration lacks %s:\n%s", want, raw)
		}
	}
	provider := acctest.Terraform + "\nprovider \"hedgehog\" {\n  config_path = \"" + cluster.Kubeconfig + "\"\n}\n"
	if err := os.WriteFile(filepath.Join(work, "provider.tf"), []byte(provider), 0o600); err != nil {
		t.Fatal(err)
	}
	importsOnly(t, work, loaded)
}
