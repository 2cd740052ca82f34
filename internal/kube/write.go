package kube

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/csaupgrade"
)

// Apply sends obj by server-side apply as fieldManager (one PATCH) and
// returns the object the API server stored. Field validation is strict: a
// field the served schema does not know is refused, never pruned.
func (o *Objects) Apply(ctx context.Context, obj *unstructured.Unstructured, fieldManager string, force bool) (*unstructured.Unstructured, error) {
	out, err := admitted(ctx, func() (*unstructured.Unstructured, error) { return o.apply(ctx, obj, fieldManager, force, nil) })
	if err != nil {
		return nil, err
	}
	o.remember(obj.GetNamespace(), out)
	return out, nil
}

// dryRunAll asks the API server to run a write through admission and
// validation without storing it.
var dryRunAll = []string{metav1.DryRunAll}

// apply is the server-side apply of Apply and DryRunApply: the same request
// but for dryRun. (The dynamic client's Apply cannot ask for strict field
// validation.)
func (o *Objects) apply(ctx context.Context, obj *unstructured.Unstructured, fieldManager string, force bool, dryRun []string) (*unstructured.Unstructured, error) {
	body, err := obj.MarshalJSON()
	if err != nil {
		return nil, err
	}
	return o.api(obj.GetNamespace()).Patch(ctx, obj.GetName(), types.ApplyPatchType, body, metav1.PatchOptions{
		FieldManager: fieldManager, Force: &force, FieldValidation: metav1.FieldValidationStrict, DryRun: dryRun})
}

// createOptions are the options of a create (Create and DryRunCreate).
func createOptions(fieldManager string, dryRun []string) metav1.CreateOptions {
	return metav1.CreateOptions{FieldManager: fieldManager, FieldValidation: metav1.FieldValidationStrict, DryRun: dryRun}
}

// Create creates obj, in one request that fails with AlreadyExists when an
// object of that name exists: nothing is ever written onto an object that
// the caller did not create. A create records the fields it set as an
// imperative update of fieldManager; before a server-side apply changes the
// object, RecordApplied turns them into fields that fieldManager applied, so
// that the apply can remove what the configuration stops setting. (Doing it
// at create would cost a second write, and a pass through the admission
// webhooks, for every object created.)
func (o *Objects) Create(ctx context.Context, obj *unstructured.Unstructured, fieldManager string) (*unstructured.Unstructured, error) {
	created, err := admitted(ctx, func() (*unstructured.Unstructured, error) { return o.post(ctx, obj, fieldManager) })
	if err != nil {
		return nil, err
	}
	o.remember(obj.GetNamespace(), created)
	return created, nil
}

// RecordApplied turns the fields that fieldManager set by an imperative
// update (a Create) into fields it applied: one JSON patch of managedFields,
// guarded by the resourceVersion. The object is taken from the snapshot;
// when it changed since, the patch is refused, and the object is read fresh
// and the patch tried again. The guard makes the patch safe to repeat after
// a lost answer or a server error too (a patch that did happen is refused
// the second time, and the fresh read then leaves nothing to turn), so those
// are tried again as well, a few times. Nothing is sent when there is
// nothing to turn.
func (o *Objects) RecordApplied(ctx context.Context, namespace, name, fieldManager string) error {
	backoff := wait.Backoff{Duration: 250 * time.Millisecond, Factor: 2, Jitter: 0.5, Steps: recordAttempts, Cap: 2 * time.Second}
	cur, err := o.Get(ctx, namespace, name)
	for attempt := 1; err == nil; attempt++ {
		patch, perr := csaupgrade.UpgradeManagedFieldsPatch(cur, sets.New(fieldManager), fieldManager)
		if perr != nil || patch == nil {
			return perr
		}
		out, perr := admitted(ctx, func() (*unstructured.Unstructured, error) {
			return o.api(namespace).Patch(ctx, name, types.JSONPatchType, patch, metav1.PatchOptions{FieldManager: fieldManager})
		})
		if perr == nil {
			o.remember(namespace, out)
			return nil
		}
		again := apierrors.IsConflict(perr) || MayHaveHappened(perr) || neverSent(perr)
		if !again || attempt == recordAttempts {
			return perr
		}
		if !apierrors.IsConflict(perr) {
			select {
			case <-ctx.Done():
				return perr
			case <-time.After(backoff.Step()):
			}
		}
		cur, err = o.GetFresh(ctx, namespace, name)
	}
	return err
}

// recordAttempts bounds the patches RecordApplied sends.
const recordAttempts = 4

// createAttempts bounds the creates sent while earlier ones are known not
// to have happened.
const createAttempts = 5

// post sends the create. A create is not repeated blindly: when its answer
// is lost, the object is read — absent, the create did not happen and is
// sent again; present and carrying only what this create sent, it happened;
// present otherwise, someone else made it (AlreadyExists).
func (o *Objects) post(ctx context.Context, obj *unstructured.Unstructured, fieldManager string) (*unstructured.Unstructured, error) {
	ns, name := obj.GetNamespace(), obj.GetName()
	backoff := wait.Backoff{Duration: 250 * time.Millisecond, Factor: 2, Jitter: 0.5, Steps: createAttempts, Cap: 5 * time.Second}
	for attempt := 1; ; attempt++ {
		created, err := o.api(ns).Create(ctx, obj, createOptions(fieldManager, nil))
		switch {
		case err == nil:
			return created, nil
		case apierrors.IsAlreadyExists(err) && attempt == 1, !MayHaveHappened(err) && !apierrors.IsAlreadyExists(err):
			return nil, err
		}
		// An earlier attempt may have created it: look.
		cur, getErr := o.GetFresh(ctx, ns, name)
		switch {
		case getErr == nil && createdBy(cur, obj, fieldManager):
			return cur, nil
		case getErr == nil:
			return nil, apierrors.NewAlreadyExists(o.GVR.GroupResource(), name)
		case !IsObjectNotFound(getErr):
			return nil, err
		case attempt == createAttempts:
			return nil, &NotStoredError{Last: err}
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(backoff.Step()):
		}
	}
}

// NotStoredError is a create that failed in a way that might have stored
// it, but a read afterwards found nothing: it did not happen.
type NotStoredError struct{ Last error }

func (e *NotStoredError) Error() string {
	return fmt.Sprintf("%v (the object was read back afterwards: nothing was stored)", e.Last)
}

func (e *NotStoredError) Unwrap() error { return e.Last }

// createdBy tells whether u is the object that obj's create made: every
// field manager is fieldManager, and it carries obj's labels.
func createdBy(u, obj *unstructured.Unstructured, fieldManager string) bool {
	for _, m := range u.GetManagedFields() {
		if m.Subresource == "" && m.Manager != fieldManager {
			return false
		}
	}
	have := u.GetLabels()
	for k, v := range obj.GetLabels() {
		if have[k] != v {
			return false
		}
	}
	return true
}

// IsAlreadyExists tells a create that found an object of that name.
func IsAlreadyExists(err error) bool { return apierrors.IsAlreadyExists(err) }

// IsAdmissionDenied tells a request that an admission webhook or policy
// refused.
func IsAdmissionDenied(err error) bool {
	var status apierrors.APIStatus
	if err == nil || !errors.As(err, &status) {
		return false
	}
	msg := status.Status().Message
	return strings.Contains(msg, "admission webhook") && strings.Contains(msg, "denied the request") ||
		strings.Contains(msg, "ValidatingAdmissionPolicy") && strings.Contains(msg, "denied request")
}

// Delete sends one DELETE. It reports whether the object is gone already;
// when finalizers hold it, it returns the object as it is now.
func (o *Objects) Delete(ctx context.Context, namespace, name string) (gone bool, pending *unstructured.Unstructured, err error) {
	var body []byte
	_, err = admitted(ctx, func() (struct{}, error) {
		res, err := o.delete(ctx, namespace, name, nil)
		if err != nil {
			return struct{}{}, err
		}
		body, _ = res.Raw()
		// Result.Error, unlike Raw, reads the API server's Status into the error.
		return struct{}{}, res.Error()
	})
	switch {
	case IsObjectNotFound(err):
		o.forget(namespace, name)
		return true, nil, nil
	case err != nil:
		return false, nil, err
	}
	// The answer is the object as it is now (or a Status). Finalizers keep
	// an object: then it is still there, marked for deletion.
	u := &unstructured.Unstructured{}
	if err := u.UnmarshalJSON(body); err == nil && u.GetKind() != "Status" && len(u.GetFinalizers()) > 0 {
		o.remember(namespace, u)
		return false, u, nil
	}
	o.forget(namespace, name)
	return true, nil, nil
}

// delete is the DELETE of Delete and DryRunDelete.
func (o *Objects) delete(ctx context.Context, namespace, name string, dryRun []string) (rest.Result, error) {
	rc, err := o.client.restFor(o.GVR.GroupVersion())
	if err != nil {
		return rest.Result{}, err
	}
	policy := metav1.DeletePropagationBackground
	req := rc.Delete().NamespaceIfScoped(namespace, namespace != "").Resource(o.GVR.Resource).Name(name).
		Body(&metav1.DeleteOptions{PropagationPolicy: &policy, DryRun: dryRun})
	for _, d := range dryRun {
		// In the query too, where proxies and audit logs see it.
		req = req.Param("dryRun", d)
	}
	return req.Do(ctx), nil
}
