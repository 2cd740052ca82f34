package acctest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	kindcluster "sigs.k8s.io/kind/pkg/cluster"
	kindcmd "sigs.k8s.io/kind/pkg/cmd"
	kindexec "sigs.k8s.io/kind/pkg/exec"
)

// KindCluster is the kind cluster that this test binary created
// (HEDGEHOG_ACC_CLUSTER=kind; make testacc-kind).
type KindCluster struct {
	// Name is kind's name of the cluster.
	Name string
	// Node is the node's container (kind's single control-plane node).
	Node string
	// Network is the Docker network made for the cluster; Gateway is the
	// host's address on it.
	Network, Gateway string
	// Image is the node image; Own says whether tools/kind/node-image.sh
	// built it (the image whose CNI, guard and preloaded images the harness's
	// kind configuration expects).
	Image string
	Own   bool
}

// The label that tools/kind/node-image.sh puts on the node images it builds,
// holding the image's own name: a foreign image under that name lacks it.
const nodeImageLabel = "io.hedgehog-terraform.kind-node"

// The Service and pod ranges of the cluster: the node image's egress guard
// rejects traffic to them that was not rewritten, so they must match it.
const (
	kindServiceSubnet = "10.96.0.0/16"
	kindPodSubnet     = "10.244.0.0/16"
)

// The host settings that the kubelet changes (they are not namespaced) and
// that the harness puts back when the cluster goes.
var kubeletSysctls = []string{"vm/overcommit_memory", "vm/panic_on_oom", "kernel/panic", "kernel/panic_on_oops"}

func docker(args ...string) (string, error) {
	var out, errb bytes.Buffer
	cmd := exec.Command("docker", args...)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("docker %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return strings.TrimSpace(out.String()), err
}

// startKind creates a kind cluster from the node image HEDGEHOG_KIND_IMAGE on
// a Docker network of its own, after checking that the egress guard is in
// place; it returns the cluster and a function that deletes it and its
// network. It never falls back to another cluster.
func startKind() (*KindCluster, string, func(), error) {
	fail := func(format string, args ...any) (*KindCluster, string, func(), error) {
		return nil, "", nil, fmt.Errorf("HEDGEHOG_ACC_CLUSTER=kind: "+format, args...)
	}
	if _, err := docker("info", "--format", "{{.ServerVersion}}"); err != nil {
		return fail("no Docker engine answers; as root on Debian, tools/kind/docker-setup.sh installs one, elsewhere start Docker "+
			"(Docker Desktop, or your distribution's) (%v)", err)
	}
	if os.Getenv("HEDGEHOG_KIND_ALLOW_EGRESS") == "" {
		out, err := exec.Command(filepath.Join(Root, "tools", "kind", "egress-guard.sh"), "check").CombinedOutput()
		if err != nil {
			return fail("refusing to create a cluster: the egress guard is not in place (%v):\n%s"+
				"tools/kind/docker-setup.sh (as root) adds it; HEDGEHOG_KIND_ALLOW_EGRESS=1 skips this check where containers may reach the network",
				err, out)
		}
	}
	k := &KindCluster{Name: fmt.Sprintf("hedgehog-acc-%d", os.Getpid()), Image: os.Getenv("HEDGEHOG_KIND_IMAGE")}
	k.Node, k.Network = k.Name+"-control-plane", k.Name
	if k.Image == "" {
		return fail("HEDGEHOG_KIND_IMAGE names no node image: `make testacc-kind` builds one and sets it")
	}
	labels, err := docker("image", "inspect", "--format", "{{json .Config.Labels}}", k.Image)
	if err != nil {
		return fail("the node image %s is not there: `make kind-image` builds it (%v)", k.Image, err)
	}
	var l map[string]string
	_ = json.Unmarshal([]byte(labels), &l)
	k.Own = l[nodeImageLabel] == k.Image
	if strings.HasPrefix(k.Image, "hedgehog-kind-node:") && !k.Own {
		return fail("refusing the node image %s: it was not built by tools/kind/node-image.sh under this name (label %s is %q); "+
			"`make kind-image` builds it", k.Image, nodeImageLabel, l[nodeImageLabel])
	}

	// The cluster's own network, IPv4 only, so that its bridge and gateway
	// are known and it goes with the cluster.
	if _, err := docker("network", "create", "--driver", "bridge", k.Network); err != nil {
		return fail("creating its Docker network: %v", err)
	}
	if k.Gateway, err = docker("network", "inspect", "--format", "{{range .IPAM.Config}}{{.Gateway}}{{end}}", k.Network); err != nil || k.Gateway == "" {
		_, _ = docker("network", "rm", k.Network)
		return fail("reading the gateway of network %s: %v", k.Network, err)
	}
	_ = os.Setenv("KIND_EXPERIMENTAL_DOCKER_NETWORK", k.Network)

	sysctls := map[string][]byte{}
	for _, s := range kubeletSysctls {
		if v, err := os.ReadFile("/proc/sys/" + s); err == nil {
			sysctls[s] = v
		}
	}
	dir, err := os.MkdirTemp("", "hedgehog-acc-kind-")
	if err != nil {
		return fail("%v", err)
	}
	kubeconfig := filepath.Join(dir, "kubeconfig")
	p := kindcluster.NewProvider(kindcluster.ProviderWithDocker(), kindcluster.ProviderWithLogger(kindcmd.NewLogger()))
	stop := func() {
		_ = p.Delete(k.Name, kubeconfig)
		_, _ = docker("network", "rm", k.Network)
		for s, v := range sysctls {
			_ = os.WriteFile("/proc/sys/"+s, v, 0o644)
		}
		_ = os.RemoveAll(dir)
	}
	err = p.Create(k.Name, kindcluster.CreateWithRawConfig([]byte(kindConfig(k))), kindcluster.CreateWithKubeconfigPath(kubeconfig),
		kindcluster.CreateWithWaitForReady(3*time.Minute), kindcluster.CreateWithRetain(true),
		kindcluster.CreateWithDisplayUsage(false), kindcluster.CreateWithDisplaySalutation(false))
	if err == nil {
		err = waitKubeSystem(k)
	}
	if err != nil {
		// What the failing command said in the node (kubeadm's own words).
		if re := kindexec.RunErrorForError(err); re != nil && len(re.Output) > 0 {
			lines := strings.Split(strings.TrimSpace(string(re.Output)), "\n")
			err = fmt.Errorf("%w\n%s", err, strings.Join(lines[max(0, len(lines)-30):], "\n"))
		}
		logs := filepath.Join(Root, ".tools", "kind-logs", k.Name)
		logErr := p.CollectLogs(k.Name, logs)
		stop()
		if logErr != nil {
			return fail("creating the kind cluster from %s failed, and so did exporting its logs (%v); the cluster was deleted: %w", k.Image, logErr, err)
		}
		return fail("creating the kind cluster from %s failed; its logs are in %s and the cluster was deleted: %w", k.Image, logs, err)
	}
	return k, kubeconfig, stop, nil
}

// kindConfig is the cluster's kind configuration. On the project's own node
// image: no default CNI (the image has a static bridge configuration), no
// cluster DNS (nothing in the tests resolves names, and CoreDNS would want
// an upstream), and a kubelet that accepts cgroup v1 and gives pods no
// resolver outside the node. On another image (a kindest/node elsewhere),
// kind's defaults.
func kindConfig(k *KindCluster) string {
	c := fmt.Sprintf(`kind: Cluster
apiVersion: kind.x-k8s.io/v1alpha4
nodes:
- role: control-plane
  image: %s
networking:
  serviceSubnet: %s
  podSubnet: %s
`, k.Image, kindServiceSubnet, kindPodSubnet)
	if !k.Own {
		return c + `kubeadmConfigPatches:
- |
  kind: KubeletConfiguration
  failCgroupV1: false
`
	}
	return c + `  disableDefaultCNI: true
kubeadmConfigPatches:
- |
  kind: ClusterConfiguration
  dns:
    disabled: true
- |
  kind: KubeletConfiguration
  failCgroupV1: false
  resolvConf: /etc/hedgehog/resolv.conf
`
}

// waitKubeSystem waits until kube-proxy runs: the in-cluster tests reach
// the API server through its Service address.
func waitKubeSystem(k *KindCluster) error {
	_, err := docker("exec", k.Node, "kubectl", "--kubeconfig=/etc/kubernetes/admin.conf", "-n", "kube-system",
		"rollout", "status", "daemonset/kube-proxy", "--timeout=3m")
	return err
}

// KindNodes is what `kubectl get nodes -o wide` says about the cluster.
func (k *KindCluster) KindNodes() (string, error) {
	return docker("exec", k.Node, "kubectl", "--kubeconfig=/etc/kubernetes/admin.conf", "get", "nodes", "-o", "wide")
}

// KindNodesFile is where the harness writes what `kubectl get nodes -o wide`
// said when the kind cluster came up (go test shows a passing package's
// output only with -v; make testacc-kind prints this file).
var KindNodesFile = filepath.Join(Root, ".tools", "kind", "nodes.txt")

func writeKindNodes(k *KindCluster) error {
	nodes, err := k.KindNodes()
	if err != nil {
		return fmt.Errorf("HEDGEHOG_ACC_CLUSTER=kind: listing the nodes: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(KindNodesFile), 0o755); err != nil {
		return err
	}
	return os.WriteFile(KindNodesFile, []byte(fmt.Sprintf("kind cluster %s (node image %s):\n%s\n", k.Name, k.Image, nodes)), 0o644)
}
