package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Behaviour is what the stand-in's webhook does for one Hedgehog kind: its
// defaults, rules and labels are the stand-in's own reading of Hedgehog's
// facts, never the provider's declaration (Kind is used only for the kind's
// group, version, kind and plural): a stand-in that called the provider's
// rules would agree with them by construction.
//
// The order of the hooks is upstream's: on create Create, on update Update;
// then the object's metadata, Validate (what needs no other object) and
// Cross (what reads the cluster); on update AfterUpdate last. The first
// failure is the denial.
type Behaviour struct {
	Kind *kinds.Kind
	// Defaulting is what the mutating webhook does to the spec.
	Defaulting func(spec map[string]any)
	// Validate is the validation that needs nothing but the object and the
	// fabric configuration (upstream's Validate without a cluster client):
	// the first rule broken, in upstream's words.
	Validate func(f FabricConfig, name string, spec map[string]any) error
	// Warnings are what upstream answers along with admitting the object,
	// such as the deprecation of MCLAG (upstream repeats the switch's with
	// some of its later denials; the stand-in with admissions only).
	Warnings func(spec map[string]any) []string
	// Prefix starts every denial, as upstream's do ("failed to validate vpc").
	Prefix string
	// NoWebhook: Hedgehog registers no webhook for the kind (SwitchGroup).
	NoWebhook bool
	// UpdatePrefix, when set, starts denials of updates instead of Prefix.
	UpdatePrefix string
	// Labels are the labels the webhook computes from the spec: it first
	// removes every label that holds fabric.githedgehog.com/. Nil labels
	// leave the object's labels alone.
	Labels func(spec map[string]any) map[string]string
	// Annotations are the annotations the webhook computes from the spec
	// (replacing the fabric.githedgehog.com/ ones when CleanAnnotations).
	Annotations      func(spec map[string]any) map[string]string
	CleanAnnotations bool
	// Create checks, before anything else, what only a create must pass
	// (upstream's messages carry no prefix).
	Create func(f FabricConfig, u *unstructured.Unstructured) error
	// Update checks, before anything else, what may not change (old and new
	// object; upstream's messages carry no prefix).
	Update func(old, u *unstructured.Unstructured) error
	// Cross checks the rules that need other objects, on create and update.
	Cross func(ctx context.Context, s *Store, u *unstructured.Unstructured) error
	// AfterUpdate checks, after the object is valid, that an update keeps
	// what others rely on (no prefix).
	AfterUpdate func(ctx context.Context, s *Store, old, u *unstructured.Unstructured) error
	// DeleteBlocked refuses a delete while others reference the object
	// (upstream's messages carry no prefix).
	DeleteBlocked func(ctx context.Context, s *Store, u *unstructured.Unstructured) error
}

// Behaviours are the stand-in's Hedgehog kinds.
var Behaviours = []Behaviour{ipv4NamespaceBehaviour, vpcBehaviour, vpcAttachmentBehaviour, vpcPeeringBehaviour,
	externalBehaviour, externalAttachmentBehaviour, externalPeeringBehaviour,
	switchProfileBehaviour, vlanNamespaceBehaviour, switchGroupBehaviour, switchBehaviour, serverBehaviour, connectionBehaviour,
	gatewayGroupBehaviour, gatewayBehaviour, gatewayPeeringBehaviour, vpcInfoBehaviour}

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
// rules that need other objects, and delete protection. It only reads the
// cluster: a dry-run request writes nothing anywhere.
type Hedgehog struct {
	store      *Store
	behaviours map[schema.GroupResource]Behaviour
}

// NewHedgehog is the stand-in for a cluster. Without a client it judges
// objects alone, as upstream's validation does without a cluster client:
// the rules that read other objects are skipped.
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
			return b, !b.NoWebhook
		}
	}
	return Behaviour{}, false
}

// Mutate sets the namespace, applies the kind's defaults and recomputes the
// labels and annotations the webhook owns, as Hedgehog's mutating webhooks do.
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
	if b.Defaulting != nil {
		b.Defaulting(spec)
	}
	u.Object["spec"] = spec
	if b.Labels != nil {
		if computed := b.Labels(spec); computed != nil {
			u.SetLabels(withComputed(u.GetLabels(), computed, true))
		}
	}
	if b.Annotations != nil {
		u.SetAnnotations(withComputed(u.GetAnnotations(), b.Annotations(spec), b.CleanAnnotations))
	}
	return nil
}

// fabricKey tells the label and annotation keys that Hedgehog's webhooks own:
// upstream removes every key that contains fabric.githedgehog.com/ (user
// keys such as team.fabric.githedgehog.com/owner included).
func fabricKey(key string) bool { return strings.Contains(key, "fabric.githedgehog.com/") }

// withComputed drops the keys the webhook owns (when clean) and adds the
// ones it computes; an empty result is no map at all, as upstream stores it.
func withComputed(have, computed map[string]string, clean bool) map[string]string {
	out := map[string]string{}
	for k, v := range have {
		if !clean || !fabricKey(k) {
			out[k] = v
		}
	}
	for k, v := range computed {
		out[k] = v
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// objectName is upstream's rule for names: a lowercase RFC 1123 subdomain.
var objectName = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

// Validate checks a create, update or delete as Hedgehog's validating
// webhooks do; the error is the denial, in upstream's words.
func (h *Hedgehog) Validate(ctx context.Context, op admissionv1.Operation, u, old *unstructured.Unstructured) error {
	_, err := h.ValidateWithWarnings(ctx, op, u, old)
	return err
}

// ValidateWithWarnings is Validate with the warnings upstream answers along
// with its verdict.
func (h *Hedgehog) ValidateWithWarnings(ctx context.Context, op admissionv1.Operation, u, old *unstructured.Unstructured) ([]string, error) {
	target := u
	if target == nil {
		target = old
	}
	b, ok := h.behaviour(target)
	if !ok {
		return nil, nil
	}
	if op == admissionv1.Delete {
		if b.DeleteBlocked == nil {
			return nil, nil
		}
		return nil, b.DeleteBlocked(ctx, h.store, old) // upstream's delete denials carry no prefix
	}
	if err := h.validate(ctx, b, op, u, old); err != nil {
		return nil, err
	}
	if b.Warnings != nil {
		return b.Warnings(Spec(u)), nil
	}
	return nil, nil
}

func (h *Hedgehog) validate(ctx context.Context, b Behaviour, op admissionv1.Operation, u, old *unstructured.Unstructured) error {
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
	switch {
	case op == admissionv1.Create && b.Create != nil:
		if err := b.Create(h.store.Fabric, u); err != nil {
			return Bare(err)
		}
	case op == admissionv1.Update && b.Update != nil:
		if err := b.Update(old, u); err != nil {
			return Bare(err)
		}
	}
	switch {
	case !objectName.MatchString(u.GetName()):
		return deny(errors.New("failed to validate metadata: invalid resource name: name does not match a lowercase RFC 1123 subdomain"))
	case u.GetNamespace() != meta.Namespace:
		return deny(errors.New("failed to validate metadata: invalid resource namespace: only default namespace is currently supported"))
	}
	if b.Validate != nil {
		if err := b.Validate(h.store.Fabric, u.GetName(), Spec(u)); err != nil {
			return deny(err)
		}
	}
	if b.Cross != nil && h.store.client != nil {
		if err := b.Cross(ctx, h.store, u); err != nil {
			return deny(err)
		}
	}
	if op == admissionv1.Update && b.AfterUpdate != nil {
		return Bare(b.AfterUpdate(ctx, h.store, old, u))
	}
	return nil
}
