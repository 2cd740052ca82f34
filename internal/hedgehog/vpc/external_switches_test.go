package vpc

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds/kindtest"
)

// extLookup serves objects by "<kind>/<name>".
type extLookup map[string]*unstructured.Unstructured

func (f extLookup) Get(_ context.Context, k *kinds.Kind, name string) (*unstructured.Unstructured, error) {
	if u, ok := f[k.Kind+"/"+name]; ok {
		return u, nil
	}
	return nil, apierrors.NewNotFound(schema.GroupResource{Group: k.Group, Resource: k.Plural}, name)
}

func (f extLookup) List(_ context.Context, k *kinds.Kind) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for key, u := range f {
		if strings.HasPrefix(key, k.Kind+"/") {
			out = append(out, u)
		}
	}
	return out, nil
}

func extObject(t *testing.T, name, spec string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{"spec": kindtest.Spec(t, spec)}}
	u.SetName(name)
	return u
}

// The switches that apply an attachment are its connection's; an External's
// are those of its attachments' connections.
func TestExternalAppliedSwitches(t *testing.T) {
	l := extLookup{
		"Connection/leaf-01--external": extObject(t, "leaf-01--external", "external: {link: {switch: {port: leaf-01/E1/1}}}"),
		"Connection/leaf-02--external": extObject(t, "leaf-02--external", "external: {link: {switch: {port: leaf-02/E1/1}}}"),
		"ExternalAttachment/a1":        extObject(t, "a1", "{external: isp, connection: leaf-01--external}"),
		"ExternalAttachment/a2":        extObject(t, "a2", "{external: isp, connection: leaf-02--external}"),
		"ExternalAttachment/a3":        extObject(t, "a3", "{external: other, connection: leaf-02--external}"),
		"ExternalAttachment/a4":        extObject(t, "a4", "{external: isp, connection: gone}"),
	}
	ctx := context.Background()
	got, err := ExternalAttachment.Applied.Switches(ctx, l, l["ExternalAttachment/a1"])
	if err != nil || fmt.Sprint(got) != "[leaf-01]" {
		t.Errorf("attachment a1: %v, %v", got, err)
	}
	got, err = External.Applied.Switches(ctx, l, extObject(t, "isp", "{}"))
	if err != nil || fmt.Sprint(slices.Sorted(slices.Values(got))) != "[leaf-01 leaf-02]" {
		t.Errorf("External isp: %v, %v", got, err)
	}
	if got, err := External.Applied.Switches(ctx, l, extObject(t, "none", "{}")); err != nil || len(got) != 0 {
		t.Errorf("an External without attachments reaches no switch: %v, %v", got, err)
	}
}
