package provider_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// TestAccGenerate_sampleFabric brings a running fabric under Terraform in
// one command: the sample virtual-lab fabric is loaded with kubectl into a
// cluster of its own, `terraform-provider-hedgehog generate` writes import
// blocks and resources for it, and the plan shows the imports and no change;
// applied, the next plan is empty.
func TestAccGenerate_sampleFabric(t *testing.T) {
	cluster := acctest.StartOwnCluster(t, true)
	fixture := filepath.Join(acctest.Root, "internal", "generate", "testdata", "vlab-fabric.yaml")
	loaded := loadServed(t, cluster.Kubeconfig, fixture)

	work := t.TempDir()
	gen := exec.Command(acctest.ProviderBinary(t), "generate", "-kubeconfig", cluster.Kubeconfig, "-out",
		filepath.Join(work, "fabric.tf"))
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("generate: %v\n%s", err, out)
	}
	provider := acctest.Terraform + "\nprovider \"hedgehog\" {\n  config_path = \"" + cluster.Kubeconfig + "\"\n}\n"
	if err := os.WriteFile(filepath.Join(work, "provider.tf"), []byte(provider), 0o600); err != nil {
		t.Fatal(err)
	}
	importsOnly(t, work, loaded)
}

// importsOnly runs init and plan in work, where import blocks name existing
// objects: the plan must import want resources and change none of them;
// applied, the next plan is empty.
func importsOnly(t *testing.T, work string, want int) {
	t.Helper()
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
	if len(plan.ResourceChanges) != want {
		t.Fatalf("the plan has %d resources, the cluster %d objects", len(plan.ResourceChanges), want)
	}
	for _, rc := range plan.ResourceChanges {
		if strings.Join(rc.Change.Actions, ",") != "no-op" || len(rc.Change.Importing) == 0 {
			t.Errorf("%s: actions %v, importing %s: want an import and no change", rc.Address, rc.Change.Actions, rc.Change.Importing)
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

// loadServed applies with kubectl the documents of a YAML file whose kinds
// the provider declares, and returns how many it applied.
// Every kind of the fixture must be declared: only read-only kinds (whose
// objects the controller owns) are left out.
func loadServed(t *testing.T, kubeconfig, file string) int {
	t.Helper()
	readOnly := map[string]bool{}
	for _, k := range hedgehog.Kinds() {
		if k.ReadOnly {
			readOnly[k.Kind] = true
		}
	}
	n, skipped := loadKinds(t, kubeconfig, file, hedgehog.Kinds()...)
	for _, kind := range skipped {
		if !readOnly[kind] {
			t.Fatalf("the fixture holds %s objects, a kind the provider does not declare", kind)
		}
	}
	return n
}

// loadKinds applies with kubectl the documents of a YAML file of the given
// kinds (read-only kinds left out), and returns how many it applied and the
// kinds of the documents it left out.
func loadKinds(t *testing.T, kubeconfig, file string, ks ...*kinds.Kind) (int, []string) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	served := map[string]bool{}
	for _, k := range ks {
		if !k.ReadOnly {
			served[k.APIVersion(nil)+"/"+k.Kind] = true
		}
	}
	var keep []string
	var skipped []string
	for _, doc := range strings.Split(string(raw), "\n---\n") {
		var head struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
			t.Fatal(err)
		}
		if served[head.APIVersion+"/"+head.Kind] {
			keep = append(keep, doc)
		} else {
			skipped = append(skipped, head.Kind)
		}
	}
	path := filepath.Join(t.TempDir(), "served.yaml")
	if err := os.WriteFile(path, []byte(strings.Join(keep, "\n---\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	kubectlApply(t, kubeconfig, path)
	return len(keep), skipped
}

// kubectlApply applies a YAML file with kubectl, as users do.
func kubectlApply(t *testing.T, kubeconfig, path string) {
	t.Helper()
	kubectl := exec.Command(filepath.Join(acctest.Root, ".tools", "bin", "kubectl"), "--kubeconfig", kubeconfig, "apply", "-f", path)
	if out, err := kubectl.CombinedOutput(); err != nil {
		t.Fatalf("kubectl apply -f %s: %v\n%s", path, err, out)
	}
}
