package generate

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
)

// Usage is the subcommand's help.
const Usage = `Usage: terraform-provider-hedgehog generate [flags]

Writes Terraform configuration for an existing Hedgehog fabric: for every
wiring and VPC object (switches, servers, connections, VLAN namespaces, VPCs,
attachments, peerings, externals...), an import block and a resource, such
that "terraform plan" afterwards shows the imports and no change. Objects are
read from the cluster of a kubeconfig, or from a wiring YAML file.

Whatever it cannot write (kinds or versions it does not declare, read-only
kinds, fields no attribute holds, objects the plan would refuse) it names on
standard error and in a comment at the top of the configuration.

Flags:
`

// Main runs the generate subcommand; it returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("generate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	kubeconfig := fs.String("kubeconfig", "", "the kubeconfig to read the cluster with (default: $KUBECONFIG, then ~/.kube/config)")
	kubeContext := fs.String("context", "", "the kubeconfig context (default: its current context)")
	file := fs.String("file", "", "read the objects from this wiring YAML file (\"-\": standard input) instead of a cluster")
	out := fs.String("out", "", "write the configuration to this file (default: standard output)")
	imports := fs.Bool("import", true, "write import blocks (the objects exist); -import=false writes resources that create them")
	timeout := fs.Duration("timeout", time.Minute, "how long reading the cluster may take")
	fs.Usage = func() {
		_, _ = fmt.Fprint(stderr, Usage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		_, _ = fmt.Fprintf(stderr, "generate: unexpected arguments %q\n", fs.Args())
		return 2
	}
	var src source
	var err error
	if *file != "" {
		src, err = fromFile(*file)
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		defer cancel()
		src, err = fromCluster(ctx, *kubeconfig, *kubeContext, stderr)
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "generate: %v\n", err)
		return 1
	}
	config, report, err := Config(src.objs, hedgehog.Kinds(), Options{Imports: *imports, Source: src.name, Skipped: src.skipped})
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "generate: %v\n", err)
		return 1
	}
	if *out == "" {
		_, err = stdout.Write(config)
	} else {
		err = os.WriteFile(*out, config, 0o644) //nolint:gosec // configuration, not a secret
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "generate: %v\n", err)
		return 1
	}
	for _, n := range report.Notes {
		_, _ = fmt.Fprintf(stderr, "generate: %s\n", n)
	}
	where := "standard output"
	if *out != "" {
		where = *out
	}
	notes := ""
	if len(report.Notes) > 0 {
		notes = fmt.Sprintf("; %d notes above, at the top of the configuration too", len(report.Notes))
	}
	_, _ = fmt.Fprintf(stderr, "generate: wrote %d resources and %d import blocks from %s to %s%s\n",
		report.Resources, report.Imports, src.name, where, notes)
	return 0
}

// source is what a reader found: the objects the configuration can hold,
// and what it left out and why.
type source struct {
	name    string
	objs    []Object
	skipped []string
}

// fromCluster reads the objects of every kind generate declares, and names
// the kinds and versions of Hedgehog's API groups it does not read.
func fromCluster(ctx context.Context, kubeconfig, kubeContext string, stderr io.Writer) (source, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		rules.ExplicitPath = kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: kubeContext})
	rest, err := cc.ClientConfig()
	if err != nil {
		return source{}, fmt.Errorf("reading the kubeconfig: %w", err)
	}
	if kubeconfig == "" {
		_, _ = fmt.Fprintf(stderr, "generate: reading the cluster at %s (%s)\n", rest.Host, kubeconfigFrom(rules))
	}
	dyn, err := dynamic.NewForConfig(rest)
	if err != nil {
		return source{}, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(rest)
	if err != nil {
		return source{}, err
	}
	objs, skipped, err := readCluster(ctx, dyn, disc, hedgehog.Kinds())
	return source{name: "the cluster at " + rest.Host, objs: objs, skipped: skipped}, err
}

// kubeconfigFrom says which kubeconfig the default loading rules read.
func kubeconfigFrom(rules *clientcmd.ClientConfigLoadingRules) string {
	if env := os.Getenv(clientcmd.RecommendedConfigPathEnvVar); env != "" {
		return "$" + clientcmd.RecommendedConfigPathEnvVar + "=" + env
	}
	return rules.GetDefaultFilename()
}
