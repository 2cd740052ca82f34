package fabricsim

import (
	"context"
	"fmt"

	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Behaviour is what the stand-in's webhook does for one Hedgehog kind,
// beyond what the kind's declaration says (its Default and its Check, which
// the webhook applies as Hedgehog's does).
type Behaviour struct {
	Kind *kinds.Kind
	// Prefix starts every denial, as upstream's do ("failed to validate vpc").
	Prefix string
	// NoWebhook: Hedgehog registers no webhook for the kind (SwitchGroup).
	NoWebhook bool
	// Labels are the labels the webhook computes from the spec.
	Labels func(spec map[string]any) map[string]string
	// Cross checks the rules that need other objects, on create and update.
	Cross func(ctx context.Context, s *Store, u *unstructured.Unstructured) error
	// Update checks what may not change (old and new object).
	Update func(old, u *unstructured.Unstructured) error
	// DeleteBlocked refuses a delete while others reference the object
	// (upstream's messages carry no prefix).
	DeleteBlocked func(ctx context.Context, s *Store, u *unstructured.Unstructured) error
}

// Behaviours are the stand-in's Hedgehog kinds.
var Behaviours = []Behaviour{ipv4NamespaceBehaviour}

// FabricConfig is the part of Hedgehog's fabric configuration that its
// webhooks consult; DefaultFabricConfig is the virtual lab's.
type FabricConfig struct {
	ReservedSubnets []string // VPC and External subnets may not overlap these
}

// DefaultFabricConfig is the fabric configuration of Hedgehog's virtual lab.
var DefaultFabricConfig = FabricConfig{
	ReservedSubnets: []string{"172.28.0.0/16", "172.29.0.0/16", "172.30.0.0/16", "172.31.0.0/16"},
}

// Hedgehog is the stand-in for the Hedgehog fabric controller's admission
// webhooks: defaults, the rules of each kind (with upstream's messages), the
// rules that need other objects, and delete protection.
type Hedgehog struct {
	store      *Store
	behaviours map[schema.GroupResource]Behaviour
}

// NewHedgehog is the stand-in for a cluster.
func NewHedgehog(client dynamic.Interface, fabric FabricConfig) *Hedgehog {
	h := &Hedgehog{store: &Store{client: client, Fabric: fabric, kinds: map[string]*kinds.Kind{}},
		behaviours: map[schema.GroupResource]Behaviour{}}
	for _, b := range Behaviours {
		h.behaviours[schema.GroupResource{Group: b.Kind.Group, Resource: b.Kind.Plural}] = b
		h.store.kinds[b.Kind.Kind] = b.Kind
	}
	return h
}

// Rules are the Hedgehog resources, for create, update and delete.
func (h *Hedgehog) Rules() []admissionregistrationv1.RuleWithOperations {
	var out []admissionregistrationv1.RuleWithOperations
	for _, b := range Behaviours {
		if b.NoWebhook {
			continue
		}
		out = append(out, admissionregistrationv1.RuleWithOperations{
			Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create, admissionregistrationv1.Update,
				admissionregistrationv1.Delete},
			Rule: admissionregistrationv1.Rule{APIGroups: []string{b.Kind.Group}, APIVersions: []string{b.Kind.Version},
				Resources: []string{b.Kind.Plural}},
		})
	}
	return out
}

func (h *Hedgehog) behaviour(u *unstructured.Unstructured) (Behaviour, bool) {
	for _, b := range h.behaviours {
		if b.Kind.Kind == u.GetKind() && b.Kind.Group == u.GroupVersionKind().Group {
			return b, true
		}
	}
	return Behaviour{}, false
}

// Mutate sets the namespace, recomputes the fabric labels and applies the
// kind's defaults, as Hedgehog's mutating webhooks do.
func (h *Hedgehog) Mutate(_ context.Context, _ admissionv1.Operation, u *unstructured.Unstructured) error {
	b, ok := h.behaviour(u)
	if !ok {
		return nil
	}
	if u.GetNamespace() == "" {
		u.SetNamespace(meta.Namespace)
	}
	spec, _, _ := unstructured.NestedMap(u.Object, "spec")
	if spec == nil {
		spec = map[string]any{}
	}
	if b.Kind.Default != nil {
		b.Kind.Default(spec)
	}
	u.Object["spec"] = spec
	labels := map[string]string{}
	for k, v := range u.GetLabels() {
		if !meta.ServerLabel(k) {
			labels[k] = v
		}
	}
	if b.Labels != nil {
		for k, v := range b.Labels(spec) {
			labels[k] = v
		}
	}
	u.SetLabels(labels)
	return nil
}

// Validate checks a create, update or delete as Hedgehog's validating
// webhooks do; the error is the denial, in upstream's words.
func (h *Hedgehog) Validate(ctx context.Context, op admissionv1.Operation, u, old *unstructured.Unstructured) error {
	target := u
	if target == nil {
		target = old
	}
	b, ok := h.behaviour(target)
	if !ok {
		return nil
	}
	deny := func(err error) error {
		if err == nil {
			return nil
		}
		return fmt.Errorf("%s: %w", b.Prefix, err)
	}
	if op == admissionv1.Delete {
		if b.DeleteBlocked == nil {
			return nil
		}
		return b.DeleteBlocked(ctx, h.store, old) // upstream's delete denials carry no prefix
	}
	if u.GetNamespace() != meta.Namespace {
		return deny(fmt.Errorf("only default namespace is currently supported"))
	}
	if op == admissionv1.Update && b.Update != nil {
		if err := b.Update(old, u); err != nil {
			return err // upstream's immutability messages carry no prefix
		}
	}
	if b.Kind.Check != nil {
		spec, _, _ := unstructured.NestedMap(u.Object, "spec")
		if problems := b.Kind.Check(u.GetName(), spec); len(problems) > 0 {
			return deny(fmt.Errorf("%s", problems[0].Message))
		}
	}
	if b.Cross != nil {
		return deny(b.Cross(ctx, h.store, u))
	}
	return nil
}

// Store reads the cluster's Hedgehog objects for the rules that need them.
type Store struct {
	client dynamic.Interface
	kinds  map[string]*kinds.Kind // by Kubernetes kind
	Fabric FabricConfig
}

// List returns every object of a kind in the Hedgehog namespace.
func (s *Store) List(ctx context.Context, k *kinds.Kind) ([]unstructured.Unstructured, error) {
	l, err := s.client.Resource(k.GVR(nil)).Namespace(meta.Namespace).List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	return l.Items, nil
}

// Get returns one object of a kind, nil when there is none.
func (s *Store) Get(ctx context.Context, k *kinds.Kind, name string) (*unstructured.Unstructured, error) {
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
	if k, ok := s.kinds[kind]; ok {
		l, err := s.client.Resource(k.GVR(nil)).Namespace(meta.Namespace).List(ctx,
			metav1.ListOptions{LabelSelector: labels.SelectorFromSet(labels.Set{key: value}).String()})
		if err != nil {
			return nil, err
		}
		return l.Items, nil
	}
	return nil, nil
}
