package fabricsim

import (
	"context"
	"errors"
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
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Behaviour is what the stand-in's webhook does for one Hedgehog kind. Its
// defaults and rules are the stand-in's own reading of Hedgehog, never the
// provider's declaration (Kind is used only for the kind's group, version,
// kind and plural): a stand-in that called the provider's rules would agree
// with them by construction.
type Behaviour struct {
	Kind *kinds.Kind
	// Default is what the mutating webhook does to the spec.
	Default func(spec map[string]any)
	// Validate is the object-only validation (upstream's Validate before it
	// reads the cluster): the first rule broken, in upstream's words.
	Validate func(name string, spec map[string]any) error
	// Prefix starts every denial, as upstream's do ("failed to validate vpc").
	Prefix string
	// NoWebhook: Hedgehog registers no webhook for the kind (SwitchGroup).
	NoWebhook bool
	// UpdatePrefix, when set, starts denials of updates instead of Prefix.
	UpdatePrefix string
	// Labels are the labels the webhook computes from the spec.
	Labels func(spec map[string]any) map[string]string
	// Annotations are the annotations the webhook computes from the spec;
	// when set, it first removes the annotations it owns (Kind.ServerLabel).
	Annotations func(spec map[string]any) map[string]string
	// Cross checks the rules that need other objects, on create and update.
	Cross func(ctx context.Context, s *Store, u *unstructured.Unstructured) error
	// Update checks what may not change (old and new object).
	Update func(old, u *unstructured.Unstructured) error
	// DeleteBlocked refuses a delete while others reference the object
	// (upstream's messages carry no prefix).
	DeleteBlocked func(ctx context.Context, s *Store, u *unstructured.Unstructured) error
}

// Behaviours are the stand-in's Hedgehog kinds.
var Behaviours = []Behaviour{ipv4NamespaceBehaviour, vpcBehaviour, vpcAttachmentBehaviour, vpcPeeringBehaviour,
	externalBehaviour, externalAttachmentBehaviour, externalPeeringBehaviour,
	switchProfileBehaviour, vlanNamespaceBehaviour, switchGroupBehaviour, switchBehaviour, serverBehaviour, connectionBehaviour,
	gatewayGroupBehaviour, gatewayBehaviour, gatewayPeeringBehaviour, vpcInfoBehaviour}

// FabricConfig is the part of Hedgehog's fabric configuration that its
// webhooks consult; DefaultFabricConfig is the virtual lab's.
type FabricConfig struct {
	ReservedSubnets []string // VPC and External subnets may not overlap these
	// FabricMode is spine-leaf (leaves need VTEP IPs) or mesh.
	FabricMode string
	// Switch addresses: management IPs inside ManagementSubnet and below
	// ManagementDHCPStart, ControlVIP taken; protocol and VTEP IPs /32s of
	// their subnets; fabric link IPs /31s of FabricSubnet.
	ManagementSubnet, ManagementDHCPStart, ControlVIP string
	ProtocolSubnet, VTEPSubnet, FabricSubnet          string
	// ASNs: spines use SpineASN, each leaf its own of LeafASNStart..End.
	SpineASN, LeafASNStart, LeafASNEnd int64
	// Reserved VLANs: VLAN namespaces may not overlap them.
	VPCIRBVLANs, TH5WorkaroundVLANs []wiring.VLANRange
	// Server-facing connections' MTU is at most FabricMTU - ServerFacingMTUOffset.
	FabricMTU, ServerFacingMTUOffset int64
	// AllowExtraSwitchProfiles lets users create profiles beyond the built-in ones.
	AllowExtraSwitchProfiles bool
	// VPCPeeringDisabled refuses every VPCPeering.
	VPCPeeringDisabled bool
	// GatewayEnabled: the fabric runs Hedgehog's gateway (upstream's
	// enableGateway); without it every gateway object is refused.
	GatewayEnabled bool
}

// DefaultFabricConfig is the fabric configuration of Hedgehog's virtual lab.
var DefaultFabricConfig = FabricConfig{
	ReservedSubnets:  []string{"172.28.0.0/16", "172.29.0.0/16", "172.30.0.0/16", "172.31.0.0/16"},
	FabricMode:       "spine-leaf",
	ManagementSubnet: "172.30.0.0/21", ManagementDHCPStart: "172.30.4.0", ControlVIP: "172.30.0.1/32",
	ProtocolSubnet: "172.30.8.0/22", VTEPSubnet: "172.30.12.0/22", FabricSubnet: "172.30.128.0/17",
	SpineASN: 65100, LeafASNStart: 65101, LeafASNEnd: 65533,
	VPCIRBVLANs: []wiring.VLANRange{{From: 3000, To: 3899}}, TH5WorkaroundVLANs: []wiring.VLANRange{{From: 3900, To: 3999}},
	FabricMTU: 9100, ServerFacingMTUOffset: 64,
}

// Bare marks a denial that upstream returns without the webhook's prefix.
func Bare(err error) error {
	if err == nil {
		return nil
	}
	return bare{err}
}

type bare struct{ error }

func (b bare) Unwrap() error { return b.error }

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
	if b.Default != nil {
		b.Default(spec)
	}
	u.Object["spec"] = spec
	if b.Kind.ServerLabel != nil {
		u.SetLabels(recompute(u.GetLabels(), b.Kind.ServerLabel, b.Labels, spec))
	}
	if b.Annotations != nil {
		u.SetAnnotations(recompute(u.GetAnnotations(), b.Kind.ServerLabel, b.Annotations, spec))
	}
	return nil
}

// recompute drops the keys the webhook owns and adds the ones it computes.
func recompute(have map[string]string, owned func(string) bool, computed func(map[string]any) map[string]string,
	spec map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range have {
		if owned == nil || !owned(k) {
			out[k] = v
		}
	}
	if computed != nil {
		for k, v := range computed(spec) {
			out[k] = v
		}
	}
	return out
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
	prefix := b.Prefix
	if op == admissionv1.Update && b.UpdatePrefix != "" {
		prefix = b.UpdatePrefix
	}
	deny := func(err error) error {
		var plain bare
		if err == nil || errors.As(err, &plain) {
			return err
		}
		return fmt.Errorf("%s: %w", prefix, err)
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
	if b.Validate != nil {
		if err := b.Validate(u.GetName(), Spec(u)); err != nil {
			return deny(err)
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
