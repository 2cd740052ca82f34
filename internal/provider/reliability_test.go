package provider_test

import (
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
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// proxied is a provider block that reaches the cluster through the proxy.
func proxied(p *acctest.FaultProxy, extra ...string) string { return p.Provider(extra...) }

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
