package provider_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// TestAccGuide_fromYAML proves what the guide "From YAML to Terraform" says:
// its YAML, applied with kubectl, and its Terraform are the same objects.
// On a cluster with the sample fabric's wiring, the YAML is applied; the
// Terraform with an import block per resource then plans the imports and
// no change, and once applied, an empty plan.
func TestAccGuide_fromYAML(t *testing.T) {
	cluster := acctest.StartOwnCluster(t, true)
	fixture := filepath.Join(acctest.Root, "internal", "generate", "testdata", "vlab-fabric.yaml")
	_, _ = loadKinds(t, cluster.Kubeconfig, fixture, wiring.VLANNamespace, vpc.IPv4Namespace, wiring.SwitchGroup, wiring.Switch,
		wiring.Server, wiring.Connection, vpc.External)
	guide := filepath.Join(acctest.Root, "examples", "guides", "from-yaml")
	kubectlApply(t, cluster.Kubeconfig, filepath.Join(guide, "vpcs.yaml"))
	kubectlApply(t, cluster.Kubeconfig, filepath.Join(guide, "gateway.yaml"))

	work := acctest.CopyDir(t, guide)
	imports := map[string]string{"hedgehog_vpc.prod": "prod", "hedgehog_vpc.shared": "shared",
		"hedgehog_vpc_attachment.web": "server-07--prod--web", "hedgehog_vpc_peering.prod_shared": "prod--shared",
		"hedgehog_gateway_group.default": "default", "hedgehog_gateway.gw_01": "gw-01",
		"hedgehog_gateway_peering.prod_internet": "prod--internet", "hedgehog_gateway_peering.shared_prod_ssh": "shared--prod-ssh"}
	var b strings.Builder
	b.WriteString(acctest.Terraform + "\nprovider \"hedgehog\" {\n  config_path = \"" + cluster.Kubeconfig + "\"\n}\n")
	for to, id := range imports {
		b.WriteString("\nimport {\n  to = " + to + "\n  id = \"" + id + "\"\n}\n")
	}
	if err := os.WriteFile(filepath.Join(work, "imports.tf"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	importsOnly(t, work, len(imports))
}
