// Package crds holds the CustomResourceDefinitions this provider version
// ships, and installs them.
package crds

import (
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/yaml"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

//go:embed fabrics.yaml
var fabricsYAML []byte

// HashAnnotation carries, on every CRD installed by the provider, the hash of
// the bundle it came from, so that a plan can tell an installed bundle from
// the one this provider version ships.
const HashAnnotation = "hedgehog-terraform.github.io/bundle-hash"

// GVR is the resource of CustomResourceDefinitions.
var GVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}

// Bundle is the set of CRDs for one API group and version.
type Bundle struct {
	Objects []*unstructured.Unstructured
	Hash    string
}

// Names are the CRD names in the bundle, sorted.
func (b Bundle) Names() []string {
	out := make([]string, 0, len(b.Objects))
	for _, o := range b.Objects {
		out = append(out, o.GetName())
	}
	sort.Strings(out)
	return out
}

// For renders the shipped CRDs for an API group and version (the provider's
// fabric_api_group and fabric_api_version).
func For(group, version string) (Bundle, error) {
	crd := &unstructured.Unstructured{}
	if err := yaml.Unmarshal(fabricsYAML, &crd.Object); err != nil {
		return Bundle{}, fmt.Errorf("the embedded Fabric CRD does not parse; please report this issue to the provider developers: %w", err)
	}
	plural, _, _ := unstructured.NestedString(crd.Object, "spec", "names", "plural")
	crd.SetName(plural + "." + group)
	if err := unstructured.SetNestedField(crd.Object, group, "spec", "group"); err != nil {
		return Bundle{}, err
	}
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	first, ok := versions[0].(map[string]any)
	if !ok {
		return Bundle{}, fmt.Errorf("the embedded Fabric CRD has no version; please report this issue to the provider developers")
	}
	first["name"] = version
	if err := unstructured.SetNestedSlice(crd.Object, versions, "spec", "versions"); err != nil {
		return Bundle{}, err
	}

	b := Bundle{Objects: []*unstructured.Unstructured{crd}}
	sum := sha256.New()
	for _, o := range b.Objects {
		raw, err := json.Marshal(o.Object)
		if err != nil {
			return Bundle{}, err
		}
		sum.Write(raw)
	}
	b.Hash = hex.EncodeToString(sum.Sum(nil))[:16]
	for _, o := range b.Objects {
		ann := o.GetAnnotations()
		if ann == nil {
			ann = map[string]string{}
		}
		ann[HashAnnotation] = b.Hash
		o.SetAnnotations(ann)
	}
	return b, nil
}

// Install applies every CRD of the bundle (taking over its fields from any
// earlier installer) and waits until each is Established. It is for clusters
// that the caller owns (the local control plane, the acceptance tests'
// clusters); the hedgehog_crds resource uses Ensure, which never writes onto
// a CRD it did not install.
func Install(ctx context.Context, c *kube.Client, b Bundle, fieldManager string) error {
	api := c.Objects(GVR, "CustomResourceDefinition", "")
	for _, o := range b.Objects {
		if _, err := api.Apply(ctx, o, fieldManager, true); err != nil {
			return &Error{Op: "apply", Name: o.GetName(), Err: err}
		}
	}
	for _, o := range b.Objects {
		if _, err := api.WaitFor(ctx, "", o.GetName(), Established); err != nil {
			return &Error{Op: "wait for", Name: o.GetName(), Err: err}
		}
	}
	return nil
}

// Error is a failure on one CRD.
type Error struct {
	Op   string
	Name string
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("%s CRD %s: %v", e.Op, e.Name, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// Established is a wait condition: the CRD is served. A CRD whose names
// conflict with another ends the wait with an error.
func Established(u *unstructured.Unstructured) (bool, error) {
	if u == nil {
		return false, fmt.Errorf("the CRD was deleted while waiting for it to be established")
	}
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	established := false
	for _, c := range conds {
		m, _ := c.(map[string]any)
		switch m["type"] {
		case "Established":
			established = m["status"] == "True"
		case "NamesAccepted":
			if m["status"] == "False" {
				return false, fmt.Errorf("the API server did not accept the CRD's names: %v", m["message"])
			}
		}
	}
	return established, nil
}
