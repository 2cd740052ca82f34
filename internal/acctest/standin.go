package acctest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// InstallKinds installs the test CRDs of kinds (derived from their
// declarations) and waits until they are served. CRDs that exist are left
// as they are.
func InstallKinds(t *testing.T, ks ...*kinds.Kind) {
	t.Helper()
	PreCheck(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	api := C.Dynamic.Resource(crds.GVR)
	for _, k := range ks {
		crd := k.CRD()
		if _, err := api.Create(ctx, crd, metav1.CreateOptions{FieldManager: "hedgehog-acctest"}); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatalf("installing the CRD %s: %v", crd.GetName(), err)
		}
	}
	for _, k := range ks {
		name := k.CRD().GetName()
		for {
			u, err := api.Get(ctx, name, metav1.GetOptions{})
			if err == nil {
				if ok, _ := crds.Established(u); ok {
					break
				}
			}
			if ctx.Err() != nil {
				t.Fatalf("the CRD %s was not established in time: %v", name, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// Webhook registers an admission webhook served by the test process until
// the test ends.
func Webhook(t *testing.T, a fabricsim.Admission) {
	t.Helper()
	PreCheck(t)
	w, err := fabricsim.StartWebhook(context.Background(), C.Typed, C.WebhookHost, a)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Stop(context.Background()); err != nil {
			t.Errorf("stopping the webhook %s: %v", w.Name, err)
		}
	})
}

// Object reads an object of a kind straight from the cluster; nil when it
// does not exist.
func Object(t *testing.T, k *kinds.Kind, namespace, name string) *unstructured.Unstructured {
	t.Helper()
	u, err := C.Dynamic.Resource(k.GVR(nil)).Namespace(namespace).Get(context.Background(), name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil
	}
	if err != nil {
		t.Fatalf("reading %s %s/%s: %v", k.Kind, namespace, name, err)
	}
	return u
}

// Patch changes an object with a JSON merge patch as fieldManager (an
// imperative edit, as kubectl edit or patch makes).
func Patch(k *kinds.Kind, namespace, name, fieldManager string, patch map[string]any) error {
	raw, err := json.Marshal(patch)
	if err != nil {
		return err
	}
	_, err = C.Dynamic.Resource(k.GVR(nil)).Namespace(namespace).Patch(context.Background(), name, types.MergePatchType, raw,
		metav1.PatchOptions{FieldManager: fieldManager})
	return err
}
