package fabricsim

import (
	"context"
	"fmt"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Store reads the cluster's Hedgehog objects for the rules that need them:
// from the API server on every request, or, once cached, from informers (as
// upstream's webhook reads through its controller-runtime client).
type Store struct {
	client dynamic.Interface
	kinds  map[string]*kinds.Kind // by Kubernetes kind
	Fabric FabricConfig
	cached map[*kinds.Kind]cache.Indexer
}

// useInformers makes the store read the kinds it judges from informers until ctx
// ends. A cache can miss an object written a moment ago: Get reads the API
// server for a name its cache does not have.
func (s *Store) useInformers(ctx context.Context) error {
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(s.client, 0, meta.Namespace, nil)
	cached := map[*kinds.Kind]cache.Indexer{}
	for _, k := range slices.Concat(wiring.Kinds, vpc.Kinds, gateway.Kinds) {
		cached[k] = factory.ForResource(k.GVR(nil)).Informer().GetIndexer()
	}
	factory.Start(ctx.Done())
	for gvr, synced := range factory.WaitForCacheSync(ctx.Done()) {
		if !synced {
			return fmt.Errorf("the stand-in's webhook could not list %s", gvr.Resource)
		}
	}
	s.cached = cached
	return nil
}

// fromCache returns the cached objects of kind k that match; ok is false
// when k is not cached.
func (s *Store) fromCache(k *kinds.Kind, match func(*unstructured.Unstructured) bool) (out []unstructured.Unstructured, ok bool) {
	idx, ok := s.cached[k]
	if !ok {
		return nil, false
	}
	for _, obj := range idx.List() {
		if u, isU := obj.(*unstructured.Unstructured); isU && match(u) {
			out = append(out, *u.DeepCopy())
		}
	}
	return out, true
}

// List returns every object of a kind in the Hedgehog namespace.
func (s *Store) List(ctx context.Context, k *kinds.Kind) ([]unstructured.Unstructured, error) {
	if s.client == nil {
		return nil, nil
	}
	if out, ok := s.fromCache(k, func(*unstructured.Unstructured) bool { return true }); ok {
		return out, nil
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
	if idx, ok := s.cached[k]; ok {
		if obj, found, _ := idx.GetByKey(meta.Namespace + "/" + name); found {
			if u, isU := obj.(*unstructured.Unstructured); isU {
				return u.DeepCopy(), nil
			}
		}
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
		if out, cached := s.fromCache(k, func(u *unstructured.Unstructured) bool { return u.GetLabels()[key] == value }); cached {
			return out, nil
		}
		l, err := s.client.Resource(k.GVR(nil)).Namespace(meta.Namespace).List(ctx,
			metav1.ListOptions{LabelSelector: labels.SelectorFromSet(labels.Set{key: value}).String()})
		if err != nil {
			return nil, err
		}
		return l.Items, nil
	}
	return nil, nil
}
