package provider_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// TestAccGatewayExample applies examples/gateway (the default group created
// explicitly, a gateway, masquerade to an External, two VPCs with an ACL, a
// port forward) in one run on a cluster of its own, references ordering the
// creates; plans again (nothing to do) and destroys it in one run, the
// peerings before what they name.
func TestAccGatewayExample(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	cluster := acctest.StartOwn(t, acctest.OwnOptions{Hedgehog: true})
	names := func(k *kinds.Kind) []string {
		l, err := cluster.Dynamic.Resource(k.GVR(nil)).Namespace("default").List(context.Background(), metav1.ListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range l.Items {
			out = append(out, u.GetName())
		}
		return sortStrings(out)
	}
	cli := acctest.NewCLI(t)
	work := acctest.CopyDir(t, filepath.Join(acctest.Root, "examples", "gateway"))
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
		Gateway struct {
			Value struct {
				Gateway    string   `json:"gateway"`
				Workers    int      `json:"workers"`
				Peerings   []string `json:"peerings"`
				Masquerade string   `json:"masquerade"`
				Forward    string   `json:"forward"`
				ACL        string   `json:"acl"`
				VPCInfos   []string `json:"vpc_infos"`
			} `json:"value"`
		} `json:"gateway"`
	}
	if err := json.Unmarshal([]byte(cli.MustRun(t, work, "output", "-json")), &outputs); err != nil {
		t.Fatal(err)
	}
	o := outputs.Gateway.Value
	if o.Gateway != "default/gw-01" || o.Workers != 4 || strings.Join(o.Peerings, ",") != "internet--web-https,web--db,web--internet" ||
		o.Masquerade != "5m0s" || o.Forward != "2m0s" || o.ACL != "flow" || strings.Join(o.VPCInfos, ",") != "db,ext.internet,web" {
		t.Fatalf("outputs: %+v", o)
	}
	if got := names(gateway.GatewayPeering); strings.Join(got, ",") != "internet--web-https,web--db,web--internet" {
		t.Fatalf("peerings in the cluster: %v", got)
	}
	web := cluster.Object(t, gateway.GatewayPeering, "web--internet")
	if err := expectAll(expectAt(web, "default", "spec", "gatewayGroup"),
		expectAt(web, "true", "metadata", "labels", gateway.VPCLabel("ext.internet"))); err != nil {
		t.Fatal(err)
	}
	if out := cli.MustRun(t, work, append([]string{"plan"}, vars...)...); !strings.Contains(out, "No changes.") {
		t.Fatalf("a second plan should change nothing:\n%s", out)
	}
	cli.MustRun(t, work, append([]string{"destroy", "-auto-approve"}, vars...)...)
	destroyed = true
	for _, k := range []*kinds.Kind{gateway.GatewayPeering, gateway.Gateway, gateway.GatewayGroup, vpc.VPC, vpc.External} {
		if left := names(k); len(left) > 0 {
			t.Errorf("%s left after destroy: %v", k.Plural, left)
		}
	}
}
