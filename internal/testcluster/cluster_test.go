package testcluster

import (
	"context"
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
)

func TestFreePortsAreDistinct(t *testing.T) {
	ports, err := freePorts(8)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int]bool{}
	for _, p := range ports {
		if p <= 0 || seen[p] {
			t.Fatalf("ports %v", ports)
		}
		seen[p] = true
	}
}

func parseCert(t *testing.T, raw []byte) *x509.Certificate {
	t.Helper()
	block, _ := pem.Decode(raw)
	if block == nil {
		t.Fatal("no PEM block")
	}
	c, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestAuthoritySignsClientsAndServers(t *testing.T) {
	ca, err := newAuthority()
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(ca.cert)

	client, err := ca.sign("alice", []string{"netops", "system:masters"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := parseCert(t, client.Cert)
	if c.Subject.CommonName != "alice" || len(c.Subject.Organization) != 2 || c.Subject.Organization[0] != "netops" {
		t.Fatalf("subject %v: the user is the CN, the groups the O", c.Subject)
	}
	if _, err := c.Verify(x509.VerifyOptions{Roots: roots, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Fatalf("client certificate does not verify: %v", err)
	}

	server, err := ca.sign("kube-apiserver", nil, []string{"127.0.0.1", "localhost"})
	if err != nil {
		t.Fatal(err)
	}
	s := parseCert(t, server.Cert)
	if _, err := s.Verify(x509.VerifyOptions{Roots: roots, DNSName: "localhost"}); err != nil {
		t.Fatalf("serving certificate does not verify for localhost: %v", err)
	}
	if len(s.IPAddresses) != 1 || s.IPAddresses[0].String() != "127.0.0.1" {
		t.Fatalf("IP SANs %v", s.IPAddresses)
	}

	dir := t.TempDir()
	if err := ca.write(dir); err != nil {
		t.Fatal(err)
	}
	loaded, err := loadAuthority(dir)
	if err != nil || !loaded.cert.Equal(ca.cert) {
		t.Fatalf("reloading the CA: %v", err)
	}
}

func TestAlive(t *testing.T) {
	exe, _ := os.Executable()
	if !alive(os.Getpid(), filepath.Base(exe)) {
		t.Error("this process is alive")
	}
	if alive(os.Getpid(), "not-this-program") {
		t.Error("a pid running another program is not ours")
	}
	if alive(1<<22, "x") {
		t.Error("no such pid")
	}
}

func root(t *testing.T) string {
	dir, _ := os.Getwd()
	for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
		if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil && filepath.Base(filepath.Dir(d)) != "tools" {
			if _, err := os.Stat(filepath.Join(d, "tools", "install.sh")); err == nil {
				return d
			}
		}
	}
	t.Fatal("repository root not found")
	return ""
}

// TestLocalControlPlane starts a whole control plane, as make cluster-up
// and every acceptance run do, and checks what the harness promises.
func TestLocalControlPlane(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip(SkipStartsControlPlane)
	}
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "cluster")
	c, err := Start(ctx, Options{BinDir: filepath.Join(root(t), ".tools", "bin"), Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = c.Stop()
		}
	})
	if !c.Running() {
		t.Fatal("not running after Start")
	}

	// The admin kubeconfig works and the Fabric CRD is served.
	fabrics := schema.GroupVersionResource{Group: DefaultGroup, Version: DefaultVersion, Resource: "fabrics"}
	admin, err := clientcmd.BuildConfigFromFlags("", c.KubeconfigPath())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := dynamic.NewForConfigOrDie(admin).Resource(fabrics).List(ctx, metav1.ListOptions{}); err != nil {
		t.Fatalf("listing fabrics as admin: %v", err)
	}

	// A minted identity without rights is really refused.
	nobody, err := c.MintUser("nobody", "hedgehog-testers")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", nobody.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	_, err = dynamic.NewForConfigOrDie(cfg).Resource(fabrics).Namespace("default").List(ctx, metav1.ListOptions{})
	if !apierrors.IsForbidden(err) {
		t.Fatalf("the minted user without rights got %v, want 403", err)
	}
	// One in system:masters is not.
	root, err := c.MintUser("root", "system:masters")
	if err != nil {
		t.Fatal(err)
	}
	cfg, _ = clientcmd.BuildConfigFromFlags("", root.Kubeconfig)
	if _, err := dynamic.NewForConfigOrDie(cfg).Resource(fabrics).List(ctx, metav1.ListOptions{}); err != nil {
		t.Fatalf("a system:masters user: %v", err)
	}

	// The API server restarts on its port, with its data.
	if err := c.StopAPIServer(); err != nil {
		t.Fatal(err)
	}
	if err := c.StartAPIServer(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := dynamic.NewForConfigOrDie(admin).Resource(fabrics).List(ctx, metav1.ListOptions{}); err != nil {
		t.Fatalf("after a restart: %v", err)
	}

	// Stop leaves nothing behind.
	pids := c.PIDs()
	stopped = true
	if err := c.Stop(); err != nil {
		t.Fatal(err)
	}
	for name, pid := range pids {
		if alive(pid, name) { // the control plane's programs carry their names
			t.Errorf("%s (pid %d) still runs after Stop", name, pid)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("%s still exists after Stop", dir)
	}
}

// TestDetachedControlPlane is the make cluster-up / cluster-down path: the
// processes outlive the program that started them, a second look finds the
// running cluster instead of starting another, and down stops them all.
func TestDetachedControlPlane(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip(SkipStartsControlPlane)
	}
	dir := filepath.Join(t.TempDir(), "cluster")
	opts := Options{BinDir: filepath.Join(root(t), ".tools", "bin"), Dir: dir, Detach: true}
	c, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Stop() })

	found, err := Attach(opts)
	if err != nil {
		t.Fatal(err)
	}
	if !found.Running() || found.Host() != c.Host() {
		t.Fatalf("Attach found %v at %s, want the running cluster at %s", found.Running(), found.Host(), c.Host())
	}
	pids := found.PIDs()
	if len(pids) != 3 {
		t.Fatalf("pids %v", pids)
	}
	if err := found.Stop(); err != nil {
		t.Fatal(err)
	}
	for name, pid := range pids {
		if alive(pid, name) {
			t.Errorf("%s (pid %d) still runs after down", name, pid)
		}
	}
	if _, err := Attach(opts); !os.IsNotExist(err) {
		t.Errorf("after down, Attach should find nothing: %v", err)
	}
}
