package kube

import (
	"context"
	"errors"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	watchtools "k8s.io/client-go/tools/watch"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/tools/cache"
)

// Condition decides from the current object (nil once it is deleted) whether
// a wait is over.
type Condition func(u *unstructured.Unstructured) (bool, error)

// WaitFor watches one object until cond holds, and returns the last object
// seen (nil if it was deleted). It lists once to start and then watches; it
// survives dropped watches and expired resource versions.
func (o *Objects) WaitFor(ctx context.Context, namespace, name string, cond Condition) (*unstructured.Unstructured, error) {
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	// The informer machinery retries every failure until the context ends;
	// a refusal that no retry can change (no right to list or watch, no such
	// kind) ends the wait at once, as itself.
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	final := func(err error) error {
		if apierrors.IsForbidden(err) || apierrors.IsUnauthorized(err) || IsKindNotFound(err) {
			stop(err)
		}
		return err
	}
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			opts.FieldSelector = sel
			l, err := o.api(namespace).List(ctx, opts)
			return l, final(err)
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			opts.FieldSelector = sel
			w, err := o.api(namespace).Watch(ctx, opts)
			return w, final(err)
		},
	}
	var last *unstructured.Unstructured
	check := func(u *unstructured.Unstructured) (bool, error) {
		last = u
		return cond(u)
	}
	// The condition sees the object's versions in the order they were
	// written: the events replay what the first LIST (or watch list) found,
	// then what came after. The informer's store, once synced, can already
	// hold a later version than the first of those events, so it is judged
	// only when it is empty (nothing to replay, or the object already gone).
	// Judged first, it once showed a switch agent's latest run and then an
	// earlier one, which reads as a restart.
	_, err := watchtools.UntilWithSync(ctx, lw, &unstructured.Unstructured{},
		func(store cache.Store) (bool, error) {
			if len(store.List()) == 0 {
				return check(nil)
			}
			return false, nil
		},
		func(ev watch.Event) (bool, error) {
			if ev.Type == watch.Deleted {
				return check(nil)
			}
			u, ok := ev.Object.(*unstructured.Unstructured)
			if !ok {
				return false, nil
			}
			return check(u)
		})
	if cause := context.Cause(ctx); err != nil && cause != nil && !errors.Is(cause, context.Canceled) &&
		!errors.Is(cause, context.DeadlineExceeded) {
		err = cause
	}
	if last != nil {
		o.remember(namespace, last)
	} else if err == nil {
		o.forget(namespace, name)
	}
	return last, err
}
