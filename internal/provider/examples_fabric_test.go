// The steps of TestAccExamples_apply (longer than most files: each run
// applies, plans, compares the state with the cluster, imports, destroys
// and checks what is left).

package provider_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"sigs.k8s.io/yaml"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// corev1Namespace is where the Fabric examples put their fabrics.
var corev1Namespace = corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "hedgehog-system"}}

// clusterObject is an object of a custom-resource kind, with the UID it had
// when it was recorded.
type clusterObject struct {
	gvr             schema.GroupVersionResource
	namespace, name string
	uid             string
}

func (o clusterObject) String() string {
	return o.gvr.Resource + " " + o.namespace + "/" + o.name
}

// examplesFabric is the cluster of TestAccExamples_apply and the levels of
// the fabric applied so far.
type examplesFabric struct {
	t       *testing.T
	cluster *acctest.OwnCluster
	cli     *acctest.CLI
	level   int
	fixture []clusterObject
}

// byAPI maps apiVersion/kind and hedgehog_<type> to the resource of every
// kind the provider serves.
func byAPI() (map[string]schema.GroupVersionResource, map[string]schema.GroupVersionResource) {
	api := map[string]schema.GroupVersionResource{"wiring.githedgehog.com/v1alpha2/Fabric": acctest.FabricGVR}
	types := map[string]schema.GroupVersionResource{"hedgehog_fabric": acctest.FabricGVR}
	for _, k := range hedgehog.Kinds() {
		api[k.APIVersion(nil)+"/"+k.Kind] = k.GVR(nil)
		types["hedgehog_"+k.TypeName] = k.GVR(nil)
	}
	return api, types
}

func (f *examplesFabric) get(o clusterObject) (string, error) {
	u, err := f.cluster.Dynamic.Resource(o.gvr).Namespace(o.namespace).Get(context.Background(), o.name, metav1.GetOptions{})
	if err != nil {
		return "", err
	}
	return string(u.GetUID()), nil
}

// ensureLevel applies the levels of the fabric up to level, as kubectl
// apply -f of each file, and records their objects.
func (f *examplesFabric) ensureLevel(t *testing.T, level int) {
	t.Helper()
	api, _ := byAPI()
	for ; f.level < level; f.level++ {
		var added []clusterObject
		file := filepath.Join(acctest.Root, "internal", "provider", "testdata", "examples", fabricLevels[f.level])
		if strings.Contains(readFile(t, file), "kind: Fabric\n") {
			f.ensureFabricCRD(t)
		}
		kubectlApply(t, f.cluster.Kubeconfig, file)
		for _, doc := range strings.Split(readFile(t, file), "\n---\n") {
			var head struct {
				APIVersion string            `json:"apiVersion"`
				Kind       string            `json:"kind"`
				Metadata   metav1.ObjectMeta `json:"metadata"`
			}
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				t.Fatal(err)
			}
			o := clusterObject{gvr: api[head.APIVersion+"/"+head.Kind], namespace: head.Metadata.Namespace, name: head.Metadata.Name}
			uid, err := f.get(o)
			if err != nil {
				t.Fatalf("%s of %s: %v", o, fabricLevels[f.level], err)
			}
			o.uid = uid
			f.fixture = append(f.fixture, o)
			added = append(added, o)
		}
		f.settled(t, added)
	}
}

// agentCarried are where an Agent's spec holds objects of the kinds that
// Hedgehog's controller copies to the switches (upstream's layout).
var agentCarried = map[string]string{"connections": "connections", "externals": "externals",
	"vpcattachments": "vpcAttachments", "vpcpeerings": "vpcPeers", "externalattachments": "externalAttachments",
	"externalpeerings": "externalPeerings"}

// settled waits until the switches have applied what a level added, as an
// operator waits after applying a wiring file: every switch has its Agent,
// every carried object is in some Agent's spec (so the controller has seen
// it), and every Agent has applied its generation. The examples then read a
// fabric that is still: a run's outputs are the same at apply and at the
// plan after it.
func (f *examplesFabric) settled(t *testing.T, added []clusterObject) {
	t.Helper()
	gvr := agent.Agent.GVR(nil)
	var waiting string
	err := wait.PollUntilContextTimeout(context.Background(), 200*time.Millisecond, 2*time.Minute, true,
		func(ctx context.Context) (bool, error) {
			l, err := f.cluster.Dynamic.Resource(gvr).Namespace("default").List(ctx, metav1.ListOptions{})
			if err != nil {
				return false, err
			}
			agents := map[string]kinds.AgentState{}
			for i := range l.Items {
				agents[l.Items[i].GetName()] = kinds.ReadAgent(&l.Items[i])
			}
			for _, o := range added {
				if o.gvr.Resource == "switches" {
					if _, ok := agents[o.name]; !ok {
						waiting = "the Agent of switch " + o.name
						return false, nil
					}
				}
				field, carried := agentCarried[o.gvr.Resource]
				if !carried {
					continue
				}
				found := false
				for _, a := range agents {
					objs, _ := a.Spec[field].(map[string]any)
					_, in := objs[o.name]
					found = found || in
				}
				if !found {
					waiting = "an Agent carrying " + o.String()
					return false, nil
				}
			}
			for name, a := range agents {
				if a.LastAppliedGen != a.Generation {
					waiting = fmt.Sprintf("switch %s to apply generation %d (applied %d)", name, a.Generation, a.LastAppliedGen)
					return false, nil
				}
			}
			return true, nil
		})
	if err != nil {
		t.Fatalf("the fabric did not settle after its level was applied: waiting for %s: %v", waiting, err)
	}
}

// ensureFabricCRD installs the Fabric CRD unless the crds example did.
func (f *examplesFabric) ensureFabricCRD(t *testing.T) {
	t.Helper()
	_, err := f.cluster.Dynamic.Resource(crds.GVR).Get(context.Background(), "fabrics.wiring.githedgehog.com", metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		kubectl := exec.Command(filepath.Join(acctest.Root, ".tools", "bin", "kubectl"), "--kubeconfig", f.cluster.Kubeconfig,
			"apply", "--server-side", "-f", filepath.Join(acctest.Root, "internal", "crds", "fabrics.yaml"))
		if out, err := kubectl.CombinedOutput(); err != nil {
			t.Fatalf("installing the Fabric CRD: %v\n%s", err, out)
		}
		_, err = f.cluster.Dynamic.Resource(acctest.FabricGVR).List(context.Background(), metav1.ListOptions{})
	}
	if err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(path) //nolint:gosec // the repository's own files
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// workDir assembles the run's configuration: a directory is copied whole;
// files are copied side by side, with the provider block of the test
// cluster when none of them configures the provider.
func (f *examplesFabric) workDir(t *testing.T, r exampleRun) string {
	t.Helper()
	root := filepath.Join(acctest.Root, "examples")
	if len(r.paths) == 1 {
		if st, err := os.Stat(filepath.Join(root, r.paths[0])); err == nil && st.IsDir() {
			return acctest.CopyDir(t, filepath.Join(root, r.paths[0]))
		}
	}
	work := t.TempDir()
	all := ""
	for _, p := range r.paths {
		content := readFile(t, filepath.Join(root, p))
		all += content
		name := strings.ReplaceAll(strings.TrimSuffix(p, ".tf"), "/", "_") + ".tf"
		if err := os.WriteFile(filepath.Join(work, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if !strings.Contains(all, "required_providers") {
		if err := os.WriteFile(filepath.Join(work, "provider.tf"), []byte(ownProvider(f.cluster.Kubeconfig)), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return work
}

func (f *examplesFabric) run(t *testing.T, r exampleRun) {
	f.ensureLevel(t, r.level)
	if r.fabricCRD {
		f.ensureFabricCRD(t)
	}
	work := f.workDir(t, r)
	var vars []string
	if strings.Contains(readAll(t, work), `variable "kubeconfig"`) {
		vars = []string{"-var", "kubeconfig=" + f.cluster.Kubeconfig}
	}
	cli := f.cli
	cli.MustRun(t, work, "init", "-input=false")
	destroyed := false
	t.Cleanup(func() {
		if !destroyed {
			_, _ = cli.Run(work, append([]string{"destroy", "-auto-approve", "-input=false"}, vars...)...)
		}
	})
	cli.MustRun(t, work, append([]string{"apply", "-auto-approve", "-input=false"}, vars...)...)
	if r.check != nil {
		r.check(t, f.cluster)
	}
	f.planEmpty(t, work, vars, "after apply")

	created := f.inCluster(t, work)
	if len(created) == 0 && r.name != "data-sources" && r.name != "resources/hedgehog_rbac_setup" {
		t.Errorf("the state holds no object of a Hedgehog or Fabric kind")
	}
	f.outputs(t, work, r.outputs)
	if strings.HasPrefix(r.name, "resources/") {
		f.importBlock(t, work, vars, r, created)
	}

	cli.MustRun(t, work, append([]string{"destroy", "-auto-approve", "-input=false"}, vars...)...)
	destroyed = true
	for _, o := range created {
		if _, err := f.get(o); !apierrors.IsNotFound(err) {
			t.Errorf("%s is still in the cluster after destroy (%v)", o, err)
		}
	}
	for _, o := range f.fixture {
		if uid, err := f.get(o); err != nil || uid != o.uid {
			t.Errorf("the fabric's %s was changed by the example: %v (UID %s, was %s)", o, err, uid, o.uid)
		}
	}
}

// planEmpty fails the test unless a plan shows no change.
func (f *examplesFabric) planEmpty(t *testing.T, work string, vars []string, when string) {
	t.Helper()
	if code, out := f.planCode(t, work, vars); code != 0 {
		t.Fatalf("%s, the plan is not empty (exit code %d):\n%s", when, code, out)
	}
}

// planCode runs plan -detailed-exitcode: 0 no change, 2 changes.
func (f *examplesFabric) planCode(t *testing.T, work string, vars []string) (int, string) {
	t.Helper()
	out, err := f.cli.Run(work, append([]string{"plan", "-input=false", "-detailed-exitcode"}, vars...)...)
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, out
	case errors.As(err, &exit) && exit.ExitCode() == 2:
		return 2, out
	}
	t.Fatalf("plan: %v\n%s", err, out)
	return 0, ""
}

// inCluster compares the state with the cluster: every object of a kind
// that the state holds is in the cluster with the state's UID. It returns
// them.
func (f *examplesFabric) inCluster(t *testing.T, work string) []clusterObject {
	t.Helper()
	_, types := byAPI()
	var state struct {
		Values struct {
			RootModule stateModule `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(f.cli.MustRun(t, work, "show", "-json")), &state); err != nil {
		t.Fatal(err)
	}
	var out []clusterObject
	for _, res := range state.Values.RootModule.all() {
		gvr, ok := types[res.Type]
		if !ok || res.Mode != "managed" {
			continue
		}
		o := clusterObject{gvr: gvr, namespace: str(res.Values["namespace"]), name: str(res.Values["name"]), uid: str(res.Values["uid"])}
		uid, err := f.get(o)
		switch {
		case err != nil:
			t.Errorf("%s (%s) is in the state, not in the cluster: %v", res.Address, o, err)
		case uid != o.uid:
			t.Errorf("%s: the state has UID %s, the cluster %s", res.Address, o.uid, uid)
		}
		out = append(out, o)
	}
	return out
}

type stateResource struct {
	Address string         `json:"address"`
	Mode    string         `json:"mode"`
	Type    string         `json:"type"`
	Values  map[string]any `json:"values"`
}

type stateModule struct {
	Resources    []stateResource `json:"resources"`
	ChildModules []stateModule   `json:"child_modules"`
}

// all are the resources of the module and of its child modules.
func (m stateModule) all() []stateResource {
	out := m.Resources
	for _, c := range m.ChildModules {
		out = append(out, c.all()...)
	}
	return out
}

func str(v any) string { s, _ := v.(string); return s }

// outputs compares the outputs the run names with what it expects.
func (f *examplesFabric) outputs(t *testing.T, work string, want map[string]any) {
	t.Helper()
	if len(want) == 0 {
		return
	}
	var got map[string]struct {
		Value any `json:"value"`
	}
	if err := json.Unmarshal([]byte(f.cli.MustRun(t, work, "output", "-json")), &got); err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		if g, ok := got[name]; !ok || !reflect.DeepEqual(g.Value, w) {
			t.Errorf("output %s is %#v, want %#v", name, g.Value, w)
		}
	}
}

var importTo = regexp.MustCompile(`(?m)^\s*to\s*=\s*(\S+)\s*$`)

// providerSide are attributes that steer the provider, not the object:
// an import cannot read them from the cluster, so the plan with the import
// block may set them (an in-place update that changes nothing in the
// cluster); and what the API server and controllers change on every write.
var providerSide = map[string]bool{"wait_for_applied": true, "wait_for_ready": true, "timeouts": true, "generation": true,
	"resource_version": true, "status": true}

type planChange struct {
	Address string `json:"address"`
	Change  struct {
		Actions      []string        `json:"actions"`
		Importing    json.RawMessage `json:"importing"`
		Before       map[string]any  `json:"before"`
		After        map[string]any  `json:"after"`
		AfterUnknown map[string]any  `json:"after_unknown"`
	} `json:"change"`
}

// objectChanges are the attributes that a change sets to something else,
// beyond the provider-side ones.
func (c planChange) objectChanges() []string {
	var out []string
	for k, after := range c.Change.After {
		if !providerSide[k] && !reflect.DeepEqual(c.Change.Before[k], after) {
			out = append(out, k)
		}
	}
	for k, unknown := range c.Change.AfterUnknown {
		if u, _ := unknown.(bool); u && !providerSide[k] {
			out = append(out, k)
		}
	}
	return out
}

// importBlock forgets the resource that the example's import block names,
// then plans with the block: the plan imports it and changes nothing in the
// cluster (the object's generation stays); once applied, the next plan is
// empty.
func (f *examplesFabric) importBlock(t *testing.T, work string, vars []string, r exampleRun, created []clusterObject) {
	t.Helper()
	file := filepath.Join(acctest.Root, "examples", filepath.Dir(r.paths[0]), "import-by-string-id.tf")
	block := readFile(t, file)
	m := importTo.FindStringSubmatch(block)
	if m == nil {
		t.Fatalf("%s names no resource to import into", file)
	}
	to := m[1]
	generations := f.generations(t, created)
	f.cli.MustRun(t, work, "state", "rm", to)
	if err := os.WriteFile(filepath.Join(work, "import.tf"), []byte(block), 0o600); err != nil {
		t.Fatal(err)
	}
	f.cli.MustRun(t, work, append([]string{"plan", "-input=false", "-out=import.plan"}, vars...)...)
	var plan struct {
		ResourceChanges []planChange `json:"resource_changes"`
	}
	if err := json.Unmarshal([]byte(f.cli.MustRun(t, work, "show", "-json", "import.plan")), &plan); err != nil {
		t.Fatal(err)
	}
	imported := false
	for _, rc := range plan.ResourceChanges {
		actions := strings.Join(rc.Change.Actions, ",")
		if rc.Address == to {
			imported = len(rc.Change.Importing) > 0
		}
		switch {
		case rc.Address == to && actions == "update" && len(rc.objectChanges()) == 0:
			// Only provider-side attributes: nothing to change in the cluster.
		case rc.Address == to && actions == "update" && r.importChanges != "":
			t.Logf("importing %s updates %v: %s", to, rc.objectChanges(), r.importChanges)
		case actions != "no-op":
			t.Errorf("importing %s plans %s for %s (attributes %v)", to, actions, rc.Address, rc.objectChanges())
			t.Logf("the plan with the import block:\n%s", f.cli.MustRun(t, work, "show", "import.plan"))
		}
	}
	if !imported {
		t.Fatalf("the plan with %s does not import %s", file, to)
	}
	f.cli.MustRun(t, work, "apply", "-input=false", "import.plan")
	f.planEmpty(t, work, vars, "after the import")
	for o, g := range f.generations(t, created) {
		if g != generations[o] {
			t.Errorf("importing %s changed %s (generation %d, was %d)", to, o, g, generations[o])
		}
	}
}

// generations reads the generation of each object.
func (f *examplesFabric) generations(t *testing.T, objs []clusterObject) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, o := range objs {
		u, err := f.cluster.Dynamic.Resource(o.gvr).Namespace(o.namespace).Get(context.Background(), o.name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		out[o.String()] = u.GetGeneration()
	}
	return out
}

// eslagVPCApplied: the README's example returns once the ESLAG pair has
// applied the attachment and the peering (the switches take a second to
// apply a change: without the waits, apply returns before they have).
func eslagVPCApplied(t *testing.T, c *acctest.OwnCluster) {
	t.Helper()
	for _, leaf := range []string{"leaf-01", "leaf-02"} {
		u, err := c.Dynamic.Resource(agent.Agent.GVR(nil)).Namespace("default").Get(context.Background(), leaf, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s := kinds.ReadAgent(u)
		attachments, _ := s.Spec["vpcAttachments"].(map[string]any)
		if _, ok := attachments["server-01--eslag--leaf-01--leaf-02--vpc-01--default"]; !ok {
			t.Errorf("agent %s does not carry the attachment: %v", leaf, attachments)
		}
		if s.LastAppliedGen != s.Generation || s.Applied != "True" {
			t.Errorf("agent %s had not applied its generation %d when apply returned (applied %d, %s)", leaf, s.Generation,
				s.LastAppliedGen, s.Applied)
		}
	}
}

// gatewayExampleApplied: the worked gateway example's peerings are in the
// cluster as Hedgehog stores them, carried by the installer's group and
// found by their sides' labels.
func gatewayExampleApplied(t *testing.T, c *acctest.OwnCluster) {
	t.Helper()
	web := c.Object(t, gateway.GatewayPeering, "web--internet")
	db := c.Object(t, gateway.GatewayPeering, "web--db")
	if web == nil || db == nil {
		t.Fatalf("the peerings web--internet (%v) and web--db (%v) are not in the cluster", web != nil, db != nil)
	}
	if err := expectAll(expectAt(web, "default", "spec", "gatewayGroup"),
		expectAt(web, "true", "metadata", "labels", gateway.VPCLabel("ext.internet")),
		expectAt(web, "5m0s", "spec", "peering", "web", "expose", 0, "nat", "masquerade", "idleTimeout"),
		expectAt(db, "deny", "spec", "acl", "default"),
		expectAt(db, "true", "metadata", "labels", gateway.VPCLabel("db"))); err != nil {
		t.Error(err)
	}
}
