package crds

import (
	"errors"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

func crdWith(managers []metav1.ManagedFieldsEntry, stored []any, versions ...any) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"metadata": map[string]any{"name": "fabrics.example.com", "uid": "1234"},
		"spec":     map[string]any{"versions": versions},
		"status":   map[string]any{"storedVersions": stored},
	}}
	u.SetManagedFields(managers)
	return u
}

func v(name string, served, storage bool) map[string]any {
	return map[string]any{"name": name, "served": served, "storage": storage}
}

func TestForeignErrorSaysWhoOwnsIt(t *testing.T) {
	live := crdWith([]metav1.ManagedFieldsEntry{
		{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply},
		{Manager: "kube-apiserver", Operation: metav1.ManagedFieldsOperationUpdate, Subresource: "status"},
		{Manager: "helm", Operation: metav1.ManagedFieldsOperationUpdate},
	}, []any{"v1beta9"}, v("v1beta9", true, true), v("v1alpha1", false, false))
	got := foreign(live, "").Error()
	for _, want := range []string{"fabrics.example.com (uid 1234) exists and was not installed by this resource",
		"managed by kubectl (Apply), helm (Update)", "versions are v1beta9 (served, storage), v1alpha1 ()", "stored versions: v1beta9"} {
		if !strings.Contains(got, want) {
			t.Errorf("the error lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "kube-apiserver") {
		t.Errorf("the status manager is not an installer:\n%s", got)
	}

	live.SetAnnotations(map[string]string{InstalledByAnnotation: "hedgehog_crds"})
	if got := foreign(live, "").Error(); !strings.Contains(got, "another hedgehog_crds resource") {
		t.Errorf("a CRD marked by another hedgehog_crds resource:\n%s", got)
	}
	if got := foreign(live, "5678").Error(); !strings.Contains(got, "the one it installed was deleted") {
		t.Errorf("a CRD recreated under the same name:\n%s", got)
	}
}

func TestUpgradeKeepsStorageVersionsItDoesNotShip(t *testing.T) {
	ours := crdWith(nil, nil, v("v1alpha2", true, true))
	// Another manager's served version beside ours: the upgrade applies it
	// too, as it is (spec.versions is an atomic list).
	if err := keepOthersVersions(crdWith(nil, []any{"v1alpha2"}, v("v1alpha2", true, false), v("v1beta1", true, false)), ours); err != nil {
		t.Errorf("an extra served version: %v", err)
	}
	if got := versions(ours); len(got) != 2 || got[0] != (version{"v1alpha2", true, true}) || got[1] != (version{"v1beta1", true, false}) {
		t.Errorf("versions to apply: %v, want ours as shipped and theirs as it is", got)
	}
	// Another storage version: ours would be a second one.
	err := keepOthersVersions(crdWith([]metav1.ManagedFieldsEntry{{Manager: "kubectl", Operation: metav1.ManagedFieldsOperationApply}},
		[]any{"v1beta9"}, v("v1beta9", true, true)), ours)
	var ve *VersionError
	if !errors.As(err, &ve) || ve.Version != "v1beta9" || !strings.Contains(err.Error(), "kubectl (Apply)") {
		t.Errorf("another storage version: %v", err)
	}
}
