package provider_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/testcluster"
)

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
