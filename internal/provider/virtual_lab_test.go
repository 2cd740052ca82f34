package provider_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// TestAccVirtualLab applies examples/virtual-lab (2 spines, 3 leaves with an
// ESLAG pair, 6 servers, 12 connections) on a cluster of its own with the
// Hedgehog stand-in, in one run, with every switch's agent applying it; plans
// again (nothing to do) and destroys it in one run, Terraform deleting
// connections before the devices the webhook protects, and leaving the VLAN
// namespace that the installer created (and the example only reads).
func TestAccVirtualLab(t *testing.T) {
	cluster := acctest.StartOwnCluster(t, true)
	count := func(k *kinds.Kind) int {
		l, err := cluster.Dynamic.Resource(k.GVR(nil)).Namespace("default").List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return len(l.Items)
	}
	cli := acctest.NewCLI(t)
	work := acctest.CopyDir(t, filepath.Join(acctest.Root, "examples", "virtual-lab"))
	vars := []string{"-input=false", "-var", "kubeconfig=" + cluster.Kubeconfig}
	cli.MustRun(t, work, "init", "-input=false")
	destroyed := false
	t.Cleanup(func() {
		if !destroyed {
			_, _ = cli.Run(work, append([]string{"destroy", "-auto-approve"}, vars...)...)
		}
	})
	cli.MustRun(t, work, append([]string{"apply", "-auto-approve"}, vars...)...)

	var outputs struct {
		Switches    struct{ Value []string } `json:"switches"`
		Connections struct{ Value int }      `json:"connections"`
		Fabric      struct {
			Value struct {
				Healthy  bool  `json:"healthy"`
				Switches int64 `json:"switches"`
				Applied  int64 `json:"applied"`
			}
		} `json:"fabric"`
	}
	if err := json.Unmarshal([]byte(cli.MustRun(t, work, "output", "-json")), &outputs); err != nil {
		t.Fatal(err)
	}
	if strings.Join(outputs.Switches.Value, ",") != "leaf-01,leaf-02,leaf-03,spine-01,spine-02" || outputs.Connections.Value != 12 {
		t.Fatalf("outputs: %+v", outputs)
	}
	if f := outputs.Fabric.Value; !f.Healthy || f.Switches != 5 || f.Applied != 5 {
		t.Fatalf("the fabric after apply: %+v", f)
	}
	installer := cluster.Object(t, wiring.VLANNamespace, "default")
	if installer == nil {
		t.Fatal("the installer's VLAN namespace default is not in the cluster")
	}
	for k, want := range map[*kinds.Kind]int{wiring.Switch: 5, wiring.Server: 6, wiring.Connection: 12, wiring.SwitchGroup: 1,
		wiring.VLANNamespace: 1} {
		if got := count(k); got != want {
			t.Errorf("%d %s objects in the cluster, want %d", got, k.Plural, want)
		}
	}
	if out := cli.MustRun(t, work, append([]string{"plan"}, vars...)...); !strings.Contains(out, "No changes.") {
		t.Fatalf("a second plan should change nothing:\n%s", out)
	}
	cli.MustRun(t, work, append([]string{"destroy", "-auto-approve"}, vars...)...)
	destroyed = true
	for _, k := range []*kinds.Kind{wiring.Switch, wiring.Server, wiring.Connection, wiring.SwitchGroup} {
		if got := count(k); got != 0 {
			t.Errorf("%d %s objects are left after destroy", got, k.Plural)
		}
	}
	if left := cluster.Object(t, wiring.VLANNamespace, "default"); left == nil || left.GetUID() != installer.GetUID() {
		t.Errorf("destroy should leave the installer's VLAN namespace default as it was (before: UID %s; after: %v)",
			installer.GetUID(), left)
	}
}
