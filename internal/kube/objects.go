package kube

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/apimachinery/pkg/util/wait"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/pager"
	watchtools "k8s.io/client-go/tools/watch"
	"k8s.io/client-go/util/csaupgrade"
)

// pageSize is the LIST page size; pagination is followed to the end.
const pageSize = 500

// listTimeout bounds the shared LIST of a snapshot, which runs on its own
// context: no single caller's deadline may fail the others waiting for it.
const listTimeout = 5 * time.Minute

// Objects is the API of one custom resource kind for a provider instance.
//
// Reads are served from a snapshot: the first read in a namespace lists every
// object that carries Selector in one paginated LIST, later reads take their
// object from it, and an object that is not in it is confirmed with one GET.
// The provider's own writes keep the snapshot current, including writes made
// while the LIST is still running. A provider instance lives for one
// Terraform operation, so a snapshot is never older than that. Decisions
// that must not rest on a snapshot (who owns a field, whether to force) use
// GetFresh.
type Objects struct {
	client   *Client
	GVR      schema.GroupVersionResource
	Kind     string
	Selector string // label selector of the objects this provider manages

	mu        sync.Mutex
	snapshots map[string]*snapshot // by namespace
}

type snapshot struct {
	done chan struct{}
	err  error
	objs map[string]*unstructured.Unstructured
	// writes are the provider's own writes (nil: deleted) made while the
	// LIST was running; they win over what the LIST saw.
	writes map[string]*unstructured.Unstructured
}

type objectsKey struct {
	gvr            schema.GroupVersionResource
	kind, selector string
}

// Objects returns the shared API of a kind; selector narrows the snapshot.
// Callers asking with another kind or selector get an API of their own.
func (c *Client) Objects(gvr schema.GroupVersionResource, kind, selector string) *Objects {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kinds == nil {
		c.kinds = map[objectsKey]*Objects{}
	}
	key := objectsKey{gvr, kind, selector}
	if o, ok := c.kinds[key]; ok {
		return o
	}
	o := &Objects{client: c, GVR: gvr, Kind: kind, Selector: selector, snapshots: map[string]*snapshot{}}
	c.kinds[key] = o
	return o
}

func (o *Objects) api(namespace string) dynamic.ResourceInterface {
	return o.client.Dynamic.Resource(o.GVR).Namespace(namespace)
}

// Target describes a call on one object, for Explain.
func (o *Objects) Target(verb, namespace, name string) Target {
	return Target{Verb: verb, Kind: o.Kind, Resource: o.GVR.GroupResource().String(), Version: o.GVR.Version,
		Namespace: namespace, Name: name}
}

// load returns the namespace's snapshot, listing it on first use. Concurrent
// callers wait for the one LIST, each as long as its own context allows.
func (o *Objects) load(ctx context.Context, namespace string) (*snapshot, error) {
	o.mu.Lock()
	s, ok := o.snapshots[namespace]
	if !ok {
		s = &snapshot{done: make(chan struct{}), writes: map[string]*unstructured.Unstructured{}}
		o.snapshots[namespace] = s
		go o.fill(context.WithoutCancel(ctx), namespace, s)
	}
	o.mu.Unlock()
	select {
	case <-s.done:
		return s, s.err
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// fill runs the LIST of a snapshot on a context of its own.
func (o *Objects) fill(ctx context.Context, namespace string, s *snapshot) {
	ctx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	objs := map[string]*unstructured.Unstructured{}
	err := o.each(ctx, namespace, metav1.ListOptions{LabelSelector: o.Selector}, func(u *unstructured.Unstructured) {
		objs[u.GetName()] = u
	})
	o.mu.Lock()
	defer o.mu.Unlock()
	for name, u := range s.writes {
		if u == nil {
			delete(objs, name)
		} else {
			objs[name] = u
		}
	}
	s.objs, s.err, s.writes = objs, err, nil
	if err != nil && !apierrors.IsForbidden(err) {
		// A failed LIST is not remembered (the next caller tries again),
		// but a refused one is: this identity reads object by object.
		delete(o.snapshots, namespace)
	}
	close(s.done)
}

// each lists objects page by page.
func (o *Objects) each(ctx context.Context, namespace string, opts metav1.ListOptions, fn func(*unstructured.Unstructured)) error {
	p := pager.New(func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return o.api(namespace).List(ctx, opts)
	})
	p.PageSize = pageSize
	return p.EachListItem(ctx, opts, func(obj runtime.Object) error {
		if u, ok := obj.(*unstructured.Unstructured); ok {
			fn(u)
		}
		return nil
	})
}

// List returns every object that matches opts, following pagination. An
// empty namespace lists all namespaces.
func (o *Objects) List(ctx context.Context, namespace string, opts metav1.ListOptions) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	err := o.each(ctx, namespace, opts, func(u *unstructured.Unstructured) { out = append(out, u) })
	return out, err
}

// Get reads one object, from the snapshot when it has it. The result is
// shared: do not modify it.
func (o *Objects) Get(ctx context.Context, namespace, name string) (*unstructured.Unstructured, error) {
	if o.Selector != "" {
		s, err := o.load(ctx, namespace)
		switch {
		case err == nil:
			o.mu.Lock()
			u := s.objs[name]
			o.mu.Unlock()
			if u != nil {
				return u, nil
			}
		case IsKindNotFound(err), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			return nil, err
		}
		// Not in the snapshot (not labelled, or LIST not allowed): ask for it.
	}
	return o.GetFresh(ctx, namespace, name)
}

// GetFresh reads one object from the API server, never from the snapshot.
func (o *Objects) GetFresh(ctx context.Context, namespace, name string) (*unstructured.Unstructured, error) {
	u, err := o.api(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	o.remember(namespace, u)
	return u, nil
}

// remember puts an object the provider read or wrote into the snapshot.
func (o *Objects) remember(namespace string, u *unstructured.Unstructured) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s, ok := o.snapshots[namespace]
	switch {
	case !ok:
	case s.writes != nil: // the LIST is running
		s.writes[u.GetName()] = u
	case s.err == nil:
		s.objs[u.GetName()] = u
	}
}

func (o *Objects) forget(namespace, name string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s, ok := o.snapshots[namespace]
	switch {
	case !ok:
	case s.writes != nil:
		s.writes[name] = nil
	case s.err == nil:
		delete(s.objs, name)
	}
}

// Apply sends obj by server-side apply as fieldManager (one PATCH) and
// returns the object the API server stored.
func (o *Objects) Apply(ctx context.Context, obj *unstructured.Unstructured, fieldManager string, force bool) (*unstructured.Unstructured, error) {
	out, err := o.api(obj.GetNamespace()).Apply(ctx, obj.GetName(), obj, metav1.ApplyOptions{FieldManager: fieldManager, Force: force})
	if err != nil {
		return nil, err
	}
	o.remember(obj.GetNamespace(), out)
	return out, nil
}

// Create creates obj, in one request that fails with AlreadyExists when an
// object of that name exists: nothing is ever written onto an object that
// the caller did not create. A create records the fields it set as an
// imperative update of fieldManager; a second request (a JSON patch of
// managedFields, guarded by the resourceVersion) turns them into fields that
// fieldManager applied, so that later server-side applies can remove what
// the configuration stops setting. When that second step fails the object
// exists all the same: it is returned with an OwnershipError.
func (o *Objects) Create(ctx context.Context, obj *unstructured.Unstructured, fieldManager string) (*unstructured.Unstructured, error) {
	ns := obj.GetNamespace()
	created, err := o.post(ctx, obj, fieldManager)
	if err != nil {
		return nil, err
	}
	o.remember(ns, created)
	cur := created
	for attempt := 0; ; attempt++ {
		patch, err := csaupgrade.UpgradeManagedFieldsPatch(cur, sets.New(fieldManager), fieldManager)
		if err != nil || patch == nil {
			return cur, ownership(err)
		}
		out, err := o.api(ns).Patch(ctx, cur.GetName(), types.JSONPatchType, patch, metav1.PatchOptions{FieldManager: fieldManager})
		if err == nil {
			o.remember(ns, out)
			return out, nil
		}
		if !apierrors.IsConflict(err) || attempt == 2 {
			return cur, ownership(err)
		}
		// Changed meanwhile (a controller, a webhook): read it and try again.
		if cur, err = o.GetFresh(ctx, ns, cur.GetName()); err != nil {
			return created, ownership(err)
		}
	}
}

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
		created, err := o.api(ns).Create(ctx, obj, metav1.CreateOptions{FieldManager: fieldManager})
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
		case !IsObjectNotFound(getErr) || attempt == createAttempts:
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(backoff.Step()):
		}
	}
}

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

// OwnershipError says that an object was created but its fields are still
// recorded as an imperative update.
type OwnershipError struct{ Err error }

func (e *OwnershipError) Error() string {
	return "the object was created, but its fields could not be recorded as applied: " + e.Err.Error()
}

func (e *OwnershipError) Unwrap() error { return e.Err }

func ownership(err error) error {
	if err == nil {
		return nil
	}
	return &OwnershipError{err}
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
	rc, err := o.client.restFor(o.GVR.GroupVersion())
	if err != nil {
		return false, nil, err
	}
	policy := metav1.DeletePropagationBackground
	res := rc.Delete().NamespaceIfScoped(namespace, namespace != "").Resource(o.GVR.Resource).Name(name).
		Body(&metav1.DeleteOptions{PropagationPolicy: &policy}).Do(ctx)
	body, _ := res.Raw()
	// Result.Error, unlike Raw, reads the API server's Status into the error.
	err = res.Error()
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
	_, err := watchtools.UntilWithSync(ctx, lw, &unstructured.Unstructured{},
		func(store cache.Store) (bool, error) {
			for _, item := range store.List() {
				if u, ok := item.(*unstructured.Unstructured); ok {
					return check(u)
				}
			}
			return check(nil)
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

// restFor returns a plain REST client for a group version, sharing the
// provider's HTTP client.
func (c *Client) restFor(gv schema.GroupVersion) (*rest.RESTClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rc, ok := c.rest[gv]; ok {
		return rc, nil
	}
	// The dynamic client's serializer: it decodes unstructured objects and
	// the API server's Status answers alike.
	cfg := dynamic.ConfigFor(c.REST)
	cfg.GroupVersion = &gv
	cfg.APIPath = "/apis"
	if gv.Group == "" {
		cfg.APIPath = "/api"
	}
	rc, err := rest.RESTClientForConfigAndClient(cfg, c.HTTP)
	if err != nil {
		return nil, fmt.Errorf("cannot build a REST client for %s: %w", gv, err)
	}
	if c.rest == nil {
		c.rest = map[schema.GroupVersion]*rest.RESTClient{}
	}
	c.rest[gv] = rc
	return rc, nil
}
