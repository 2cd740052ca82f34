package crds

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// InstalledByAnnotation marks a CRD that a hedgehog_crds resource created (or
// adopted by import). The proof of ownership is the UID the resource keeps in
// its state; the marker tells people — and another hedgehog_crds resource
// that meets the CRD — who installed it.
const InstalledByAnnotation = "hedgehog-terraform.github.io/installed-by"

// Owned maps the name of each CRD that a hedgehog_crds resource installed
// (or adopted) to that object's UID.
type Owned map[string]string

// Ensure installs the bundle for a hedgehog_crds resource, and never takes
// over a CRD that the resource does not own:
//   - a CRD that does not exist is created by a server-side apply that is not
//     forced. Should someone else create it between our read and our write,
//     the apply cannot change a value they set (it conflicts instead), and
//     the answer names their field manager: the CRD is reported as theirs.
//     (A create cannot carry a UID precondition: the API server refuses an
//     apply with a UID when no object exists.)
//   - a CRD whose UID is in owned is upgraded by a forced server-side apply
//     that carries that UID, which the API server checks: a CRD deleted and
//     created again by someone else is not written. Versions and fields that
//     other managers added stay.
//   - any other CRD is left exactly as it is: a *ForeignError.
//
// It waits until each CRD is Established and returns the UIDs it owns.
func Ensure(ctx context.Context, c *kube.Client, b Bundle, fieldManager string, owned Owned) (Owned, error) {
	api := c.Dynamic.Resource(GVR)
	out := Owned{}
	for _, want := range b.Objects {
		name := want.GetName()
		obj := want.DeepCopy()
		ann := obj.GetAnnotations()
		ann[InstalledByAnnotation] = "hedgehog_crds"
		obj.SetAnnotations(ann)

		live, err := api.Get(ctx, name, metav1.GetOptions{})
		creating := kube.IsObjectNotFound(err)
		switch {
		case creating:
		case err != nil:
			return out, &Error{Op: "read", Name: name, Err: err}
		case owned[name] == "" || owned[name] != string(live.GetUID()):
			return out, foreign(live, owned[name])
		default:
			if err := keepOthersVersions(live, obj); err != nil {
				return out, err
			}
			obj.SetUID(live.GetUID())
		}
		applied, err := api.Apply(ctx, name, obj, metav1.ApplyOptions{FieldManager: fieldManager, Force: !creating})
		if creating && len(kube.ConflictManagers(err)) > 0 {
			// Created by someone else since our read: their values stand.
			if live, gerr := api.Get(ctx, name, metav1.GetOptions{}); gerr == nil {
				return out, foreign(live, "")
			}
		}
		if err != nil {
			return out, &Error{Op: "apply", Name: name, Err: err}
		}
		if creating && slices.ContainsFunc(applied.GetManagedFields(), func(m metav1.ManagedFieldsEntry) bool {
			return m.Subresource == "" && m.Manager != fieldManager
		}) {
			return out, foreign(applied, "")
		}
		out[name] = string(applied.GetUID())
	}
	for _, o := range b.Objects {
		if err := waitEstablished(ctx, c, o.GetName()); err != nil {
			return out, &Error{Op: "wait for", Name: o.GetName(), Err: err}
		}
	}
	return out, nil
}

// keepOthersVersions adds to an upgrade the versions of the live CRD that the
// bundle does not ship, as they are: spec.versions is an atomic list, so an
// apply of the shipped versions alone would drop them. It refuses when one of
// them is the storage version: the bundle's storage version would be a
// second one, and which version stores the objects is their installer's call.
func keepOthersVersions(live, want *unstructured.Unstructured) error {
	ours := map[string]bool{}
	for _, v := range versions(want) {
		ours[v.name] = true
	}
	keep, _, _ := unstructured.NestedSlice(want.Object, "spec", "versions")
	liveVersions, _, _ := unstructured.NestedSlice(live.Object, "spec", "versions")
	for i, v := range versions(live) {
		if ours[v.name] {
			continue
		}
		if v.storage {
			return &VersionError{Name: live.GetName(), Version: v.name, Managers: managers(live)}
		}
		keep = append(keep, liveVersions[i])
	}
	return unstructured.SetNestedSlice(want.Object, keep, "spec", "versions")
}

// VersionError is an owned CRD whose storage version this provider does not
// ship: changing that is someone else's decision.
type VersionError struct {
	Name     string
	Version  string
	Managers []string
}

func (e *VersionError) Error() string {
	return fmt.Sprintf("the CustomResourceDefinition %s stores its objects in version %s, which this provider does not ship "+
		"(its fields are managed by %s); installing this provider's storage version would change that, so the CRD was left as it is",
		e.Name, e.Version, strings.Join(e.Managers, ", "))
}

// ForeignError is a CRD that exists and that this resource did not install.
type ForeignError struct {
	Name      string
	UID       types.UID
	Managers  []string // from managedFields, e.g. `kubectl (Apply)`
	Versions  []string // e.g. `v1beta9 (served, storage)`
	Stored    []string // status.storedVersions
	Marked    bool     // it carries InstalledByAnnotation: another hedgehog_crds resource installed it
	Recreated bool     // this resource installed a CRD of that name, but that object is gone
}

func (e *ForeignError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "the CustomResourceDefinition %s (uid %s) exists and was not installed by this resource", e.Name, e.UID)
	switch {
	case e.Recreated:
		b.WriteString(" (the one it installed was deleted, and this one was created since)")
	case e.Marked:
		b.WriteString(" (another hedgehog_crds resource, in another Terraform state, installed it)")
	}
	fmt.Fprintf(&b, ". Its fields are managed by %s; its versions are %s; stored versions: %s",
		orNone(e.Managers), orNone(e.Versions), orNone(e.Stored))
	return b.String()
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

func foreign(live *unstructured.Unstructured, recorded string) *ForeignError {
	e := &ForeignError{Name: live.GetName(), UID: live.GetUID(), Managers: managers(live),
		Marked: live.GetAnnotations()[InstalledByAnnotation] != "", Recreated: recorded != ""}
	for _, v := range versions(live) {
		flags := []string{}
		if v.served {
			flags = append(flags, "served")
		}
		if v.storage {
			flags = append(flags, "storage")
		}
		e.Versions = append(e.Versions, fmt.Sprintf("%s (%s)", v.name, strings.Join(flags, ", ")))
	}
	e.Stored, _, _ = unstructured.NestedStringSlice(live.Object, "status", "storedVersions")
	return e
}

// managers lists who manages the CRD's fields, by name and operation, as
// kubectl shows them; the status, which the API server keeps, is left out.
func managers(u *unstructured.Unstructured) []string {
	var out []string
	for _, m := range u.GetManagedFields() {
		if m.Subresource != "" {
			continue
		}
		s := fmt.Sprintf("%s (%s)", m.Manager, m.Operation)
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

type version struct {
	name            string
	served, storage bool
}

func versions(u *unstructured.Unstructured) []version {
	list, _, _ := unstructured.NestedSlice(u.Object, "spec", "versions")
	var out []version
	for _, item := range list {
		m, ok := item.(map[string]any)
		if !ok {
			continue
		}
		name, _ := m["name"].(string)
		served, _ := m["served"].(bool)
		storage, _ := m["storage"].(bool)
		out = append(out, version{name: name, served: served, storage: storage})
	}
	return out
}

// Delete deletes a CRD only if it is still the object with that UID (a
// precondition the API server checks), and waits until it is gone — which
// takes as long as deleting every object of its kind. It reports whether it
// deleted it; false with no error means the CRD was gone or is another object.
func Delete(ctx context.Context, c *kube.Client, name, uid string) (bool, error) {
	api := c.Dynamic.Resource(GVR)
	id := types.UID(uid)
	err := api.Delete(ctx, name, metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &id}})
	switch {
	case kube.IsObjectNotFound(err):
		return false, nil
	case isPreconditionFailed(err):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, wait.PollUntilContextCancel(ctx, 250*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		u, err := api.Get(ctx, name, metav1.GetOptions{})
		if kube.IsObjectNotFound(err) {
			return true, nil
		}
		return err == nil && u.GetUID() != id, err
	})
}

func waitEstablished(ctx context.Context, c *kube.Client, name string) error {
	api := c.Dynamic.Resource(GVR)
	return wait.PollUntilContextCancel(ctx, 100*time.Millisecond, true, func(ctx context.Context) (bool, error) {
		u, err := api.Get(ctx, name, metav1.GetOptions{})
		if kube.IsObjectNotFound(err) {
			return Established(nil)
		}
		if err != nil {
			return false, err
		}
		return Established(u)
	})
}

func isPreconditionFailed(err error) bool {
	return apierrors.IsConflict(err) && strings.Contains(err.Error(), "Precondition failed")
}
