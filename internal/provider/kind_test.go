// Longer than most files: each test stages its own part of a real node.

package provider_test

// Tests that need a kind cluster — a real node with its kubelet, kube-proxy
// and container runtime (make testacc-kind). On other clusters they skip,
// saying so.

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// TestAccKind_clusterHealthNodes: the health data source sees the kind
// cluster's one real node, Ready, and min_ready_nodes both passes and fails
// on it.
func TestAccKind_clusterHealthNodes(t *testing.T) {
	k := acctest.NeedKind(t)
	nodes, err := acctest.C.Typed.CoreV1().Nodes().List(context.Background(), metav1.ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(nodes.Items) != 1 || nodes.Items[0].Name != k.Node || !nodeReady(&nodes.Items[0]) {
		t.Fatalf("the kind cluster should have one Ready node %s, has %d: %+v", k.Node, len(nodes.Items), nodes.Items)
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(`
data "hedgehog_cluster_health" "this" {
  min_ready_nodes  = 1
  require_hedgehog = false
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("nodes", "total"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(healthAddr, health("nodes", "ready"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(healthAddr, health("nodes", "healthy"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(healthAddr, health("problems"), knownvalue.ListSizeExact(0)),
				},
			},
			{
				Config: acctest.Config(`
data "hedgehog_cluster_health" "this" {
  min_ready_nodes  = 2
  require_hedgehog = false
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(healthAddr, health("nodes", "ready"), knownvalue.Int64Exact(1)),
					statecheck.ExpectKnownValue(healthAddr, health("nodes", "healthy"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("unhealthy")),
					statecheck.ExpectKnownValue(healthAddr, health("problems"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("1 of 1 nodes are Ready, fewer than min_ready_nodes (2)")})),
				},
			},
		},
	})
}

func nodeReady(n *corev1.Node) bool {
	for _, c := range n.Status.Conditions {
		if c.Type == corev1.NodeReady {
			return c.Status == corev1.ConditionTrue
		}
	}
	return false
}

// rules lists a chain's rules as iptables -S prints them, without the
// chain's own -N/-P line.
func rules(t *testing.T, cmd []string, chain string) []string {
	t.Helper()
	out, err := exec.Command(cmd[0], append(cmd[1:], "-w", "10", "-S", chain)...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s -S %s: %v\n%s", strings.Join(cmd, " "), chain, err, out)
	}
	var r []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if !strings.HasPrefix(l, "-N ") && !strings.HasPrefix(l, "-P ") {
			r = append(r, l)
		}
	}
	return r
}

func wantRules(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// TestAccKind_egressGuard reads the rules that keep every packet of the
// cluster on this machine while the cluster runs — never by sending one
// outward. On the host: whatever comes in on a container bridge (the
// cluster's included) and would go out anywhere but a container bridge is
// rejected, first thing in FORWARD; containers may reach the host itself.
// In the node: Service-range traffic that kube-proxy did not rewrite, and
// pod-range traffic for the uplink, are rejected with no ACCEPT before.
func TestAccKind_egressGuard(t *testing.T) {
	k := acctest.NeedKind(t)
	if os.Getenv("HEDGEHOG_KIND_ALLOW_EGRESS") != "" {
		t.Skip(acctest.SkipEgressAllowed)
	}
	id, err := exec.Command("docker", "network", "inspect", "--format", "{{.Id}}", k.Network).Output()
	if err != nil {
		t.Fatalf("docker network inspect %s: %v", k.Network, err)
	}
	bridge := "br-" + string(id[:12])
	if _, err := net.InterfaceByName(bridge); err != nil {
		t.Fatalf("the cluster's network %s should be the host bridge %s, which the guard's br-+ covers: %v", k.Network, bridge, err)
	}
	if addrs, _ := exec.Command("ip", "-4", "-o", "addr", "show", "dev", bridge).Output(); !strings.Contains(string(addrs), " "+acctest.C.WebhookHost+"/") {
		t.Errorf("WebhookHost %s should be the host's address on %s: %s", acctest.C.WebhookHost, bridge, addrs)
	}
	for _, f := range []struct{ cmd, reject string }{{"iptables", "icmp-port-unreachable"}, {"ip6tables", "icmp6-port-unreachable"}} {
		cmd := []string{f.cmd}
		wantRules(t, f.cmd+" FORWARD starts with", rules(t, cmd, "FORWARD")[:1], []string{"-A FORWARD -j DOCKER-USER"})
		wantRules(t, f.cmd+" DOCKER-USER starts with", rules(t, cmd, "DOCKER-USER")[:2], []string{
			"-A DOCKER-USER -i docker0 -j HEDGEHOG-EGRESS", "-A DOCKER-USER -i br-+ -j HEDGEHOG-EGRESS"})
		wantRules(t, f.cmd+" HEDGEHOG-EGRESS", rules(t, cmd, "HEDGEHOG-EGRESS"), []string{
			"-A HEDGEHOG-EGRESS -o docker0 -j RETURN", "-A HEDGEHOG-EGRESS -o br-+ -j RETURN",
			"-A HEDGEHOG-EGRESS -j REJECT --reject-with " + f.reject})
		wantRules(t, f.cmd+" INPUT starts with", rules(t, cmd, "INPUT")[:2], []string{
			"-A INPUT -i docker0 -j HEDGEHOG-EGRESS-IN", "-A INPUT -i br-+ -j HEDGEHOG-EGRESS-IN"})
		wantRules(t, f.cmd+" HEDGEHOG-EGRESS-IN", rules(t, cmd, "HEDGEHOG-EGRESS-IN"), []string{
			"-A HEDGEHOG-EGRESS-IN -i docker0 -m addrtype --dst-type LOCAL -j ACCEPT",
			"-A HEDGEHOG-EGRESS-IN -i br-+ -m addrtype --dst-type LOCAL -j ACCEPT"})
	}
	if !k.Own {
		return // another node image: kind's own networking, no node guard
	}
	node := []string{"docker", "exec", k.Node, "iptables"}
	wantRules(t, "the node's HEDGEHOG-GUARD", rules(t, node, "HEDGEHOG-GUARD"), []string{
		"-A HEDGEHOG-GUARD -d 10.96.0.0/16 -j REJECT --reject-with icmp-port-unreachable",
		"-A HEDGEHOG-GUARD -d 10.244.0.0/16 -o eth0 -j REJECT --reject-with icmp-port-unreachable"})
	for _, chain := range []string{"FORWARD", "OUTPUT"} {
		r := rules(t, node, chain)
		i := slices.Index(r, "-A "+chain+" -j HEDGEHOG-GUARD")
		if i < 0 {
			t.Errorf("the node's %s does not jump to HEDGEHOG-GUARD: %q", chain, r)
			continue
		}
		for _, before := range r[:i] {
			if strings.Contains(before, "-j ACCEPT") {
				t.Errorf("the node's %s accepts before its guard: %q", chain, before)
			}
		}
	}
}

// TestAccKind_inCluster runs the provider where Terraform agents run inside
// a cluster: OpenTofu and the real provider binary in a pod of the kind
// cluster (an image assembled here, nothing pulled), with in_cluster = true.
// With the service account that hedgehog_rbac_setup made, it applies a
// fabric, which the cluster then holds; with the namespace's default service
// account the same configuration is refused, in the API server's words
// naming that account — so the pod's own identity is what the provider used.
func TestAccKind_inCluster(t *testing.T) {
	k := acctest.NeedKind(t)
	ns := acctest.Namespace(t)
	tofu := filepath.Join(acctest.Root, ".tools", "bin", "tofu")
	mirror := fmt.Sprintf("/mirror/registry.opentofu.org/hedgehog-terraform/hedgehog/%s/linux_amd64/terraform-provider-hedgehog_v%[1]s", acctest.MirrorVersion)
	rc := acctest.WriteFile(t, "agent.tfrc", "provider_installation {\n  filesystem_mirror {\n    path = \"/mirror\"\n  }\n}\n")
	image := "hedgehog-acc-agent:" + strings.TrimPrefix(acctest.Name("t"), "t-")
	err := k.LoadImage(image, map[string]string{"/agent": acctest.Agent(t), "/usr/local/bin/tofu": tofu, mirror: acctest.ProviderBinary(t), "/etc/agent.tfrc": rc},
		[]string{"/agent"}, "TF_CLI_CONFIG_FILE=/etc/agent.tfrc", "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1", "HOME=/tmp")
	if err != nil {
		t.Fatal(err)
	}
	fabric := acctest.Name("agent")
	config := acctest.Terraform + fmt.Sprintf(`
provider "hedgehog" {
  in_cluster = true
  namespace  = %q
}

resource "hedgehog_fabric" "agent" {
  name      = %q
  namespace = %q
  asn       = 65010
}
`, ns, fabric, ns)
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{{
			Config: acctest.Config(fmt.Sprintf(`
resource "hedgehog_rbac_setup" "agent" {
  namespace            = %q
  service_account_name = "tf-agent"
  scope                = "namespace"
}
`, ns)),
			Check: func(*terraform.State) error {
				if phase, logs := runAgent(t, ns, "default", image, config); phase != corev1.PodFailed ||
					!acctest.Error(`"system:serviceaccount:`+ns+`:default"`, "cannot", `"fabrics"`).MatchString(logs) {
					return fmt.Errorf("as the default service account the apply should be refused naming it; the pod %s:\n%s", phase, logs)
				}
				if acctest.Fabric(t, ns, fabric) != nil {
					return fmt.Errorf("fabric %s/%s exists after a refused apply", ns, fabric)
				}
				phase, logs := runAgent(t, ns, "tf-agent", image, config)
				if phase != corev1.PodSucceeded || !strings.Contains(logs, "Apply complete! Resources: 1 added, 0 changed, 0 destroyed.") {
					return fmt.Errorf("the agent pod should apply the fabric as tf-agent; it %s:\n%s", phase, logs)
				}
				u := acctest.Fabric(t, ns, fabric)
				if u == nil {
					return fmt.Errorf("fabric %s/%s is not in the cluster after the pod's apply:\n%s", ns, fabric, logs)
				}
				if asn := field(u, "spec", "asn"); asn != int64(65010) {
					return fmt.Errorf("fabric %s/%s has spec.asn %#v, want 65010", ns, fabric, asn)
				}
				return nil
			},
		}},
	})
}

// runAgent runs the agent image in a pod of namespace ns as service account
// sa, with config as its main.tf, until it ends; it returns how it ended and
// its log.
func runAgent(t *testing.T, ns, sa, image, config string) (corev1.PodPhase, string) {
	t.Helper()
	ctx := context.Background()
	name := "agent-" + sa
	cm := &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}, Data: map[string]string{"main.tf": config}}
	if _, err := acctest.C.Typed.CoreV1().ConfigMaps(ns).Create(ctx, cm, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	pod := &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: corev1.PodSpec{
			ServiceAccountName: sa,
			RestartPolicy:      corev1.RestartPolicyNever,
			Containers: []corev1.Container{{
				Name: "tofu", Image: image, ImagePullPolicy: corev1.PullNever,
				VolumeMounts: []corev1.VolumeMount{{Name: "config", MountPath: "/config"}, {Name: "tmp", MountPath: "/tmp"}},
			}},
			Volumes: []corev1.Volume{
				{Name: "config", VolumeSource: corev1.VolumeSource{ConfigMap: &corev1.ConfigMapVolumeSource{
					LocalObjectReference: corev1.LocalObjectReference{Name: name}}}},
				{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
			},
		},
	}
	if _, err := acctest.C.Typed.CoreV1().Pods(ns).Create(ctx, pod, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	var phase corev1.PodPhase
	for deadline := time.Now().Add(5 * time.Minute); time.Now().Before(deadline); time.Sleep(2 * time.Second) {
		p, err := acctest.C.Typed.CoreV1().Pods(ns).Get(ctx, name, metav1.GetOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if phase = p.Status.Phase; phase == corev1.PodSucceeded || phase == corev1.PodFailed {
			break
		}
	}
	logs, err := acctest.C.Typed.CoreV1().Pods(ns).GetLogs(name, &corev1.PodLogOptions{}).DoRaw(ctx)
	if err != nil {
		t.Fatalf("reading the log of pod %s/%s (%s): %v", ns, name, phase, err)
	}
	return phase, string(logs)
}

// TestAccKind_egressGuardRejects sends one packet from the kind node to an
// address outside every container network and sees the host's guard reject
// it. The far end is this test's own: a network namespace on a veth pair with
// the test prefix 198.51.100.0/24 (TEST-NET-2) routed into it, whose INPUT
// counts what arrives. Were the guard wrong, the packet would land there —
// never off this machine.
func TestAccKind_egressGuardRejects(t *testing.T) {
	k := acctest.NeedKind(t)
	if os.Getenv("HEDGEHOG_KIND_ALLOW_EGRESS") != "" {
		t.Skip(acctest.SkipEgressAllowed)
	}
	run := func(args ...string) string {
		t.Helper()
		out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	suffix := strings.TrimPrefix(acctest.Name("x"), "x-")
	ns, host, peer := "hh-sink-"+suffix, "hhs"+suffix, "hhp"+suffix
	run("ip", "netns", "add", ns)
	t.Cleanup(func() { _ = exec.Command("ip", "netns", "del", ns).Run() })
	run("ip", "link", "add", host, "type", "veth", "peer", "name", peer)
	t.Cleanup(func() { _ = exec.Command("ip", "link", "del", host).Run() })
	run("ip", "link", "set", peer, "netns", ns)
	run("ip", "addr", "add", "198.51.100.1/24", "dev", host)
	run("ip", "link", "set", host, "up")
	run("ip", "netns", "exec", ns, "ip", "addr", "add", "198.51.100.2/24", "dev", peer)
	run("ip", "netns", "exec", ns, "ip", "link", "set", peer, "up")
	run("ip", "netns", "exec", ns, "iptables", "-w", "-A", "INPUT", "-p", "tcp", "--dport", "9", "-j", "DROP")
	counter := func(chain string, cmd ...string) int {
		t.Helper()
		out := run(append(cmd, "-w", "-L", chain, "-v", "-x", "-n")...)
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > 2 && (f[2] == "DROP" || f[2] == "REJECT") {
				var n int
				_, _ = fmt.Sscan(f[0], &n)
				return n
			}
		}
		t.Fatalf("no DROP or REJECT rule in:\n%s", out)
		return 0
	}
	rejected := counter("HEDGEHOG-EGRESS", "iptables")
	out, err := exec.Command("docker", "exec", k.Node, "timeout", "10", "bash", "-c", "exec 3<>/dev/tcp/198.51.100.2/9").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Connection refused") {
		t.Errorf("a connection from the node to 198.51.100.2 should be refused by the host's guard: %v\n%s", err, out)
	}
	if n := counter("INPUT", "ip", "netns", "exec", ns, "iptables"); n != 0 {
		t.Errorf("%d packet(s) from the node crossed the host to the test namespace: the guard let them through", n)
	}
	if n := counter("HEDGEHOG-EGRESS", "iptables"); n <= rejected {
		t.Errorf("the guard's REJECT rule counted no packet (%d before, %d after)", rejected, n)
	}
}
