package crds

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func TestForSubstitutesGroupAndVersion(t *testing.T) {
	b, err := For("fabric.example.com", "v1beta1")
	if err != nil {
		t.Fatal(err)
	}
	crd := b.Objects[0]
	if crd.GetName() != "fabrics.fabric.example.com" {
		t.Errorf("name %q", crd.GetName())
	}
	if g, _, _ := unstructured.NestedString(crd.Object, "spec", "group"); g != "fabric.example.com" {
		t.Errorf("group %q", g)
	}
	versions, _, _ := unstructured.NestedSlice(crd.Object, "spec", "versions")
	if name, _, _ := unstructured.NestedString(versions[0].(map[string]any), "name"); len(versions) != 1 || name != "v1beta1" { //nolint:forcetypeassert // a test: a panic is a failure
		t.Errorf("versions %v", versions)
	}
	if crd.GetAnnotations()[HashAnnotation] != b.Hash || len(b.Hash) != 16 {
		t.Errorf("hash annotation %q, bundle hash %q", crd.GetAnnotations()[HashAnnotation], b.Hash)
	}
	other, _ := For("fabric.example.com", "v1")
	if other.Hash == b.Hash {
		t.Error("another version must give another hash")
	}
	again, _ := For("fabric.example.com", "v1beta1")
	if again.Hash != b.Hash {
		t.Error("the hash must be stable")
	}
}

func TestFabricSchemaIsStructural(t *testing.T) {
	b, _ := For("wiring.githedgehog.com", "v1alpha2")
	v, _, _ := unstructured.NestedSlice(b.Objects[0].Object, "spec", "versions")
	version, _ := v[0].(map[string]any)
	props, _, _ := unstructured.NestedMap(version, "schema", "openAPIV3Schema", "properties")
	specProps, _, _ := unstructured.NestedMap(props, "spec", "properties")
	for _, f := range []string{"name", "description", "asn", "spine_count", "leaf_count", "spine_leaf_links", "vpc_peering_config", "switch_config"} {
		if _, ok := specProps[f]; !ok {
			t.Errorf("spec.%s is missing", f)
		}
	}
	statusProps, _, _ := unstructured.NestedMap(props, "status", "properties")
	for _, f := range []string{"phase", "conditions", "spine_status", "leaf_status", "last_sync_time", "sync_error"} {
		if _, ok := statusProps[f]; !ok {
			t.Errorf("status.%s is missing", f)
		}
	}
	if maximum, _, _ := unstructured.NestedFieldNoCopy(specProps, "asn", "maximum"); maximum != int64(4294967294) && maximum != float64(4294967294) {
		t.Errorf("asn maximum %v", maximum)
	}
}

func TestEstablished(t *testing.T) {
	cond := func(typ, status string) map[string]any {
		return map[string]any{"type": typ, "status": status, "message": "m"}
	}
	crd := func(conds ...any) *unstructured.Unstructured {
		return &unstructured.Unstructured{Object: map[string]any{"status": map[string]any{"conditions": conds}}}
	}
	if ok, err := Established(crd(cond("NamesAccepted", "True"), cond("Established", "True"))); !ok || err != nil {
		t.Errorf("established: %v %v", ok, err)
	}
	if ok, err := Established(crd(cond("Established", "False"))); ok || err != nil {
		t.Errorf("not yet: %v %v", ok, err)
	}
	if _, err := Established(crd(cond("NamesAccepted", "False"))); err == nil {
		t.Error("rejected names must end the wait")
	}
	if _, err := Established(nil); err == nil {
		t.Error("a deleted CRD must end the wait")
	}
}
