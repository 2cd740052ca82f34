package generate

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strings"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// readOnlyReason and undeclaredReason say why objects of a kind are not
// written.
const (
	readOnlyReason   = "read-only: the fabric controller owns them (the provider has data sources for them, no resource)"
	undeclaredReason = "generate declares no such kind"
)

// hedgehogGroup tells the API groups of Hedgehog, whose kinds generate
// names when it does not write them.
func hedgehogGroup(group string) bool { return strings.HasSuffix(group, ".githedgehog.com") }

// resourceLister is the part of discovery readCluster needs.
type resourceLister interface {
	ServerGroupsAndResourcesWithContext(ctx context.Context) ([]*metav1.APIGroup, []*metav1.APIResourceList, error)
}

// readCluster lists the objects of every kind in ks that the cluster serves
// at the declared version, and names what else Hedgehog's API groups hold:
// kinds served only at another version, read-only kinds and kinds no
// declaration has, with how many objects each has.
func readCluster(ctx context.Context, dyn dynamic.Interface, disc resourceLister, ks []*kinds.Kind) ([]Object, []string, error) {
	var skipped []string
	_, lists, err := disc.ServerGroupsAndResourcesWithContext(ctx)
	if err != nil {
		if len(lists) == 0 {
			return nil, nil, fmt.Errorf("discovering the cluster's API: %w", err)
		}
		skipped = append(skipped, fmt.Sprintf("Part of the cluster's API could not be discovered (%v): its kinds were not read.", err))
	}
	// served holds, by group/kind, the versions served (in the server's
	// order of preference) and the resource.
	type servedKind struct {
		versions []string
		resource string
	}
	served := map[string]*servedKind{}
	var order []string
	for _, l := range lists {
		gv, err := schema.ParseGroupVersion(l.GroupVersion)
		if err != nil || !hedgehogGroup(gv.Group) {
			continue
		}
		for _, r := range l.APIResources {
			if strings.Contains(r.Name, "/") {
				continue // a subresource
			}
			key := gv.Group + "/" + r.Kind
			if served[key] == nil {
				served[key] = &servedKind{resource: r.Name}
				order = append(order, key)
			}
			served[key].versions = append(served[key].versions, gv.Version)
		}
	}
	var objs []Object
	done := map[string]bool{}
	for _, k := range ks {
		key := k.Group + "/" + k.Kind
		s := served[key]
		done[key] = true
		switch {
		case s == nil:
			skipped = append(skipped, fmt.Sprintf("The cluster does not serve %s (%s): none written.", k.Plural, k.APIVersion(nil)))
			continue
		case !slices.Contains(s.versions, k.Version):
			gvr := schema.GroupVersionResource{Group: k.Group, Version: s.versions[0], Resource: s.resource}
			skipped = append(skipped, countedNote(ctx, dyn, gvr, k.Kind,
				fmt.Sprintf("the cluster serves them at %s, the provider declares %s", strings.Join(s.versions, ", "), k.Version)))
			continue
		case k.ReadOnly:
			skipped = append(skipped, countedNote(ctx, dyn, k.GVR(nil), k.Kind, readOnlyReason))
			continue
		}
		l, err := dyn.Resource(k.GVR(nil)).Namespace(k.Namespace).List(ctx, metav1.ListOptions{})
		if err != nil {
			return nil, nil, fmt.Errorf("listing %s: %w", k.Plural, err)
		}
		for i := range l.Items {
			objs = append(objs, Object{Kind: k, U: &l.Items[i]})
		}
	}
	for _, key := range order {
		if done[key] {
			continue
		}
		s := served[key]
		group, kind, _ := strings.Cut(key, "/")
		skipped = append(skipped, countedNote(ctx, dyn, schema.GroupVersionResource{Group: group, Version: s.versions[0],
			Resource: s.resource}, kind, undeclaredReason))
	}
	var out []string
	for _, s := range skipped {
		if s != "" {
			out = append(out, s)
		}
	}
	return objs, out, nil
}

// countedNote says how many objects of a resource (in every namespace) are
// left out and why; "" when there are none.
func countedNote(ctx context.Context, dyn dynamic.Interface, gvr schema.GroupVersionResource, kind, why string) string {
	l, err := dyn.Resource(gvr).List(ctx, metav1.ListOptions{})
	what := fmt.Sprintf("%s objects (%s/%s)", kind, gvr.Group, gvr.Version)
	switch {
	case apierrors.IsNotFound(err):
		return ""
	case err != nil:
		return fmt.Sprintf("%s are left out: %s; and they could not be counted: %v.", what, why, err)
	case len(l.Items) == 0:
		return ""
	}
	names := make([]string, len(l.Items))
	for i, u := range l.Items {
		names[i] = u.GetName()
		if ns := u.GetNamespace(); ns != "" && ns != "default" {
			names[i] = ns + "/" + names[i]
		}
	}
	return fmt.Sprintf("%d %s are left out (%s): %s.", len(names), what, listNames(names), why)
}

// fromFile reads the objects of a multi-document YAML (or JSON) file, and
// names the documents it leaves out.
func fromFile(path string) (source, error) {
	var raw []byte
	var err error
	if path == "-" {
		raw, err = io.ReadAll(os.Stdin)
	} else {
		raw, err = os.ReadFile(path) //nolint:gosec // the user's own file
	}
	src := source{name: "the file " + path}
	if err != nil {
		return src, err
	}
	src.objs, src.skipped, err = readDocuments(raw, managedKinds())
	if err != nil {
		return src, fmt.Errorf("reading %s: %w", path, err)
	}
	return src, nil
}

// readDocuments reads the documents of a multi-document YAML (or JSON):
// objects of the kinds in byKind (by group/kind) at their declared version,
// and sentences naming the documents left out, grouped by kind.
func readDocuments(raw []byte, byKind map[string]*kinds.Kind) ([]Object, []string, error) {
	d := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(raw), 4096)
	var objs []Object
	left := map[[2]string][]string{} // {"<kind> documents (<apiVersion>)", reason} → names
	for i := 1; ; i++ {
		var m map[string]any
		if err := d.Decode(&m); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, nil, fmt.Errorf("document %d: %w", i, err)
		}
		if m == nil {
			continue
		}
		u := &unstructured.Unstructured{Object: m}
		gvk := u.GroupVersionKind()
		what := fmt.Sprintf("%s documents (%s)", u.GetKind(), u.GetAPIVersion())
		name := u.GetName()
		if name == "" {
			name = fmt.Sprintf("document %d", i)
		}
		k, ok := byKind[gvk.Group+"/"+gvk.Kind]
		why := ""
		switch {
		case u.GetKind() == "":
			what, why = "documents without a kind", "not Kubernetes objects"
		case !ok:
			why = undeclaredReason
		case k.ReadOnly:
			why = readOnlyReason
		case gvk.Version != k.Version:
			why = "the provider declares " + k.APIVersion(nil)
		}
		if why != "" {
			left[[2]string{what, why}] = append(left[[2]string{what, why}], name)
			continue
		}
		if u.GetNamespace() == "" {
			u.SetNamespace(k.Namespace)
		}
		objs = append(objs, Object{Kind: k, U: u})
	}
	var skipped []string
	for key, names := range left {
		skipped = append(skipped, fmt.Sprintf("%d %s are left out (%s): %s.", len(names), key[0], listNames(names), key[1]))
	}
	sort.Strings(skipped)
	return objs, skipped, nil
}

// managedKinds are the kinds a file's documents may be read as, by
// group/kind; read-only ones too, to name them.
func managedKinds() map[string]*kinds.Kind {
	out := map[string]*kinds.Kind{}
	for _, k := range hedgehog.Kinds() {
		out[k.Group+"/"+k.Kind] = k
	}
	return out
}

// listNames writes names for a sentence, at most ten of them.
func listNames(names []string) string {
	sort.Strings(names)
	if len(names) > 10 {
		return strings.Join(names[:10], ", ") + fmt.Sprintf(" and %d more", len(names)-10)
	}
	return strings.Join(names, ", ")
}
