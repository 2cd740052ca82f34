package kube

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/pager"
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
		switch {
		case u == nil:
			delete(objs, name)
		case !olderThan(u, objs[name]):
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

// remember puts an object the provider read or wrote into the snapshot,
// unless the snapshot holds a newer version of it: answers of concurrent
// requests arrive in any order, and a read that left the API server before
// a write must not undo what the write returned.
func (o *Objects) remember(namespace string, u *unstructured.Unstructured) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s, ok := o.snapshots[namespace]
	switch {
	case !ok:
	case s.writes != nil: // the LIST is running
		if !olderThan(u, s.writes[u.GetName()]) {
			s.writes[u.GetName()] = u
		}
	case s.err == nil:
		if !olderThan(u, s.objs[u.GetName()]) {
			s.objs[u.GetName()] = u
		}
	}
}

// olderThan tells whether u is an older version of the same object than
// have. Resource versions are opaque to clients, but etcd-backed API servers
// hand out increasing integers; where either is not one, or the two are
// different objects (UIDs differ: deleted and created again), u is taken as
// the newer.
func olderThan(u, have *unstructured.Unstructured) bool {
	if have == nil || u.GetUID() != have.GetUID() {
		return false
	}
	a, errA := strconv.ParseUint(u.GetResourceVersion(), 10, 64)
	b, errB := strconv.ParseUint(have.GetResourceVersion(), 10, 64)
	return errA == nil && errB == nil && a < b
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
