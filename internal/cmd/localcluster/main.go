// Command localcluster starts and stops the project's local Kubernetes control
// plane (make cluster-up, make cluster-down), mints identities for it, and
// runs the fabric simulator and the Hedgehog stand-in. One file for the five
// subcommands' flags and wiring: the work itself is in testcluster, fabricsim
// and the stand-in's package.
//
//	localcluster up [-dir .tools/cluster] [-bin .tools/bin] [-crds=true] [-simulate-fabrics] [-simulator-delay 2s] [-hedgehog [-gateway] [-fabric-config FILE]]
//	localcluster down [-dir .tools/cluster]
//	localcluster mint-user -name NAME [-group GROUP]...
//	localcluster simulate -kubeconfig PATH [-namespace NS] [-delay 2s]
//	localcluster stand-in -kubeconfig PATH [-agent-delay 300ms] [-gateway] [-fabric-config FILE]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/testcluster"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	var err error
	switch os.Args[1] {
	case "up":
		err = up(ctx, os.Args[2:])
	case "down":
		err = down(os.Args[2:])
	case "mint-user":
		err = mintUser(os.Args[2:])
	case "simulate":
		err = simulate(ctx, os.Args[2:])
	case "stand-in":
		err = standIn(ctx, os.Args[2:])
	default:
		usage()
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, "localcluster:", err)
		os.Exit(1)
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: localcluster up|down|mint-user|simulate|stand-in [flags]")
	os.Exit(2)
}

type common struct {
	dir, bin string
}

func (c *common) flags(set *flag.FlagSet) {
	set.StringVar(&c.dir, "dir", ".tools/cluster", "where the cluster keeps its files")
	set.StringVar(&c.bin, "bin", ".tools/bin", "where etcd, kube-apiserver and kube-controller-manager are")
}

func (c *common) options() (testcluster.Options, error) {
	dir, err := filepath.Abs(c.dir)
	if err != nil {
		return testcluster.Options{}, err
	}
	bin, err := filepath.Abs(c.bin)
	if err != nil {
		return testcluster.Options{}, err
	}
	return testcluster.Options{Dir: dir, BinDir: bin, Detach: true, Progress: os.Stdout}, nil
}

func up(ctx context.Context, args []string) error {
	var c common
	set := flag.NewFlagSet("up", flag.ExitOnError)
	c.flags(set)
	simulateFabrics := set.Bool("simulate-fabrics", false, "also run the fabric simulator (moves Fabric status to Ready)")
	delay := set.Duration("simulator-delay", 2*time.Second, "how long the simulator takes to report a fabric Ready")
	installCRDs := set.Bool("crds", true, "install the Fabric CRD when starting a new control plane "+
		"(the demo leaves it to its hedgehog_crds resource)")
	hedgehog := set.Bool("hedgehog", false, "also run the Hedgehog stand-in: the CRDs of the Hedgehog API, its admission "+
		"webhook, the built-in switch profiles and simulated switch agents")
	fabricConfig := set.String("fabric-config", "", "with -hedgehog: a Hedgehog fabric configuration file (YAML, the fabric "+
		"controller's field names such as reservedSubnets, vpcIRBVLANRange, vpcPeeringDisabled, enableGateway) for the "+
		"stand-in's webhook; what it leaves out is the virtual lab's")
	gateway := set.Bool("gateway", false, "with -hedgehog: the fabric runs Hedgehog's gateway (enableGateway, whatever "+
		"-fabric-config says), so the stand-in admits gateway objects")
	_ = set.Parse(args)
	opts, err := c.options()
	if err != nil {
		return err
	}
	opts.SkipCRDs = !*installCRDs

	cluster, did, err := testcluster.Up(ctx, opts)
	if err != nil {
		return err
	}
	fmt.Printf("local control plane at %s: %s\n", cluster.Host(), did)
	if *simulateFabrics {
		if !cluster.Alive("fabric-simulator") {
			self, err := os.Executable()
			if err != nil {
				return err
			}
			if err := cluster.StartProcess("fabric-simulator", self, "simulate",
				"-kubeconfig", cluster.KubeconfigPath(), "-delay", delay.String()); err != nil {
				return err
			}
			fmt.Printf("fabric simulator running (fabrics turn Ready %s after each change)\n", delay)
		}
	}
	if *hedgehog && !cluster.Alive("hedgehog-stand-in") {
		self, err := os.Executable()
		if err != nil {
			return err
		}
		standInArgs := []string{"stand-in", "-kubeconfig", cluster.KubeconfigPath()}
		if *fabricConfig != "" {
			path, err := filepath.Abs(*fabricConfig)
			if err != nil {
				return err
			}
			standInArgs = append(standInArgs, "-fabric-config", path)
		}
		if *gateway {
			standInArgs = append(standInArgs, "-gateway")
		}
		if err := cluster.StartProcess("hedgehog-stand-in", self, standInArgs...); err != nil {
			return err
		}
		if err := waitServed(ctx, cluster.KubeconfigPath()); err != nil {
			return err
		}
		gw := "off"
		if *gateway {
			gw = "on"
		}
		fmt.Printf("Hedgehog stand-in running (webhook, switch profiles, agents; gateway %s)\n", gw)
	} else if *hedgehog {
		// Its fabric configuration is the one it started with.
		fmt.Println("Hedgehog stand-in already running, as it was started (make cluster-down first to change -gateway or -fabric-config)")
	}
	rel, _ := filepath.Rel(mustGetwd(), cluster.KubeconfigPath())
	fmt.Printf("kubeconfig: %s\n  kubectl --kubeconfig %s get fabrics -A\nstop it with: make cluster-down\n", rel, rel)
	return nil
}

func down(args []string) error {
	var c common
	set := flag.NewFlagSet("down", flag.ExitOnError)
	c.flags(set)
	_ = set.Parse(args)
	opts, err := c.options()
	if err != nil {
		return err
	}
	cluster, err := testcluster.Attach(opts)
	if errors.Is(err, fs.ErrNotExist) {
		fmt.Println("no local control plane is running")
		return os.RemoveAll(opts.Dir)
	}
	if err != nil {
		// A half-written cluster: nothing to stop that we can name.
		fmt.Fprintln(os.Stderr, "localcluster:", err)
		return os.RemoveAll(opts.Dir)
	}
	pids := cluster.PIDs()
	if err := cluster.Stop(); err != nil {
		return err
	}
	var names []string
	for name, pid := range pids {
		names = append(names, fmt.Sprintf("%s (%d)", name, pid))
	}
	fmt.Printf("stopped %s and removed %s\n", strings.Join(names, ", "), opts.Dir)
	return nil
}

func mintUser(args []string) error {
	var c common
	set := flag.NewFlagSet("mint-user", flag.ExitOnError)
	c.flags(set)
	name := set.String("name", "", "user name (the certificate's common name)")
	var groups multi
	set.Var(&groups, "group", "a group of the user (repeatable)")
	_ = set.Parse(args)
	if *name == "" {
		return errors.New("mint-user needs -name")
	}
	opts, err := c.options()
	if err != nil {
		return err
	}
	cluster, err := testcluster.Attach(opts)
	if err != nil {
		return fmt.Errorf("no local control plane (make cluster-up): %w", err)
	}
	user, err := cluster.MintUser(*name, groups...)
	if err != nil {
		return err
	}
	fmt.Println(user.Kubeconfig)
	return nil
}

func simulate(ctx context.Context, args []string) error {
	set := flag.NewFlagSet("simulate", flag.ExitOnError)
	kubeconfig := set.String("kubeconfig", "", "kubeconfig of the cluster")
	namespace := set.String("namespace", "", "only this namespace (default: all)")
	delay := set.Duration("delay", 2*time.Second, "time from a change to the new status")
	group := set.String("group", testcluster.DefaultGroup, "Fabric API group")
	version := set.String("version", testcluster.DefaultVersion, "Fabric API version")
	_ = set.Parse(args)
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		return err
	}
	client, err := dynamic.NewForConfig(cfg)
	if err != nil {
		return err
	}
	gvr := schema.GroupVersionResource{Group: *group, Version: *version, Resource: "fabrics"}
	// The demo's CRD comes with its first apply: until then the informer
	// would only back off further and further.
	err = wait.PollUntilContextCancel(ctx, 500*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := client.Resource(gvr).List(ctx, metav1.ListOptions{Limit: 1})
		return err == nil, nil //nolint:nilerr // not served yet: keep polling
	})
	if err != nil {
		return err
	}
	return fabricsim.Run(ctx, client, fabricsim.Options{
		GVR:       gvr,
		Namespace: *namespace,
		Delay:     *delay,
	})
}

// standIn runs the Hedgehog stand-in until it is stopped; the webhook runs
// on loopback, where the local control plane's API server reaches it.
func standIn(ctx context.Context, args []string) error {
	set := flag.NewFlagSet("stand-in", flag.ExitOnError)
	kubeconfig := set.String("kubeconfig", "", "kubeconfig of the cluster")
	agentDelay := set.Duration("agent-delay", 300*time.Millisecond, "how long a simulated switch takes to apply a change")
	fabricConfig := set.String("fabric-config", "", "a Hedgehog fabric configuration file (YAML) for the webhook; "+
		"what it leaves out is the virtual lab's")
	gateway := set.Bool("gateway", false, "the fabric runs Hedgehog's gateway (enableGateway, whatever -fabric-config says)")
	_ = set.Parse(args)
	fabric := fabricsim.DefaultFabricConfig
	if *fabricConfig != "" {
		var err error
		if fabric, err = fabricsim.LoadFabricConfig(*fabricConfig); err != nil {
			return err
		}
	}
	fabric.GatewayEnabled = fabric.GatewayEnabled || *gateway
	cfg, err := clientcmd.BuildConfigFromFlags("", *kubeconfig)
	if err != nil {
		return err
	}
	cfg.QPS, cfg.Burst = 500, 1000
	typed := kubernetes.NewForConfigOrDie(cfg)
	// A stand-in that died without unregistering left its webhook behind,
	// which refuses every Hedgehog object: the local control plane is this
	// command's, so those go first.
	admission := typed.AdmissionregistrationV1()
	if l, err := admission.MutatingWebhookConfigurations().List(ctx, metav1.ListOptions{}); err == nil {
		for _, w := range l.Items {
			if strings.HasPrefix(w.Name, fabricsim.WebhookPrefix) {
				_ = admission.MutatingWebhookConfigurations().Delete(ctx, w.Name, metav1.DeleteOptions{})
			}
		}
	}
	if l, err := admission.ValidatingWebhookConfigurations().List(ctx, metav1.ListOptions{}); err == nil {
		for _, w := range l.Items {
			if strings.HasPrefix(w.Name, fabricsim.WebhookPrefix) {
				_ = admission.ValidatingWebhookConfigurations().Delete(ctx, w.Name, metav1.DeleteOptions{})
			}
		}
	}
	// The start runs to its end even when a stop comes meanwhile (make
	// cluster-down right after cluster-up): a stand-in stopped half-started
	// would leave its webhook registered, refusing every Hedgehog object.
	start, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	s, err := fabricsim.StartStandIn(start, dynamic.NewForConfigOrDie(cfg), typed, fabricsim.StandInOptions{
		Host: "127.0.0.1", AgentDelay: *agentDelay, Fabric: fabric})
	if err != nil {
		return err
	}
	<-ctx.Done()
	return s.Stop(context.Background())
}

// waitServed waits until the stand-in has seeded the built-in switch
// profiles: its CRDs are served and its webhook admits.
func waitServed(ctx context.Context, kubeconfig string) error {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return err
	}
	client := dynamic.NewForConfigOrDie(cfg)
	gvr := schema.GroupVersionResource{Group: "wiring.githedgehog.com", Version: "v1beta1", Resource: "switchprofiles"}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	err = wait.PollUntilContextCancel(ctx, 200*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		_, err := client.Resource(gvr).Namespace("default").Get(ctx, "vs", metav1.GetOptions{})
		return err == nil, nil //nolint:nilerr // not there yet: keep polling
	})
	if err != nil {
		return fmt.Errorf("the Hedgehog stand-in did not come up: %w", err)
	}
	return nil
}

type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

func mustGetwd() string {
	wd, _ := os.Getwd()
	return wd
}
