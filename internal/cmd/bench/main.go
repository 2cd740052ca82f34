// Command bench measures this provider against its peers on one local
// control plane, with OpenTofu from .tools/bin. Two scenarios:
//
// fabric (make bench): N hedgehog_fabric objects against
//
//   - kubectl_manifest from gavinbunney/kubectl v1.19.0, on the same Fabric
//     objects of the same cluster;
//   - time_static from hashicorp/time v0.14.2, the plugin floor: a framework
//     provider that makes no API call, with the SDK's default logging and
//     with it off;
//   - terraform_data, built into the CLI: the CLI floor.
//
// vpc (make bench-vpc): a realistic mixed Hedgehog configuration — N VPCs
// with two subnets each, 5N attachments and N/2 peerings — as typed
// resources (with the plan's dry runs, as users get them, and without)
// against kubectl_manifest of the same objects, on a cluster that runs the
// Hedgehog stand-in (its webhook admits every object of both), and against
// terraform_data resources holding the same values: the CLI's floor.
//
// For each N it times apply (create), plan with no change, apply (update
// every object) and destroy, interleaving providers in each run, and reports
// medians and spreads of the wall time, the API requests the API server
// counted on the scenario's resources, the provider processes' CPU time and
// peak RSS, and the CLI process' own CPU time and peak RSS.
//
//	bench [-scenario fabric|vpc] [-n 10,100,1000] [-runs 3] [-out internal/cmd/bench/results] [-profile dir] [-peers names]
//	bench -scenario vpc -serve dir   (a cluster and configurations to profile by hand)
//	bench shim   (internal: wraps a provider binary to measure its CPU time and peak RSS)
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/testcluster"
)

// A scenario is what one benchmark measures: its peers (one column each),
// the API resources whose requests it counts, what it sets up before the
// first run and what it checks after every destroy.
type scenario struct {
	Name      string
	Subject   string // the peer the ratios are about
	Peers     []peer
	Resources []string
	Setup     func(b *bench) error
	Ratios    func(cells []*Cell, sizes []int) (out, scaling []Ratio, missed []string)
	Leftover  func(b *bench, p peer) error
}

var scenarios = map[string]*scenario{"fabric": fabricScenario, "vpc": vpcScenario}

func main() {
	if len(os.Args) > 1 && os.Args[1] == "shim" {
		os.Exit(shim())
	}
	name := flag.String("scenario", "fabric", "fabric or vpc")
	ns := flag.String("n", "10,100,1000", "comma-separated numbers of objects (vpc: of VPCs)")
	runs := flag.Int("runs", 3, "runs of every cell (the median is reported)")
	out := flag.String("out", "internal/cmd/bench/results", "where to write <scenario>.json, .md and .svg")
	var o options
	flag.StringVar(&o.profile, "profile", "", "a directory: the hedgehog provider writes a CPU profile of every operation there")
	only := flag.String("peers", "", "comma-separated peer names (or their beginnings) to run; default all")
	flag.StringVar(&o.serve, "serve", "", "a directory: set up the cluster, write one configuration per peer there, "+
		"and wait for an interrupt instead of measuring (for profiling by hand)")
	flag.Parse()
	sc, ok := scenarios[*name]
	if !ok {
		fatalf("unknown -scenario %q (fabric or vpc)", *name)
	}
	var sizes []int
	for _, s := range strings.Split(*ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= 0 {
			fatalf("bad -n %q", *ns)
		}
		sizes = append(sizes, n)
	}
	if *only != "" {
		var keep []peer
		for _, p := range sc.Peers {
			for _, name := range strings.Split(*only, ",") {
				if strings.HasPrefix(p.Name, strings.TrimSpace(name)) {
					keep = append(keep, p)
					break
				}
			}
		}
		copied := *sc
		copied.Peers = keep
		sc = &copied
	}
	o.runs, o.out = *runs, *out
	if err := run(sc, sizes, o); err != nil {
		fatalf("%v", err)
	}
}

func fatalf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
	os.Exit(1)
}

type options struct {
	runs                int
	out, profile, serve string
}

func run(sc *scenario, sizes []int, o options) error {
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	bin := filepath.Join(root, ".tools", "bin")
	work, err := os.MkdirTemp("", "hedgehog-bench-")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(work) }()

	fmt.Println("==> building the provider and the mirror")
	cliRC, err := mirror(sc, root, bin, work)
	if err != nil {
		return err
	}
	fmt.Println("==> starting the local control plane")
	cluster, err := testcluster.Start(context.Background(), testcluster.Options{BinDir: bin, Dir: filepath.Join(work, "cluster")})
	if err != nil {
		return err
	}
	defer func() { _ = cluster.Stop() }()
	cfg, err := clientcmd.BuildConfigFromFlags("", cluster.KubeconfigPath())
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = 500, 1000
	b := &bench{sc: sc, tofu: filepath.Join(bin, "tofu"), rc: cliRC, work: work, kubeconfig: cluster.KubeconfigPath(),
		client: kubernetes.NewForConfigOrDie(cfg), dyn: dynamic.NewForConfigOrDie(cfg), cells: map[string]*Cell{}}
	if o.profile != "" {
		if b.profile, err = filepath.Abs(o.profile); err != nil {
			return err
		}
	}
	for _, p := range sc.Peers {
		if p.Namespace != "" && p.Namespace != "default" {
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: p.Namespace}}
			if _, err := b.client.CoreV1().Namespaces().Create(context.Background(), ns, metav1.CreateOptions{}); err != nil {
				return err
			}
		}
	}
	defer func() {
		for _, f := range b.cleanup {
			f()
		}
	}()
	if sc.Setup != nil {
		fmt.Println("==> setting up the " + sc.Name + " scenario")
		if err := sc.Setup(b); err != nil {
			return err
		}
	}
	if o.serve != "" {
		return b.serve(o.serve)
	}
	for r := 1; r <= o.runs; r++ {
		for _, n := range sizes {
			for _, p := range sc.Peers {
				fmt.Printf("==> run %d/%d, N=%d, %s\n", r, o.runs, n, p.Name)
				if err := b.measure(p, n, r); err != nil {
					return fmt.Errorf("%s, N=%d: %w", p.Name, n, err)
				}
			}
		}
	}
	return b.report(sizes, o.runs, o.out)
}

// serve writes each peer's configuration into dir/<peer> with a script that
// runs the CLI as the benchmark does, and waits for an interrupt.
func (b *bench) serve(dir string) error {
	for _, p := range b.sc.Peers {
		d := filepath.Join(dir, slug(p.Name))
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(d, "main.tf"), []byte(p.config(b.kubeconfig, p.Namespace)), 0o600); err != nil {
			return err
		}
		env := append([]string{"TF_CLI_CONFIG_FILE=" + b.rc, "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1"}, p.Env...)
		script := "#!/bin/sh\n# " + p.Name + ": ./tf apply -auto-approve -var n=200 -var asn=65000\ncd \"$(dirname \"$0\")\"\n" +
			"exec env " + strings.Join(env, " ") + " " + b.tofu + " \"$@\"\n"
		if err := os.WriteFile(filepath.Join(d, "tf"), []byte(script), 0o755); err != nil {
			return err
		}
	}
	fmt.Printf("==> serving: configurations in %s, kubeconfig %s; interrupt to stop\n", dir, b.kubeconfig)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	return nil
}
