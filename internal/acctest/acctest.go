// Package acctest is the acceptance-test harness: it gives a test binary one
// cluster for all its tests and the helpers that tests share (provider
// factories, configuration blocks, namespaces, direct reads of the cluster).
//
// Which cluster (documented in the README):
//   - by default, a local control plane that the test binary starts and stops
//     (etcd, kube-apiserver and kube-controller-manager from .tools/bin);
//   - HEDGEHOG_ACC_KUBECONFIG=path: an existing cluster;
//   - HEDGEHOG_ACC_CLUSTER=kind: a kind cluster created for the run (needs a
//     Docker or Podman engine).
package acctest

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/provider"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/testcluster"
)

// Cluster is the cluster of this test binary.
type Cluster struct {
	// Kubeconfig is an admin kubeconfig.
	Kubeconfig string
	// Local is the local control plane, nil on other clusters: tests that
	// need it (minting users, restarting the API server) say so.
	Local *testcluster.Cluster
	// Kind is the kind cluster, nil on other clusters.
	Kind *KindCluster
	// WebhookHost is the address on which the test process can listen for
	// calls from the cluster's API server (admission webhooks registered by
	// URL): 127.0.0.1 for the local control plane, the host's gateway
	// address on the cluster's Docker network for kind (the egress guard lets
	// containers reach the host itself), empty when the harness cannot tell
	// (HEDGEHOG_ACC_KUBECONFIG).
	WebhookHost string
	REST        *rest.Config
	Typed       kubernetes.Interface
	Dynamic     dynamic.Interface
}

// C is the cluster of the running test binary (nil unless TF_ACC is set).
var C *Cluster

// Root is the repository's top directory.
var Root = findRoot()

func findRoot() string {
	dir, _ := os.Getwd()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if raw, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil &&
			strings.Contains(string(raw), "module github.com/hedgehog-terraform/terraform-provider-hedgehog\n") {
			return d
		}
	}
	return dir
}

// Main is the TestMain of packages with acceptance tests.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	defer removeScratch()
	if err := setCLIEnv(); err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		return 1
	}
	stop, err := startCluster()
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		return 1
	}
	// The cluster goes away on an interrupt too; a kill takes the local
	// control plane's processes with it (they die with this process).
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-sig
		stop()
		removeScratch()
		os.Exit(130)
	}()
	code := m.Run()
	stop()
	return code
}

// scratch is what the test binary made in the temporary directory that
// outlives any one test (the CLI configuration, the programs it built); run
// removes it when the tests are done. The local control plane removes its own
// directory when it stops.
var scratch struct {
	sync.Mutex
	paths []string
}

func addScratch(path string) {
	scratch.Lock()
	defer scratch.Unlock()
	scratch.paths = append(scratch.paths, path)
}

func removeScratch() {
	scratch.Lock()
	defer scratch.Unlock()
	for _, p := range scratch.paths {
		_ = os.RemoveAll(p)
	}
	scratch.paths = nil
}

// setCLIEnv points terraform-plugin-testing at the CLI in .tools/bin unless
// the environment already names one, and keeps it off the network.
func setCLIEnv() error {
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if path == "" {
		path = filepath.Join(Root, ".tools", "bin", "tofu")
		_ = os.Setenv("TF_ACC_TERRAFORM_PATH", path)
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no Terraform CLI at %s (run `make tools`): %w", path, err)
	}
	if os.Getenv("TF_ACC_PROVIDER_HOST") == "" {
		host := "registry.terraform.io"
		if filepath.Base(path) == "tofu" {
			host = "registry.opentofu.org"
		}
		_ = os.Setenv("TF_ACC_PROVIDER_HOST", host)
	}
	_ = os.Setenv("TF_ACC_PROVIDER_NAMESPACE", "hedgehog-terraform")
	_ = os.Setenv("CHECKPOINT_DISABLE", "1")
	// An empty CLI configuration of our own, whatever the environment says:
	// no credentials, no mirrors or plugin cache, and (for tofu) no warning
	// about a missing file, which would break version parsing.
	f, err := os.CreateTemp("", "hedgehog-acc-cli-*.tfrc")
	if err != nil {
		return err
	}
	addScratch(f.Name())
	_ = f.Close()
	return os.Setenv("TF_CLI_CONFIG_FILE", f.Name())
}

func startCluster() (func(), error) {
	ctx := context.Background()
	stop := func() {}
	var kubeconfig, webhookHost string
	var local *testcluster.Cluster
	var kind *KindCluster
	switch {
	case os.Getenv("HEDGEHOG_ACC_KUBECONFIG") != "":
		kubeconfig = os.Getenv("HEDGEHOG_ACC_KUBECONFIG")
	case os.Getenv("HEDGEHOG_ACC_CLUSTER") == "kind":
		var err error
		if kind, kubeconfig, stop, err = startKind(); err != nil {
			return nil, err
		}
		webhookHost = kind.Gateway
		if err := writeKindNodes(kind); err != nil {
			stop()
			return nil, err
		}
	case os.Getenv("HEDGEHOG_ACC_CLUSTER") == "" || os.Getenv("HEDGEHOG_ACC_CLUSTER") == "local":
		dir, err := os.MkdirTemp("", "hedgehog-acc-cluster-")
		if err != nil {
			return nil, err
		}
		local, err = testcluster.Start(ctx, testcluster.Options{BinDir: filepath.Join(Root, ".tools", "bin"), Dir: dir})
		if err != nil {
			return nil, fmt.Errorf("starting the local control plane (run `make tools` first): %w", err)
		}
		kubeconfig = local.KubeconfigPath()
		webhookHost = "127.0.0.1"
		stop = func() { _ = local.Stop() }
	default:
		return nil, fmt.Errorf("HEDGEHOG_ACC_CLUSTER=%q: use local (the default) or kind", os.Getenv("HEDGEHOG_ACC_CLUSTER"))
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		stop()
		return nil, err
	}
	cfg.QPS, cfg.Burst = 500, 1000
	C = &Cluster{Kubeconfig: kubeconfig, Local: local, Kind: kind, WebhookHost: webhookHost, REST: cfg,
		Typed: kubernetes.NewForConfigOrDie(cfg), Dynamic: dynamic.NewForConfigOrDie(cfg)}
	if local == nil {
		// Other clusters get the CRDs the way users get them.
		client, err := kube.New(&kube.Connection{REST: cfg, Identity: "the test admin"}, kube.Options{RequestTimeout: time.Minute, MaxRetries: 3, QPS: 100, Burst: 200})
		if err == nil {
			var b crds.Bundle
			if b, err = crds.For(provider.DefaultGroup, provider.DefaultVersion); err == nil {
				err = crds.Install(ctx, client, b, "hedgehog-acctest")
			}
		}
		if err != nil {
			stop()
			return nil, fmt.Errorf("installing the CRDs on %s: %w", kubeconfig, err)
		}
	}
	stopStandIn, err := startStandIn()
	if err != nil {
		stop()
		return nil, err
	}
	return func() { stopStandIn(); stop() }, nil
}

// Factories run the provider in the test process: a new provider instance
// for every CLI command, as Terraform starts a new plugin process.
var Factories = FactoriesWith()

// FactoriesWith are Factories of a provider that also serves kinds declared
// by a test.
func FactoriesWith(extra ...*kinds.Kind) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"hedgehog": func() (tfprotov6.ProviderServer, error) {
			return providerserver.NewProtocol6WithError(provider.NewWithOptions("test", provider.Options{Kinds: extra})())()
		},
	}
}

// PreCheck skips an acceptance test outside an acceptance run (as
// terraform-plugin-testing does without TF_ACC), and fails it when the
// harness did not start. Every acceptance test calls it first.
func PreCheck(t *testing.T) {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip(SkipNoAcceptance)
	}
	if C == nil {
		t.Fatal("the acceptance harness has no cluster; run the tests with `make testacc`")
	}
}

// NeedLocal skips a test that needs the local control plane (to mint users
// with its CA, or to stop its API server) on other clusters.
func NeedLocal(t *testing.T) *testcluster.Cluster {
	t.Helper()
	PreCheck(t)
	if C.Local == nil {
		t.Skip(SkipNeedLocal)
	}
	return C.Local
}

// NeedKind skips a test that needs a kind cluster (a real node, kubelet and
// kube-proxy) on other clusters.
func NeedKind(t *testing.T) *KindCluster {
	t.Helper()
	PreCheck(t)
	if C.Kind == nil {
		t.Skip(SkipNeedKind)
	}
	return C.Kind
}
