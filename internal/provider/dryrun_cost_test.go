package provider_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// requestLog counts the requests that pass a proxy, by method, telling dry
// runs apart.
type requestLog struct {
	mu     sync.Mutex
	counts map[string]int
}

func (l *requestLog) record(r *http.Request) {
	what := r.Method
	if r.URL.Query().Get("dryRun") == "All" {
		what += " dry-run"
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.counts[what]++
}

func (l *requestLog) take() map[string]int {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.counts
	l.counts = map[string]int{}
	return out
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// What the plan's check costs, counted at a proxy in front of the API
// server, for N Hedgehog servers and N fabrics: a plan without changes sends
// what it sent before (no dry run); a plan of N creates, updates or deletes
// of each sends N dry runs, all for the servers: the Fabric kind's CRD is the
// provider's own and no webhook judges it, so its writes are not dry-run.
// Each plan runs with the check and without it (plan_dry_run = false); the
// test logs the counts and times (the reliability guide quotes them).
func TestAccDryRun_requestCounts(t *testing.T) {
	acctest.PreCheck(t)
	const n = 100
	ns := acctest.Namespace(t)
	prefix := acctest.Name("cnt")
	proxy := acctest.NewFaultProxy(t, acctest.C.REST)
	log := &requestLog{counts: map[string]int{}}
	proxy.Before = log.record
	cli := acctest.NewCLI(t)
	dir := t.TempDir()
	config := func(asn int, dryRun bool) string {
		return acctest.Terraform + fmt.Sprintf(`
provider "hedgehog" {
  host                   = %q
  token                  = "the proxy adds the identity"
  cluster_ca_certificate = %q
  plan_dry_run           = %v
}

resource "hedgehog_server" "s" {
  count       = %d
  name        = "%s-${count.index}"
  description = "rack %d"
}

resource "hedgehog_fabric" "f" {
  count       = %d
  name        = "fab-${count.index}"
  namespace   = %q
  asn         = %d
  spine_count = 2
  leaf_count  = 4
}
`, proxy.URL, proxy.CA, dryRun, n, prefix, asn, n, ns, asn)
	}
	t.Cleanup(func() {
		writeConfig(t, dir, config(65000, false))
		_, _ = cli.Run(dir, "destroy", "-auto-approve")
	})
	writeConfig(t, dir, config(65000, true))
	cli.MustRun(t, dir, "init")

	// plan runs a plan with and without the check and returns the counts.
	plan := func(what string, asn int, args ...string) (with, without map[string]int) {
		for _, dryRun := range []bool{false, true} {
			writeConfig(t, dir, config(asn, dryRun))
			log.take()
			start := time.Now()
			out := cli.MustRun(t, dir, append([]string{"plan"}, args...)...)
			took := time.Since(start)
			got := log.take()
			if strings.Contains(out, "Warning:") {
				t.Errorf("%s plan (dry run %v) warned:\n%s", what, dryRun, out)
			}
			t.Logf("%s plan of %d servers and %d fabrics, plan_dry_run = %v: %d requests %v in %s", what, n, n, dryRun,
				total(got), got, took.Round(10*time.Millisecond))
			if dryRun {
				with = got
			} else {
				without = got
			}
		}
		return with, without
	}
	apply := func(what string, asn int) {
		writeConfig(t, dir, config(asn, true))
		log.take()
		start := time.Now()
		cli.MustRun(t, dir, "apply", "-auto-approve")
		took := time.Since(start)
		got := log.take()
		t.Logf("%s apply of %d servers and %d fabrics: %d requests %v in %s", what, n, n, total(got), got,
			took.Round(10*time.Millisecond))
		// The apply's own plan checks every server; once the apply writes,
		// Terraform's plan of each object just before its write sends none
		// (only those planned before the first write, at most one per
		// parallel walker: 10 by default).
		if dry := got["POST dry-run"] + got["PATCH dry-run"]; dry < n || dry > n+10 {
			t.Errorf("%s apply of %d servers and %d fabrics sent %d dry runs %v: want %d for its plan, and at most 10 more",
				what, n, n, dry, got, n)
		}
	}

	with, without := plan("create", 65000)
	if with["POST dry-run"] != n || total(with) != total(without)+n {
		t.Errorf("a create plan of %d servers and %d fabrics sends %v, without the check %v: want %d dry runs more", n, n, with, without, n)
	}
	apply("create", 65000)

	with, without = plan("no-change", 65000)
	if total(with) != total(without) {
		t.Errorf("a plan without changes sends %v, without the check %v: want the same", with, without)
	}

	with, without = plan("update", 65001)
	if with["PATCH dry-run"] != n || total(with) != total(without)+n {
		t.Errorf("an update plan of %d servers and %d fabrics sends %v, without the check %v: want %d dry runs more", n, n, with, without, n)
	}
	apply("update", 65001)

	with, without = plan("destroy", 65001, "-destroy")
	if with["DELETE dry-run"] != n || total(with) != total(without)+n {
		t.Errorf("a destroy plan of %d servers and %d fabrics sends %v, without the check %v: want %d dry runs more", n, n, with, without, n)
	}
	// Dry runs: everything is still there, as the update left it.
	if got := acctest.Fabrics(t, ns); len(got) != n {
		t.Fatalf("%d fabrics left after the plans, want %d", len(got), n)
	}
	for _, u := range acctest.Fabrics(t, ns) {
		if err := expect(&u, int64(65001), "spec", "asn"); err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		name := fmt.Sprintf("%s-%d", prefix, i)
		u := acctest.Object(t, wiring.Server, meta.Namespace, name)
		if u == nil {
			t.Fatalf("server %s is gone after the plans", name)
		}
		if err := expect(u, "rack 65001", "spec", "description"); err != nil {
			t.Fatal(err)
		}
	}
}
