package provider_test

import (
	"encoding/json"
	"os"
	"os/exec"
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
		wiring.Server, wiring.Connection)
	guide := filepath.Join(acctest.Root, "examples", "guides", "from-yaml")
	kubectl := exec.Command(filepath.Join(acctest.Root, ".tools", "bin", "kubectl"), "--kubeconfig", cluster.Kubeconfig,
		"apply", "-f", filepath.Join(guide, "vpcs.yaml"))
	if out, err := kubectl.CombinedOutput(); err != nil {
		t.Fatalf("kubectl apply of the guide's YAML: %v\n%s", err, out)
	}

	work := acctest.CopyDir(t, guide)
	imports := map[string]string{"hedgehog_vpc.prod": "prod", "hedgehog_vpc.shared": "shared",
		"hedgehog_vpc_attachment.web": "server-07--prod--web", "hedgehog_vpc_peering.prod_shared": "prod--shared"}
	var b strings.Builder
	b.WriteString(acctest.Terraform + "\nprovider \"hedgehog\" {\n  config_path = \"" + cluster.Kubeconfig + "\"\n}\n")
	for to, id := range imports {
		b.WriteString("\nimport {\n  to = " + to + "\n  id = \"" + id + "\"\n}\n")
	}
	if err := os.WriteFile(filepath.Join(work, "imports.tf"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cli := acctest.NewCLI(t)
	cli.MustRun(t, work, "init", "-input=false")
	cli.MustRun(t, work, "plan", "-input=false", "-out=imports.plan")
	var plan struct {
		ResourceChanges []struct {
			Address string `json:"address"`
			Change  struct {
				Actions   []string        `json:"actions"`
				Importing json.RawMessage `json:"importing"`
			} `json:"change"`
		} `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(cli.MustRun(t, work, "show", "-json", "imports.plan")), &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.ResourceChanges) != len(imports) {
		t.Fatalf("the plan has %d resources, want %d", len(plan.ResourceChanges), len(imports))
	}
	for _, rc := range plan.ResourceChanges {
		if strings.Join(rc.Change.Actions, ",") != "no-op" || len(rc.Change.Importing) == 0 {
			t.Errorf("%s: actions %v, importing %s: the YAML and the Terraform differ", rc.Address, rc.Change.Actions, rc.Change.Importing)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	cli.MustRun(t, work, "apply", "-input=false", "imports.plan")
	if out, err := cli.Run(work, "plan", "-input=false", "-detailed-exitcode"); err != nil {
		t.Fatalf("after the import, the plan is not empty: %v\n%s", err, out)
	}
}
