package kinds

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/wait"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// conditionError is a wait's condition reporting a failure (the controller
// said Failed), as opposed to the wait itself failing.
type conditionError struct{ error }

func (e conditionError) Unwrap() error { return e.error }

func asCondition(cond kube.Condition) kube.Condition {
	return func(u *unstructured.Unstructured) (bool, error) {
		ok, err := cond(u)
		if err != nil {
			return false, conditionError{err}
		}
		return ok, nil
	}
}

func timedOut(err error) bool {
	return wait.Interrupted(err) || errors.Is(err, context.DeadlineExceeded)
}

// wait runs the waits the attributes ask for after a create or update; the
// state is updated with the last object seen.
func (r *Resource) wait(ctx context.Context, api *kube.Objects, u *unstructured.Unstructured, attrs map[string]tftypes.Value,
	t tftypes.Type, state *tftypes.Value, diags *diag.Diagnostics) {
	if r.kind.Ready != nil && boolValue(attrs["wait_for_ready"]) {
		r.waitReady(ctx, api, u, attrs, t, state, diags)
	}
	if r.kind.Applied != nil && boolValue(attrs["wait_for_applied"]) && !diags.HasError() {
		r.waitApplied(ctx, u, false, diags)
	}
}

// waitReady waits until the controller has finished with the object's
// current generation.
func (r *Resource) waitReady(ctx context.Context, api *kube.Objects, u *unstructured.Unstructured, attrs map[string]tftypes.Value,
	t tftypes.Type, state *tftypes.Value, diags *diag.Diagnostics) {
	start := time.Now()
	last, err := api.WaitFor(ctx, u.GetNamespace(), u.GetName(), asCondition(func(cur *unstructured.Unstructured) (bool, error) {
		if cur == nil {
			return false, errors.New("the object was deleted while waiting for it to be ready")
		}
		return r.kind.Ready(cur)
	}))
	if last != nil {
		r.setState(state, t, last, attrs, diags)
	}
	if err == nil {
		return
	}
	id := u.GetNamespace() + "/" + u.GetName()
	var failed conditionError
	switch {
	case errors.As(err, &failed):
		diags.AddError(r.kind.Kind+" Failed", fmt.Sprintf(
			"%s %s did not become ready: %v\n\nThe object exists and stays in the state, marked tainted. Fix the cause and apply again.",
			r.kind.Kind, id, failed.error))
	case timedOut(err):
		phase := "unknown"
		if last != nil {
			phase, _, _ = unstructured.NestedString(last.Object, "status", "phase")
		}
		diags.AddError("Timed Out Waiting For "+r.kind.Kind, fmt.Sprintf(
			"%s %s did not become ready within %s (status.phase is %q). The object exists and stays in the state, marked "+
				"tainted: the next apply replaces it, unless `terraform untaint` keeps it. Raise timeouts, or check the "+
				"controller that reconciles %s objects.", r.kind.Kind, id, time.Since(start).Round(time.Second), phase, r.kind.Kind))
	default:
		summary, detail := r.cfg.Client.Explain(err, api.Target("watch", u.GetNamespace(), u.GetName()))
		diags.AddError(summary, "While waiting for the object to become ready: "+detail+
			"\n\nThe object exists and stays in the state, marked tainted.")
	}
}

// delete deletes the object and waits until it is gone. An admission
// webhook that refuses the delete (Hedgehog refuses to delete objects that
// others still reference, which Terraform may be deleting at this moment)
// is asked again until the timeout.
func (r *Resource) delete(ctx context.Context, attrs map[string]tftypes.Value, d time.Duration, diags *diag.Diagnostics) {
	namespace, name := str(attrs["namespace"]), str(attrs["name"])
	api := r.kind.objects(r.cfg)
	var before *unstructured.Unstructured
	if r.kind.Applied != nil && boolValue(attrs["wait_for_applied"]) {
		if u, err := api.GetFresh(ctx, namespace, name); err == nil {
			before = u
		}
	}
	backoff := wait.Backoff{Duration: 200 * time.Millisecond, Factor: 1.5, Cap: 5 * time.Second, Steps: 1 << 20}
	var (
		gone    bool
		pending *unstructured.Unstructured
		err     error
		refused error
	)
	for {
		gone, pending, err = api.Delete(ctx, namespace, name)
		if !kube.IsAdmissionDenied(err) {
			if err != nil && refused != nil && ctx.Err() != nil {
				// The deadline ran out while asking again: the refusal is
				// the cause, not the timeout of the last request.
				err = refused
			}
			break
		}
		refused = err
		select {
		case <-ctx.Done():
		case <-time.After(backoff.Step()):
		}
		if ctx.Err() != nil {
			break
		}
	}
	if err != nil {
		summary, detail := r.cfg.Client.Explain(err, api.Target("delete", namespace, name))
		if kube.IsAdmissionDenied(err) {
			detail = fmt.Sprintf("The delete was refused until the timeout of %s ran out.\n\n%s", d, detail)
		}
		diags.AddError(summary, detail+"\n\nThe resource stays in the state.")
		return
	}
	if !gone {
		last, err := api.WaitFor(ctx, namespace, name, func(u *unstructured.Unstructured) (bool, error) { return u == nil, nil })
		if err != nil {
			if last == nil {
				last = pending
			}
			r.deleteWaitFailed(diags, api, namespace, name, d, last, err)
			return
		}
	}
	if before != nil {
		r.waitApplied(ctx, before, true, diags)
	}
}

func (r *Resource) deleteWaitFailed(diags *diag.Diagnostics, api *kube.Objects, namespace, name string, d time.Duration,
	last *unstructured.Unstructured, err error) {
	if !timedOut(err) {
		summary, detail := r.cfg.Client.Explain(err, api.Target("watch", namespace, name))
		diags.AddError(summary, fmt.Sprintf("%s %s/%s was marked for deletion, but waiting until it is gone failed: %s"+
			"\n\nThe resource stays in the state; run destroy again once the cause is fixed.", r.kind.Kind, namespace, name, detail))
		return
	}
	var finalizers []string
	if last != nil {
		finalizers = last.GetFinalizers()
	}
	diags.AddError("Timed Out Deleting "+r.kind.Kind, fmt.Sprintf(
		"%s %s/%s is still there after %s: its finalizers %q have not been removed. The resource stays in the state. "+
			"Check the controller that owns those finalizers, or raise timeouts.delete.",
		r.kind.Kind, namespace, name, d, finalizers))
}
