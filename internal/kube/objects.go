package kube

import (
	"context"

	"errors"
	"sync"

	apierrors "k8s.io/apimachinery/pkg/api/errors"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/fields"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/watch"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/pager"
	watchtools "k8s.io/client-go/tools/watch"
)

// pageSize is the LIST page size; pagination is followed to the end.
const pageSize = 500

// Objects is the API of one custom resource kind for a provider instance.
//
// Reads are served from a snapshot: the first read in a namespace lists every
// object that carries Selector in one paginated LIST, later reads take their
// object from it, and an object that is not in it is confirmed with one GET.
// The provider's own writes keep the snapshot current. A provider instance
// lives for one Terraform operation, so a snapshot is never older than that.
type Objects struct {
	client   *Client
	GVR      schema.GroupVersionResource
	Kind     string
	Selector string // label selector of the objects this provider manages

	mu        sync.Mutex
	snapshots map[string]*snapshot // by namespace
	names     map[string]*snapshot // every object's name, by namespace
}

type snapshot struct {
	done chan struct{}
	err  error
	objs map[string]*unstructured.Unstructured
}

// Objects returns the shared API of a kind; selector narrows the snapshot.
func (c *Client) Objects(gvr schema.GroupVersionResource, kind, selector string) *Objects {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kinds == nil {
		c.kinds = map[schema.GroupVersionResource]*Objects{}
	}
	if o, ok := c.kinds[gvr]; ok {
		return o
	}
	o := &Objects{client: c, GVR: gvr, Kind: kind, Selector: selector,
		snapshots: map[string]*snapshot{}, names: map[string]*snapshot{}}
	c.kinds[gvr] = o
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
// callers wait for the one LIST.
func (o *Objects) load(ctx context.Context, set map[string]*snapshot, namespace string, list func(context.Context) (map[string]*unstructured.Unstructured, error)) (*snapshot, error) {
	o.mu.Lock()
	s, ok := set[namespace]
	if !ok {
		s = &snapshot{done: make(chan struct{})}
		set[namespace] = s
		o.mu.Unlock()
		s.objs, s.err = list(ctx)
		if s.err != nil && !apierrors.IsForbidden(s.err) {
			// A failed LIST is not remembered (the next caller tries again),
			// but a refused one is: this identity reads object by object.
			o.mu.Lock()
			delete(set, namespace)
			o.mu.Unlock()
		}
		close(s.done)
		return s, s.err
	}
	o.mu.Unlock()
	select {
	case <-s.done:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	return s, s.err
}

func (o *Objects) listAll(namespace, selector string) func(context.Context) (map[string]*unstructured.Unstructured, error) {
	return func(ctx context.Context) (map[string]*unstructured.Unstructured, error) {
		objs := map[string]*unstructured.Unstructured{}
		err := o.each(ctx, namespace, metav1.ListOptions{LabelSelector: selector}, func(u *unstructured.Unstructured) {
			objs[u.GetName()] = u
		})
		return objs, err
	}
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

// Get reads one object. The result is shared: do not modify it.
func (o *Objects) Get(ctx context.Context, namespace, name string) (*unstructured.Unstructured, error) {
	if o.Selector != "" {
		s, err := o.load(ctx, o.snapshots, namespace, o.listAll(namespace, o.Selector))
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
	u, err := o.api(namespace).Get(ctx, name, metav1.GetOptions{})
	if err != nil {
		return nil, err
	}
	o.remember(namespace, u)
	return u, nil
}

// Exists tells whether an object of that name exists, from one metadata-only
// LIST per namespace and run; the provider's own writes keep it current.
func (o *Objects) Exists(ctx context.Context, namespace, name string) (bool, error) {
	s, err := o.load(ctx, o.names, namespace, func(ctx context.Context) (map[string]*unstructured.Unstructured, error) {
		return o.listNames(ctx, namespace)
	})
	if apierrors.IsForbidden(err) {
		// No right to list: ask for the one object instead.
		_, err := o.api(namespace).Get(ctx, name, metav1.GetOptions{})
		if IsObjectNotFound(err) {
			return false, nil
		}
		return err == nil, err
	}
	if err != nil {
		return false, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	_, ok := s.objs[name]
	return ok, nil
}

func (o *Objects) listNames(ctx context.Context, namespace string) (map[string]*unstructured.Unstructured, error) {
	api := o.client.Metadata.Resource(o.GVR).Namespace(namespace)
	p := pager.New(func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
		return api.List(ctx, opts)
	})
	p.PageSize = pageSize
	names := map[string]*unstructured.Unstructured{}
	err := p.EachListItem(ctx, metav1.ListOptions{}, func(obj runtime.Object) error {
		if m, ok := obj.(*metav1.PartialObjectMetadata); ok {
			names[m.Name] = nil
		}
		return nil
	})
	return names, err
}

// remember puts an object the provider read or wrote into the snapshots.
func (o *Objects) remember(namespace string, u *unstructured.Unstructured) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if s, ok := o.snapshots[namespace]; ok && isDone(s) && s.err == nil {
		s.objs[u.GetName()] = u
	}
	if s, ok := o.names[namespace]; ok && isDone(s) && s.err == nil {
		s.objs[u.GetName()] = nil
	}
}

func (o *Objects) forget(namespace, name string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, set := range []map[string]*snapshot{o.snapshots, o.names} {
		if s, ok := set[namespace]; ok && isDone(s) && s.err == nil {
			delete(s.objs, name)
		}
	}
}

func isDone(s *snapshot) bool {
	select {
	case <-s.done:
		return true
	default:
		return false
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

// Delete sends one DELETE. It reports whether the object is gone already;
// when finalizers hold it, it returns the object as it is now.
func (o *Objects) Delete(ctx context.Context, namespace, name string) (gone bool, pending *unstructured.Unstructured, err error) {
	rc, err := o.client.restFor(o.GVR.GroupVersion())
	if err != nil {
		return false, nil, err
	}
	policy := metav1.DeletePropagationBackground
	res := rc.Delete().AbsPath(o.path(namespace, name)).Body(&metav1.DeleteOptions{PropagationPolicy: &policy}).Do(ctx)
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

func (o *Objects) path(namespace, name string) string {
	p := "/apis/" + o.GVR.Group + "/" + o.GVR.Version
	if namespace != "" {
		p += "/namespaces/" + namespace
	}
	return p + "/" + o.GVR.Resource + "/" + name
}

// Condition decides from the current object (nil once it is deleted) whether
// a wait is over.
type Condition func(u *unstructured.Unstructured) (bool, error)

// WaitFor watches one object until cond holds, and returns the last object
// seen (nil if it was deleted). It lists once to start and then watches; it
// survives dropped watches and expired resource versions.
func (o *Objects) WaitFor(ctx context.Context, namespace, name string, cond Condition) (*unstructured.Unstructured, error) {
	sel := fields.OneTermEqualSelector("metadata.name", name).String()
	lw := &cache.ListWatch{
		ListWithContextFunc: func(ctx context.Context, opts metav1.ListOptions) (runtime.Object, error) {
			opts.FieldSelector = sel
			return o.api(namespace).List(ctx, opts)
		},
		WatchFuncWithContext: func(ctx context.Context, opts metav1.ListOptions) (watch.Interface, error) {
			opts.FieldSelector = sel
			return o.api(namespace).Watch(ctx, opts)
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
	rc, err := rest.RESTClientForConfigAndClient(cfg, c.HTTP)
	if err != nil {
		return nil, err
	}
	if c.rest == nil {
		c.rest = map[schema.GroupVersion]*rest.RESTClient{}
	}
	c.rest[gv] = rc
	return rc, nil
}
