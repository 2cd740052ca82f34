// Package testcluster runs a local Kubernetes control plane for the tests and
// the demo: etcd, kube-apiserver and kube-controller-manager on loopback, with
// TLS from a generated CA, RBAC, service-account signing keys, an admin
// identity, and the provider's CRDs installed. It can mint restricted
// identities so that permission errors are tested for real. This file starts
// and stops the processes (longer than most for the waits and state it keeps
// between make targets); certificates and identities are in files of their own.
//
// Product code never imports this package.
package testcluster

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// DefaultGroup and DefaultVersion are the Fabric API the cluster installs.
const (
	DefaultGroup   = "wiring.githedgehog.com"
	DefaultVersion = "v1alpha2"
	contextName    = "hedgehog-local"
)

// Options say where the binaries are and where the cluster keeps its files.
type Options struct {
	BinDir string
	Dir    string
	// Detach lets the processes outlive this program (make cluster-up);
	// otherwise they die with it, even when it is killed.
	Detach bool
	// Progress receives a line per step; nil discards them.
	Progress io.Writer
	// SkipCRDs leaves the Fabric CRD out, for whoever installs it
	// (the demo's hedgehog_crds resource, which installs only a CRD that
	// does not exist yet).
	SkipCRDs bool
}

// Cluster is a running local control plane.
type Cluster struct {
	opts  Options
	state State
	ca    *authority
	procs map[string]*process
}

// State is what a later `cluster-down` or `cluster-up` needs to know.
type State struct {
	Host     string         `json:"host"`
	EtcdPort int            `json:"etcd_port"`
	PeerPort int            `json:"etcd_peer_port"`
	APIPort  int            `json:"apiserver_port"`
	KCMPort  int            `json:"controller_manager_port"`
	PIDs     map[string]int `json:"pids"`
	// Programs are the executables' base names, to tell our processes from
	// others that later got the same PID.
	Programs map[string]string `json:"programs"`
	// Starting is set until Start has finished: such a cluster never held
	// anyone's objects, and Up may replace it.
	Starting bool `json:"starting,omitempty"`
}

func (c *Cluster) pki() string { return filepath.Join(c.opts.Dir, "pki") }

// KubeconfigPath is the admin kubeconfig.
func (c *Cluster) KubeconfigPath() string { return filepath.Join(c.opts.Dir, "kubeconfig") }

// Host is the API server URL.
func (c *Cluster) Host() string { return c.state.Host }

// CACert is the PEM CA that signed the API server's certificate.
func (c *Cluster) CACert() []byte { return c.ca.certPEM() }

func (c *Cluster) progress(format string, args ...any) {
	if c.opts.Progress != nil {
		_, _ = fmt.Fprintf(c.opts.Progress, format+"\n", args...)
	}
}

// Start brings up a new cluster in opts.Dir (which it empties first).
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	started := time.Now()
	if err := os.RemoveAll(opts.Dir); err != nil {
		return nil, err
	}
	c := &Cluster{opts: opts, procs: map[string]*process{}, state: State{PIDs: map[string]int{}, Programs: map[string]string{}}}
	if err := c.start(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	c.progress("local control plane ready at %s in %.1f s", c.state.Host, time.Since(started).Seconds())
	return c, nil
}

func (c *Cluster) start(ctx context.Context) error {
	ports, err := freePorts(4)
	if err != nil {
		return err
	}
	c.state.EtcdPort, c.state.PeerPort, c.state.APIPort, c.state.KCMPort = ports[0], ports[1], ports[2], ports[3]
	c.state.Host = "https://127.0.0.1:" + strconv.Itoa(c.state.APIPort)
	c.state.Starting = true
	if err := c.writePKI(); err != nil {
		return fmt.Errorf("generating certificates: %w", err)
	}
	if err := c.startEtcd(ctx); err != nil {
		return err
	}
	if err := c.StartAPIServer(ctx); err != nil {
		return err
	}
	if err := c.startControllerManager(ctx); err != nil {
		return err
	}
	c.state.Starting = false
	if c.opts.SkipCRDs {
		return c.saveState()
	}
	c.progress("installing the provider's CRDs")
	client, err := c.Client(kube.Options{RequestTimeout: 30 * time.Second, MaxRetries: 3, QPS: 100, Burst: 200})
	if err != nil {
		return err
	}
	bundle, err := crds.For(DefaultGroup, DefaultVersion)
	if err != nil {
		return err
	}
	if err := crds.Install(ctx, client, bundle, "hedgehog-local-cluster"); err != nil {
		return err
	}
	return c.saveState()
}

func (c *Cluster) startEtcd(ctx context.Context) error {
	client := "http://127.0.0.1:" + strconv.Itoa(c.state.EtcdPort)
	peer := "http://127.0.0.1:" + strconv.Itoa(c.state.PeerPort)
	if err := c.spawn("etcd",
		"--name=default",
		"--data-dir="+filepath.Join(c.opts.Dir, "etcd"),
		"--listen-client-urls="+client, "--advertise-client-urls="+client,
		"--listen-peer-urls="+peer, "--initial-advertise-peer-urls="+peer,
		"--initial-cluster=default="+peer,
		// The data is thrown away with the cluster; fsync only costs time.
		"--unsafe-no-fsync",
		"--log-level=warn",
	); err != nil {
		return err
	}
	return c.waitHTTP(ctx, "etcd", client+"/health", nil)
}

// StartAPIServer starts kube-apiserver (again, after StopAPIServer) on the
// same port and waits until /readyz is ok.
func (c *Cluster) StartAPIServer(ctx context.Context) error {
	pki := c.pki()
	if err := c.spawn("kube-apiserver",
		"--etcd-servers=http://127.0.0.1:"+strconv.Itoa(c.state.EtcdPort),
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(c.state.APIPort),
		"--tls-cert-file="+filepath.Join(pki, "apiserver.crt"),
		"--tls-private-key-file="+filepath.Join(pki, "apiserver.key"),
		"--client-ca-file="+filepath.Join(pki, "ca.crt"),
		"--authorization-mode=RBAC",
		"--service-account-issuer="+c.state.Host,
		"--service-account-key-file="+filepath.Join(pki, "sa.pub"),
		"--service-account-signing-key-file="+filepath.Join(pki, "sa.key"),
		"--service-cluster-ip-range=10.0.0.0/24",
		"--endpoint-reconciler-type=none",
	); err != nil {
		return err
	}
	cfg, err := c.RESTConfig()
	if err != nil {
		return err
	}
	return c.waitHTTP(ctx, "kube-apiserver", c.state.Host+"/readyz", cfg)
}

// StopAPIServer stops kube-apiserver only (etcd and the data stay).
func (c *Cluster) StopAPIServer() error { return c.stop("kube-apiserver") }

func (c *Cluster) startControllerManager(ctx context.Context) error {
	pki := c.pki()
	if err := c.spawn("kube-controller-manager",
		"--kubeconfig="+c.KubeconfigPath(),
		"--authentication-kubeconfig="+c.KubeconfigPath(),
		"--authorization-kubeconfig="+c.KubeconfigPath(),
		"--service-account-private-key-file="+filepath.Join(pki, "sa.key"),
		"--root-ca-file="+filepath.Join(pki, "ca.crt"),
		"--cluster-signing-cert-file="+filepath.Join(pki, "ca.crt"),
		"--cluster-signing-key-file="+filepath.Join(pki, "ca.key"),
		// Only what a provider that talks to the API needs: token Secrets
		// for service accounts, namespace deletion, garbage collection.
		"--controllers=serviceaccount-token-controller,serviceaccount-controller,namespace-controller,"+
			"garbage-collector-controller,root-ca-certificate-publisher-controller,certificatesigningrequest-signing-controller",
		"--leader-elect=false",
		"--bind-address=127.0.0.1",
		"--secure-port="+strconv.Itoa(c.state.KCMPort),
	); err != nil {
		return err
	}
	return c.waitHTTP(ctx, "kube-controller-manager", "https://127.0.0.1:"+strconv.Itoa(c.state.KCMPort)+"/healthz", nil)
}

// waitHTTP polls url until it answers 200 (the processes have no other
// readiness signal); with cfg it authenticates as admin.
func (c *Cluster) waitHTTP(ctx context.Context, name, url string, cfg *rest.Config) error {
	c.progress("waiting for %s", name)
	var client *http.Client
	if cfg != nil {
		var err error
		if client, err = rest.HTTPClientFor(cfg); err != nil {
			return err
		}
	} else {
		client = &http.Client{Transport: &http.Transport{TLSClientConfig: insecureTLS()}}
	}
	client.Timeout = 2 * time.Second
	p := c.procs[name]
	var last error
	err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 60*time.Second, true, func(ctx context.Context) (bool, error) {
		if p.exited() {
			return false, fmt.Errorf("%s exited: see %s", name, p.logPath)
		}
		resp, err := client.Get(url)
		if err != nil {
			last = err
			return false, nil //nolint:nilerr // not up yet: keep polling until the deadline
		}
		_ = resp.Body.Close()
		last = fmt.Errorf("HTTP %d", resp.StatusCode)
		return resp.StatusCode == http.StatusOK, nil
	})
	if err != nil {
		return fmt.Errorf("%s did not become ready (%v): %w; its log is %s", name, last, err, p.logPath)
	}
	return nil
}

func (c *Cluster) saveState() error {
	raw, err := json.MarshalIndent(c.state, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(c.opts.Dir, "state.json"), raw, 0o600)
}

// Stop stops every process and removes the cluster's files: first what
// runs beside the control plane (StartProcess: the fabric simulator, the
// Hedgehog stand-in), while the API server can still take its goodbyes (the
// stand-in unregisters its webhooks), then the control plane.
func (c *Cluster) Stop() error {
	controlPlane := []string{"kube-controller-manager", "kube-apiserver", "etcd"}
	var beside []string
	for name := range c.procs {
		if !slices.Contains(controlPlane, name) {
			beside = append(beside, name)
		}
	}
	slices.Sort(beside)
	var errs []error
	for _, name := range append(beside, controlPlane...) {
		errs = append(errs, c.stop(name))
	}
	errs = append(errs, os.RemoveAll(c.opts.Dir))
	return errors.Join(errs...)
}

func freePorts(n int) ([]int, error) {
	var ports []int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		addr, ok := l.Addr().(*net.TCPAddr)
		if !ok {
			return nil, fmt.Errorf("unexpected listener address %v", l.Addr())
		}
		ports = append(ports, addr.Port)
	}
	return ports, nil
}

// SkipStartsControlPlane is why this package's tests that start a control
// plane skip without TF_ACC (one of acctest.SkipReasons).
const SkipStartsControlPlane = "starts etcd, kube-apiserver and kube-controller-manager: runs with TF_ACC=1 (make testacc)"
