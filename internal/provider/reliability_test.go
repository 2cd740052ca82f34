package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/testcluster"
)

// proxied is a provider block that reaches the cluster through the proxy.
func proxied(p *acctest.FaultProxy, extra ...string) string {
	return acctest.Terraform + fmt.Sprintf("provider \"hedgehog\" {\n  host = %q\n  token = \"through-the-proxy\"\n  cluster_ca_certificate = %q\n%s\n}\n",
		p.URL, p.CA, strings.Join(extra, "\n"))
}

func manyFabrics(namespace string, n int, asn int) string {
	return fmt.Sprintf(`
resource "hedgehog_fabric" "many" {
  count       = %d
  name        = "f-${count.index}"
  namespace   = %q
  asn         = %d
  spine_count = 2
  leaf_count  = 4
}
`, n, namespace, asn)
}

// stateMatchesCluster checks that every fabric in the state is the object in
// the cluster (same UID), and that the cluster holds exactly those.
func stateMatchesCluster(t *testing.T, namespace string, n int) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		inState := map[string]string{}
		for addr, r := range s.RootModule().Resources {
			if strings.HasPrefix(addr, "hedgehog_fabric.many") {
				inState[r.Primary.Attributes["name"]] = r.Primary.Attributes["uid"]
			}
		}
		items := acctest.Fabrics(t, namespace)
		if len(items) != n || len(inState) != n {
			return fmt.Errorf("%d fabrics in the cluster and %d in the state, want %d of each", len(items), len(inState), n)
		}
		for _, u := range items {
			if uid, ok := inState[u.GetName()]; !ok || uid != string(u.GetUID()) {
				return fmt.Errorf("fabric %s: uid %s in the cluster, %q in the state", u.GetName(), u.GetUID(), uid)
			}
		}
		return nil
	}
}

// TestAccReliability_faults applies 50 fabrics through a proxy that breaks a
// quarter of all requests in every way it can: everything converges, exactly
// once, and the state is the cluster.
func TestAccReliability_faults(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	proxy := acctest.NewFaultProxy(t, acctest.C.REST)
	proxy.Inject(0.25, acctest.Reset, acctest.ResetAfter, acctest.Error500, acctest.Error500Fwd, acctest.Error503,
		acctest.TooMany429, acctest.Latency)
	provider := proxied(proxy, "  max_retries = 8")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(*terraform.State) error {
			if left := acctest.Fabrics(t, ns); len(left) > 0 {
				return fmt.Errorf("%d fabrics left after destroy", len(left))
			}
			return nil
		},
		Steps: []resource.TestStep{
			{Config: provider + manyFabrics(ns, 50, 65000), Check: stateMatchesCluster(t, ns, 50)},
			{
				Config: provider + manyFabrics(ns, 50, 65001),
				Check:  stateMatchesCluster(t, ns, 50),
			},
			{
				Config:           provider + manyFabrics(ns, 50, 65001),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
		},
	})
	injected := proxy.Injected()
	total := 0
	for _, n := range injected {
		total += n
	}
	t.Logf("fault proxy: %d requests, %d faults injected (%.0f%%): %v; %d forwarded", proxy.Requests.Load(), total,
		100*float64(total)/float64(proxy.Requests.Load()), injected, proxy.Forwarded.Load())
	if total*5 < int(proxy.Requests.Load()) || len(injected) != 7 {
		t.Fatalf("only %d faults of %d kinds were injected: the test did not test much", total, len(injected))
	}
}

// TestAccReliability_createRace: another client creates the fabric between
// the provider's existence check and its write. The provider notices from
// the object's field managers, reports it, and keeps it out of the state.
func TestAccReliability_createRace(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	proxy := acctest.NewFaultProxy(t, acctest.C.REST)
	proxy.Before = func(r *http.Request) {
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/namespaces/"+ns+"/fabrics") && acctest.Fabric(t, ns, name) == nil {
			applyAs(t, ns, name, "racing-controller", map[string]any{"name": name, "asn": 65999})
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{{
			Config: proxied(proxy) + fabricBlock(ns, name, "asn = 65000"),
			ExpectError: acctest.Error("Fabric Already Exists", "(its fields are managed by racing-controller)", "left exactly as it is",
				"terraform import"),
		}},
	})
}

// TestAccReliability_concurrentChange: the object changes between the
// provider's read and its write. Server-side apply sends no
// resourceVersion, so the write neither fails nor undoes the other change.
func TestAccReliability_concurrentChange(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	proxy := acctest.NewFaultProxy(t, acctest.C.REST)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             gone(t, ns, name),
		Steps: []resource.TestStep{
			{Config: proxied(proxy) + fabricBlock(ns, name, "asn = 65000")},
			{
				PreConfig: func() {
					proxy.Before = func(r *http.Request) {
						if r.Method == http.MethodPatch && strings.HasSuffix(r.URL.Path, "/fabrics/"+name) {
							patchFabric(t, ns, name, "other", map[string]any{"metadata": map[string]any{"annotations": map[string]any{"other/touched": "yes"}}})
						}
					}
				},
				Config: proxied(proxy) + fabricBlock(ns, name, "asn = 65001"),
				Check: inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expectAll(expect(u, int64(65001), "spec", "asn"), expect(u, "yes", "metadata", "annotations", "other/touched"))
				}),
			},
		},
	})
}

// blackHole accepts connections and never answers.
func blackHole(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			conns = append(conns, c)
		}
	}()
	t.Cleanup(func() {
		_ = l.Close()
		for _, c := range conns {
			_ = c.Close()
		}
	})
	return "https://" + l.Addr().String()
}

// TestAccReliability_deadServer: with 40 fabrics in the state, the API
// server stops answering at all. The plan fails within about one request
// timeout — the breaker — instead of one timeout per fabric and retry.
func TestAccReliability_deadServer(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	dead := blackHole(t)
	cli := acctest.NewCLI(t)
	work := t.TempDir()
	token := acctest.ServiceAccountToken(t, ns, "admin", "cluster-admin")
	write := func(host string) {
		cfg := acctest.Terraform + fmt.Sprintf(`
provider "hedgehog" {
  host                   = %q
  token                  = %q
  insecure               = true
  request_timeout        = "5s"
}
`, host, token) + manyFabrics(ns, 40, 65000)
		if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(acctest.C.REST.Host)
	cli.MustRun(t, work, "init", "-input=false")
	cli.MustRun(t, work, "apply", "-auto-approve", "-input=false")
	t.Cleanup(func() {
		write(acctest.C.REST.Host)
		_, _ = cli.Run(work, "destroy", "-auto-approve", "-input=false")
	})

	write(dead)
	start := time.Now()
	out, err := cli.Run(work, "plan", "-input=false")
	took := time.Since(start)
	if err == nil {
		t.Fatalf("a plan against a dead API server succeeded:\n%s", out)
	}
	for _, want := range []string{"Kubernetes API Server Unavailable", "attempts in a row"} {
		if !strings.Contains(out, want) {
			t.Fatalf("the error should say %q:\n%s", want, out)
		}
	}
	// Without the breaker: 40 fabrics × 4 attempts × 5 s, at best / 10 in
	// parallel = 80 s. With it: failures that last longer than one request
	// timeout open it, and every later call fails at once.
	t.Logf("plan of 40 fabrics against a black-holed API server failed after %s", took.Round(100*time.Millisecond))
	if took > 30*time.Second {
		t.Fatalf("the plan took %s to fail: the breaker did not stop the retries", took)
	}
}

// TestAccReliability_apiServerRestart kills kube-apiserver in the middle of an
// apply of 300 fabrics and starts it again. The apply finishes or fails with
// clear errors; a second apply converges; nothing is lost, doubled or
// missing from the state. It runs on a control plane of its own.
func TestAccReliability_apiServerRestart(t *testing.T) {
	acctest.PreCheck(t)
	cluster, err := testcluster.Start(context.Background(), testcluster.Options{
		BinDir: filepath.Join(acctest.Root, ".tools", "bin"), Dir: filepath.Join(t.TempDir(), "cluster")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cluster.Stop() })
	cfg, err := clientcmd.BuildConfigFromFlags("", cluster.KubeconfigPath())
	if err != nil {
		t.Fatal(err)
	}
	dyn := dynamic.NewForConfigOrDie(cfg)

	cli := acctest.NewCLI(t)
	work := t.TempDir()
	config := acctest.Terraform + fmt.Sprintf("provider \"hedgehog\" {\n  config_path = %q\n  namespace = \"default\"\n}\n", cluster.KubeconfigPath()) +
		manyFabrics("default", 300, 65000)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.MustRun(t, work, "init", "-input=false")

	type result struct {
		out string
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := cli.Run(work, "apply", "-auto-approve", "-input=false")
		done <- result{out, err}
	}()
	// Kill the API server once the apply is well under way.
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		l, err := dyn.Resource(acctest.FabricGVR).Namespace("default").List(context.Background(), metav1.ListOptions{})
		if err == nil && len(l.Items) >= 60 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := cluster.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(3 * time.Second)
	if err := cluster.StartAPIServer(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := <-done
	// The only errors allowed are those that say the API server was away,
	// and there must be some: the apply was interrupted, not finished.
	expected := []string{"Kubernetes API Server Unavailable", "Cannot Reach the Kubernetes API Server",
		"Kubernetes API Server Error", "Kubernetes Request Timed Out"}
	errorLines := 0
	for _, line := range strings.Split(first.out, "\n") {
		line = strings.TrimSpace(strings.TrimLeft(line, "│╷╵ "))
		if !strings.HasPrefix(line, "Error: ") {
			continue
		}
		errorLines++
		ok := false
		for _, e := range expected {
			ok = ok || strings.Contains(line, e)
		}
		if !ok {
			t.Fatalf("the interrupted apply failed with an unexpected error %q:\n%s", line, first.out)
		}
	}
	if first.err == nil || errorLines == 0 {
		t.Fatalf("the first apply was not interrupted by the restart (err=%v, %d errors):\n%s", first.err, errorLines, first.out)
	}

	// What the interrupted apply created is in the state: every fabric in
	// the cluster, with its UID — or tainted, when the answer to its create
	// was lost (then the UID is not known yet, and the next apply replaces it).
	inState, inCluster := stateFabrics(t, cli, work), clusterFabrics(t, dyn)
	for name, uid := range inCluster {
		r, ok := inState[name]
		switch {
		case !ok:
			t.Fatalf("fabric %s (uid %s) was created by the interrupted apply and is not in the state", name, uid)
		case r.Tainted:
		case r.UID != uid:
			t.Fatalf("fabric %s: uid %q in the state, %q in the cluster", name, r.UID, uid)
		}
	}
	tainted := 0
	for name, r := range inState {
		if _, ok := inCluster[name]; !ok && !r.Tainted {
			t.Fatalf("fabric %s is in the state, untainted, and not in the cluster", name)
		}
		if r.Tainted {
			tainted++
		}
	}
	t.Logf("first apply, interrupted by the restart: %d errors; %d fabrics in the cluster, %d in the state (%d of them tainted)",
		errorLines, len(inCluster), len(inState), tainted)

	// The second apply converges, and a plan after it is empty.
	cli.MustRun(t, work, "apply", "-auto-approve", "-input=false")
	if out, err := cli.Run(work, "plan", "-detailed-exitcode", "-input=false"); err != nil {
		t.Fatalf("plan after the second apply is not empty:\n%s", out)
	}
	inState, inCluster = stateFabrics(t, cli, work), clusterFabrics(t, dyn)
	if len(inState) != 300 || len(inCluster) != 300 {
		t.Fatalf("%d fabrics in the state and %d in the cluster, want 300 of each", len(inState), len(inCluster))
	}
	for name, r := range inState {
		if r.Tainted || inCluster[name] != r.UID {
			t.Fatalf("fabric %s: uid %q in the state (tainted %v), %q in the cluster", name, r.UID, r.Tainted, inCluster[name])
		}
	}
}

type stateFabric struct {
	UID     string
	Tainted bool
}

// stateFabrics reads the fabrics of a working directory's state by name.
func stateFabrics(t *testing.T, cli *acctest.CLI, work string) map[string]stateFabric {
	t.Helper()
	var state struct {
		Values struct {
			RootModule struct {
				Resources []struct {
					Type    string `json:"type"`
					Tainted bool   `json:"tainted"`
					Values  struct {
						Name string `json:"name"`
						UID  string `json:"uid"`
					} `json:"values"`
				} `json:"resources"`
			} `json:"root_module"`
		} `json:"values"`
	}
	if err := json.Unmarshal([]byte(cli.MustRun(t, work, "show", "-json")), &state); err != nil {
		t.Fatal(err)
	}
	out := map[string]stateFabric{}
	for _, r := range state.Values.RootModule.Resources {
		if r.Type == "hedgehog_fabric" {
			out[r.Values.Name] = stateFabric{UID: r.Values.UID, Tainted: r.Tainted}
		}
	}
	return out
}

func clusterFabrics(t *testing.T, dyn dynamic.Interface) map[string]string {
	t.Helper()
	l, err := dyn.Resource(acctest.FabricGVR).Namespace("default").List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, u := range l.Items {
		out[u.GetName()] = string(u.GetUID())
	}
	return out
}
