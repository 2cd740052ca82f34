package acctest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kind/pkg/apis/config/v1alpha4"
	"sigs.k8s.io/yaml"
)

// The node image's guard rejects traffic to the Service and pod ranges that
// was not rewritten: the ranges it names must be the ones the harness gives
// kind, or the guard would guard the wrong addresses.
func TestKindRangesMatchTheNodeGuard(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(Root, "tools", "kind", "node", "node-guard"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"services=" + kindServiceSubnet, "pods=" + kindPodSubnet} {
		if !strings.Contains(string(raw), "\n"+want+"\n") {
			t.Errorf("tools/kind/node/node-guard does not set %s", want)
		}
	}
	conflist, err := os.ReadFile(filepath.Join(Root, "tools", "kind", "node", "cni.conflist"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(conflist), `"subnet": "10.244.0.0/24"`) || !strings.HasPrefix(kindPodSubnet, "10.244.0.0/") {
		t.Errorf("the CNI configuration's pod subnet is not inside the pod range %s", kindPodSubnet)
	}
}

// kindConfig parses as kind's v1alpha4 configuration, with the ranges the
// guard expects, and only the project's own image gets its networking
// (no default CNI, no cluster DNS, a resolver file without upstream).
func TestKindConfig(t *testing.T) {
	for _, own := range []bool{true, false} {
		var c v1alpha4.Cluster
		if err := yaml.UnmarshalStrict([]byte(kindConfig(&KindCluster{Image: "img:1", Own: own})), &c); err != nil {
			t.Fatalf("own=%v: %v", own, err)
		}
		if c.Networking.ServiceSubnet != kindServiceSubnet || c.Networking.PodSubnet != kindPodSubnet {
			t.Errorf("own=%v: ranges %s %s", own, c.Networking.ServiceSubnet, c.Networking.PodSubnet)
		}
		if len(c.Nodes) != 1 || c.Nodes[0].Image != "img:1" || c.Nodes[0].Role != v1alpha4.ControlPlaneRole {
			t.Errorf("own=%v: nodes %+v", own, c.Nodes)
		}
		patches := strings.Join(c.KubeadmConfigPatches, "\n")
		if c.Networking.DisableDefaultCNI != own || strings.Contains(patches, "disabled: true") != own ||
			strings.Contains(patches, "resolvConf: /etc/hedgehog/resolv.conf") != own {
			t.Errorf("own=%v: networking %+v, patches:\n%s", own, c.Networking, patches)
		}
		if !strings.Contains(patches, "failCgroupV1: false") {
			t.Errorf("own=%v: the kubelet must accept cgroup v1:\n%s", own, patches)
		}
	}
}
