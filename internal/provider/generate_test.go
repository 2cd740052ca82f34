// generate (adoption of a running fabric) end to end: the sample fabric, an
// MCLAG fabric and wiring that creates the fabric in one apply. Each case
// loads objects through the API, generates, imports and applies with the
// real CLI and compares the stored objects (spec, UID, field managers)
// before and after; the helpers at the end do the comparisons.

package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"sigs.k8s.io/yaml"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
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
	stderr := generateInto(t, work, cluster.Kubeconfig, "-kubeconfig", cluster.Kubeconfig)
	if want := fmt.Sprintf("generate: wrote %d resources and %d import blocks", loaded, loaded); !strings.Contains(stderr, want) {
		t.Fatalf("generate should say %q:\n%s", want, stderr)
	}
	importsOnly(t, work, loaded)
}

// TestAccGenerate_mclagFabric adopts a fabric built with MCLAG — an MCLAG
// pair with its session and peer links, servers on it, an ESLAG pair, an
// orphan leaf, a mesh link, an external — with imports only: generate
// writes every object, MCLAG ones with Hedgehog's warning beside them, and
// names what it does not write (the controller's read-only objects); the
// plan imports every object, changes none, and shows Hedgehog's warnings;
// applied, the cluster's objects are unchanged and the next plan is empty.
func TestAccGenerate_mclagFabric(t *testing.T) {
	cluster := acctest.StartOwnCluster(t, true)
	fixture := filepath.Join(acctest.Root, "internal", "generate", "testdata", "mclag-fabric.yaml")
	loaded := loadServed(t, cluster.Kubeconfig, fixture)
	before := specs(t, cluster.Dynamic)
	if len(before) != loaded {
		t.Fatalf("%d objects loaded, %d in the cluster", loaded, len(before))
	}
	if a, b := before["Switch/leaf-01"]["asn"], before["Switch/leaf-02"]["asn"]; a != b {
		t.Fatalf("the MCLAG pair shares its ASN: %v and %v", a, b)
	}
	work := t.TempDir()
	stderr := generateInto(t, work, cluster.Kubeconfig, "-kubeconfig", cluster.Kubeconfig)
	for _, want := range []string{
		fmt.Sprintf("generate: wrote %d resources and %d import blocks", loaded, loaded),
		"generate: Switch leaf-01: Hedgehog accepts it with a warning: spec.redundancy.type: MCLAG is deprecated and no longer supported.",
		"generate: Connection leaf-01--mclag-domain--leaf-02: Hedgehog accepts it with a warning: spec.mclagDomain: MCLAG is deprecated and no longer supported.",
		"generate: Connection server-01--mclag--leaf-01--leaf-02: Hedgehog accepts it with a warning: spec.mclag: MCLAG is deprecated and no longer supported.",
		"SwitchProfile objects (wiring.githedgehog.com/v1beta1) are left out (",
		" vs): read-only: the fabric controller owns them",
		"generate: 7 Agent objects (agent.githedgehog.com/v1beta1) are left out",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("generate should say %q:\n%s", want, stderr)
		}
	}
	if strings.Contains(stderr, "no attribute of") {
		t.Errorf("nothing of this fabric is beyond the declarations:\n%s", stderr)
	}
	plan := strings.Join(strings.Fields(importsOnly(t, work, loaded)), " ") // the CLI wraps lines
	for _, want := range []string{
		"Warning: Connection Accepted With A Warning",
		"Attribute mclag_domain: the API accepts this, with a warning: MCLAG is deprecated and no longer supported.",
		"Warning: Switch Accepted With A Warning",
		"Attribute redundancy.type: the API accepts this, with a warning: MCLAG is deprecated and no longer supported.",
	} {
		if !strings.Contains(plan, want) {
			t.Errorf("the plan should warn %q:\n%s", want, plan)
		}
	}
	after := specs(t, cluster.Dynamic)
	for key, spec := range before {
		if !reflect.DeepEqual(after[key], spec) {
			t.Errorf("%s changed with the imports:\n before %v\n after  %v", key, spec, after[key])
		}
	}
}

// TestAccGenerate_wiringCreatesTheFabric does what a new user does with the
// wiring file of a small lab: `generate -file wiring.yaml -import=false`,
// then one apply, creates the fabric — everything of the file but what the
// installer has made already (the default namespaces, imported as they
// are) — and the next plan is empty.
func TestAccGenerate_wiringCreatesTheFabric(t *testing.T) {
	cluster := acctest.StartOwnCluster(t, true)
	fixture := filepath.Join(acctest.Root, "internal", "generate", "testdata", "lab-wiring.yaml")
	installed := specs(t, cluster.Dynamic)
	if len(installed) != 2 || installed["VLANNamespace/default"] == nil || installed["IPv4Namespace/default"] == nil {
		t.Fatalf("the installer's objects: %v", installed)
	}
	for key, u := range hedgehogObjects(t, cluster.Dynamic) {
		if managers := u.GetManagedFields(); len(managers) == 0 || managers[0].Manager != fabricsim.InstallerFieldManager {
			t.Fatalf("%s was not made by the installer: %v", key, managers)
		}
	}
	uids := uidsOf(t, cluster.Dynamic)
	work := t.TempDir()
	stderr := generateInto(t, work, cluster.Kubeconfig, "-file", fixture, "-import=false")
	if want := "generate: wrote 20 resources and 2 import blocks"; !strings.Contains(stderr, want) {
		t.Fatalf("generate should say %q:\n%s", want, stderr)
	}
	cli := acctest.NewCLI(t)
	cli.MustRun(t, work, "init", "-input=false")
	cli.MustRun(t, work, "apply", "-input=false", "-auto-approve")

	created := specs(t, cluster.Dynamic)
	if len(created) != 20 {
		t.Fatalf("%d objects in the cluster, the wiring has 20: %v", len(created), slices.Sorted(maps.Keys(created)))
	}
	for key, uid := range uidsOf(t, cluster.Dynamic) {
		_, wasInstalled := installed[key]
		switch {
		case wasInstalled && uid != uids[key]:
			t.Errorf("%s was replaced: it is the installer's", key)
		case !wasInstalled && !managed(t, cluster.Dynamic, key):
			t.Errorf("%s was not created by the provider", key)
		}
	}
	if got := created["Switch/leaf-03"]["vlanNamespaces"]; !reflect.DeepEqual(got, []any{"default"}) {
		t.Errorf("leaf-03's VLAN namespaces: %v", got)
	}
	if got := created["VPC/vpc-01"]["ipv4Namespace"]; got != "default" {
		t.Errorf("vpc-01's IPv4 namespace: %v", got)
	}
	if out, err := cli.Run(work, "plan", "-input=false", "-detailed-exitcode"); err != nil {
		t.Fatalf("after the apply, the plan is not empty: %v\n%s", err, out)
	}
}

// generateInto runs the provider binary's generate with args, writing
// fabric.tf, and a provider block for the kubeconfig, into work; it returns
// what generate printed on standard error.
func generateInto(t *testing.T, work, kubeconfig string, args ...string) string {
	t.Helper()
	gen := exec.Command(acctest.ProviderBinary(t), append(append([]string{"generate"}, args...), "-out", filepath.Join(work, "fabric.tf"))...)
	var stderr strings.Builder
	gen.Stderr = &stderr
	if err := gen.Run(); err != nil {
		t.Fatalf("generate: %v\n%s", err, stderr.String())
	}
	if err := os.WriteFile(filepath.Join(work, "provider.tf"), []byte(ownProvider(kubeconfig)), 0o600); err != nil {
		t.Fatal(err)
	}
	return stderr.String()
}

// importsOnly runs init and plan in work, where import blocks name existing
// objects: the plan must import want resources and change none of them;
// applied, the next plan is empty. It returns what the plan printed.
func importsOnly(t *testing.T, work string, want int) string {
	t.Helper()
	cli := acctest.NewCLI(t)
	cli.MustRun(t, work, "init", "-input=false")
	printed := cli.MustRun(t, work, "plan", "-input=false", "-out=imports.plan")
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
	return printed
}

// hedgehogObjects lists the objects of every Hedgehog kind a configuration
// can hold, in the namespace default.
func hedgehogObjects(t *testing.T, dyn dynamic.Interface) map[string]*unstructured.Unstructured {
	t.Helper()
	out := map[string]*unstructured.Unstructured{}
	for _, k := range hedgehog.Kinds() {
		if k.ReadOnly {
			continue
		}
		l, err := dyn.Resource(k.GVR(nil)).Namespace("default").List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range l.Items {
			out[k.Kind+"/"+l.Items[i].GetName()] = &l.Items[i]
		}
	}
	return out
}

// specs are the specs of hedgehogObjects, by kind/name.
func specs(t *testing.T, dyn dynamic.Interface) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for key, u := range hedgehogObjects(t, dyn) {
		spec, _, _ := unstructured.NestedMap(u.Object, "spec")
		if spec == nil {
			spec = map[string]any{}
		}
		out[key] = spec
	}
	return out
}

func uidsOf(t *testing.T, dyn dynamic.Interface) map[string]string {
	t.Helper()
	out := map[string]string{}
	for key, u := range hedgehogObjects(t, dyn) {
		out[key] = string(u.GetUID())
	}
	return out
}

// managed tells whether the provider created an object (its label).
func managed(t *testing.T, dyn dynamic.Interface, key string) bool {
	t.Helper()
	return hedgehogObjects(t, dyn)[key].GetLabels()[kinds.ManagedLabel] == "true"
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
