package fabricsim

import (
	"context"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/dynamic"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Store reads the cluster's Hedgehog objects for the rules that need them.
type Store struct {
	client dynamic.Interface
	kinds  map[string]*kinds.Kind // by Kubernetes kind
	Fabric FabricConfig
}

// List returns every object of a kind in the Hedgehog namespace.
func (s *Store) List(ctx context.Context, k *kinds.Kind) ([]unstructured.Unstructured, error) {
	if s.client == nil {
		return nil, nil
	}
	l, err := s.client.Resource(k.GVR(nil)).Namespace(meta.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// Get returns one object of a kind, nil when there is none.
func (s *Store) Get(ctx context.Context, k *kinds.Kind, name string) (*unstructured.Unstructured, error) {
	if s.client == nil {
		return nil, nil
	}
	u, err := s.client.Resource(k.GVR(nil)).Namespace(meta.Namespace).Get(ctx, name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return nil, nil
	}
	return u, err
}

// Spec is an object's spec.
func Spec(u *unstructured.Unstructured) map[string]any {
	spec, _, _ := unstructured.NestedMap(u.Object, "spec")
	return spec
}

// ListByLabel returns the objects of the kind named kind (a Hedgehog kind
// of the stand-in) whose label key has value.
func (s *Store) ListByLabel(ctx context.Context, kind, key, value string) ([]unstructured.Unstructured, error) {
	if k, ok := s.kinds[kind]; ok && s.client != nil {
		l, err := s.client.Resource(k.GVR(nil)).Namespace(meta.Namespace).List(ctx,
			metav1.ListOptions{LabelSelector: labels.SelectorFromSet(labels.Set{key: value}).String()})
		if err != nil {
			return nil, err
		}
		return l.Items, nil
	}
	return nil, nil
}
