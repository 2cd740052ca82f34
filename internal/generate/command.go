package generate

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Usage is the subcommand's help.
const Usage = `Usage: terraform-provider-hedgehog generate [flags]

Writes Terraform configuration for an existing Hedgehog fabric: for every
wiring and VPC object (switches, servers, connections, VLAN namespaces, VPCs,
attachments, peerings, externals...), an import block and a resource, such
that "terraform plan" afterwards shows the imports and no change. Objects are
read from the cluster of a kubeconfig, or from a wiring YAML file.

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
	var objs []Object
	var err error
	source := ""
	if *file != "" {
		source = "the file " + *file
		objs, err = fromFile(*file)
	} else {
		ctx, cancel := context.WithTimeout(context.Background(), *timeout)
		defer cancel()
		source, objs, err = fromCluster(ctx, *kubeconfig, *kubeContext, stderr)
	}
	if err != nil {
		_, _ = fmt.Fprintf(stderr, "generate: %v\n", err)
		return 1
	}
	config, err := Config(objs, hedgehog.Kinds(), Options{Imports: *imports, Source: source})
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
	if *out != "" {
		_, _ = fmt.Fprintf(stderr, "generate: wrote %d objects to %s\n", len(objs), *out)
	}
	return 0
}

// managed are the kinds a configuration can hold (not the read-only ones).
func managed() map[string]*kinds.Kind {
	out := map[string]*kinds.Kind{}
	for _, k := range hedgehog.Kinds() {
		if !k.ReadOnly {
			out[k.Group+"/"+k.Kind] = k
		}
	}
	return out
}

// fromCluster lists the objects of every kind in the kinds' namespace; a
// kind the cluster does not serve is skipped, with a note.
func fromCluster(ctx context.Context, kubeconfig, kubeContext string, stderr io.Writer) (string, []Object, error) {
	rules := clientcmd.NewDefaultClientConfigLoadingRules()
	if kubeconfig != "" {
		rules.ExplicitPath = kubeconfig
	}
	cc := clientcmd.NewNonInteractiveDeferredLoadingClientConfig(rules, &clientcmd.ConfigOverrides{CurrentContext: kubeContext})
	rest, err := cc.ClientConfig()
	if err != nil {
		return "", nil, fmt.Errorf("reading the kubeconfig: %w", err)
	}
	dyn, err := dynamic.NewForConfig(rest)
	if err != nil {
		return "", nil, err
	}
	var objs []Object
	for _, k := range hedgehog.Kinds() {
		if k.ReadOnly {
			continue
		}
		l, err := dyn.Resource(k.GVR(nil)).Namespace(k.Namespace).List(ctx, metav1.ListOptions{})
		if apierrors.IsNotFound(err) {
			_, _ = fmt.Fprintf(stderr, "generate: the cluster does not serve %s (%s); skipped\n", k.Plural, k.APIVersion(nil))
			continue
		}
		if err != nil {
			return "", nil, fmt.Errorf("listing %s: %w", k.Plural, err)
		}
		for i := range l.Items {
			objs = append(objs, Object{Kind: k, U: &l.Items[i]})
		}
	}
	return "the cluster at " + rest.Host, objs, nil
}

// fromFile reads the objects of a multi-document YAML (or JSON) file;
// documents of other kinds are skipped.
func fromFile(path string) ([]Object, error) {
	var raw []byte
	var err error
	if path == "-" {
		raw, err = io.ReadAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(path) //nolint:gosec // the user's own file
	}
	if err != nil {
		return nil, err
	}
	byKind := managed()
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(raw), 4096)
	var objs []Object
	for {
		var m map[string]any
		if err := d.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path, err)
		}
		if m == nil {
			continue
		}
		u := &unstructured.Unstructured{Object: m}
		k, ok := byKind[u.GroupVersionKind().Group+"/"+u.GetKind()]
		if !ok {
			continue
		}
		if u.GetNamespace() == "" {
			u.SetNamespace(k.Namespace)
		}
		objs = append(objs, Object{Kind: k, U: u})
	}
	return objs, nil
}
