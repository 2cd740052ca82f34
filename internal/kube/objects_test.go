package kube

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// fakeAPI serves one kind in one namespace. Its LIST waits until release is
// closed, so that tests can interleave calls with a LIST in flight; the LIST
// answers with the objects as they were when it started.
type fakeAPI struct {
	mu      sync.Mutex
	objs    map[string]map[string]any
	rv      int
	listing chan struct{} // closed when a LIST has started
	release chan struct{}
	gets    atomic.Int32
	lists   atomic.Int32
}

func newFakeAPI(names ...string) *fakeAPI {
	f := &fakeAPI{objs: map[string]map[string]any{}, listing: make(chan struct{}), release: make(chan struct{})}
	for _, n := range names {
		f.put(n, "1")
	}
	return f
}

func (f *fakeAPI) put(name, version string) map[string]any {
	f.rv++
	o := map[string]any{"apiVersion": "wiring.githedgehog.com/v1alpha2", "kind": "Fabric",
		"metadata": map[string]any{"name": name, "namespace": "ns", "resourceVersion": fmt.Sprint(f.rv)},
		"spec":     map[string]any{"version": version}}
	f.objs[name] = o
	return o
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	const prefix = "/apis/wiring.githedgehog.com/v1alpha2/namespaces/ns/fabrics"
	name := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, prefix), "/")
	w.Header().Set("Content-Type", "application/json")
	f.mu.Lock()
	switch {
	case name == "" && r.Method == http.MethodGet:
		f.lists.Add(1)
		items := []any{}
		for _, o := range f.objs {
			items = append(items, o)
		}
		f.mu.Unlock()
		select {
		case <-f.listing:
		default:
			close(f.listing)
		}
		<-f.release
		_ = json.NewEncoder(w).Encode(map[string]any{"apiVersion": "v1", "kind": "List", "metadata": map[string]any{}, "items": items})
		return
	case r.Method == http.MethodGet:
		f.gets.Add(1)
		o, ok := f.objs[name]
		f.mu.Unlock()
		if !ok {
			notFound(w, name)
			return
		}
		_ = json.NewEncoder(w).Encode(o)
		return
	case r.Method == http.MethodPatch:
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		spec, _ := body["spec"].(map[string]any)
		o := f.put(name, fmt.Sprint(spec["version"]))
		f.mu.Unlock()
		_ = json.NewEncoder(w).Encode(o)
		return
	case r.Method == http.MethodDelete:
		delete(f.objs, name)
		f.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Success"})
		return
	}
	f.mu.Unlock()
	w.WriteHeader(http.StatusMethodNotAllowed)
}

func notFound(w http.ResponseWriter, name string) {
	w.WriteHeader(http.StatusNotFound)
	_ = json.NewEncoder(w).Encode(map[string]any{"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound",
		"code": 404, "details": map[string]any{"name": name, "kind": "fabrics"}, "message": "fabrics " + name + " not found"})
}

func objectsFor(t *testing.T, f *fakeAPI) *Objects {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(func() {
		select {
		case <-f.release:
		default:
			close(f.release)
		}
		srv.Close()
	})
	return testClient(t, srv.URL, 0).Objects(gvr, "Fabric", "managed=true")
}

func version(t *testing.T, u *unstructured.Unstructured) string {
	t.Helper()
	v, _, _ := unstructured.NestedString(u.Object, "spec", "version")
	return v
}

func TestSnapshotListSurvivesACallersShortDeadline(t *testing.T) {
	f := newFakeAPI("a")
	o := objectsFor(t, f)

	short, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		_, err := o.Get(short, "ns", "a")
		done <- err
	}()
	<-f.listing
	cancel() // the first caller gives up while its LIST runs
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("the first caller should see its own cancellation, got %v", err)
	}
	got := make(chan *unstructured.Unstructured)
	go func() {
		u, err := o.Get(context.Background(), "ns", "a")
		if err != nil {
			t.Error(err)
		}
		got <- u
	}()
	close(f.release)
	if u := <-got; u == nil || u.GetName() != "a" {
		t.Fatalf("the second caller should get the object from the shared LIST, got %v", u)
	}
	if n := f.lists.Load(); n != 1 {
		t.Errorf("%d LISTs, want 1 shared", n)
	}
	if n := f.gets.Load(); n != 0 {
		t.Errorf("%d GETs, want none", n)
	}
}

func TestWritesDuringAListAreNotLost(t *testing.T) {
	f := newFakeAPI("a", "b")
	o := objectsFor(t, f)
	ctx := context.Background()

	got := make(chan *unstructured.Unstructured)
	go func() {
		u, _ := o.Get(ctx, "ns", "a")
		got <- u
	}()
	<-f.listing // the LIST has its items: a and b at version 1
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "wiring.githedgehog.com/v1alpha2", "kind": "Fabric",
		"metadata": map[string]any{"name": "a", "namespace": "ns"}, "spec": map[string]any{"version": "2"}}}
	if _, err := o.Apply(ctx, obj, "test", false); err != nil {
		t.Fatal(err)
	}
	if gone, _, err := o.Delete(ctx, "ns", "b"); err != nil || !gone {
		t.Fatalf("delete: %v %v", gone, err)
	}
	close(f.release)
	if u := <-got; u == nil {
		t.Fatal("no object")
	}
	u, err := o.Get(ctx, "ns", "a")
	if err != nil || version(t, u) != "2" {
		t.Fatalf("the snapshot lost the write made during its LIST: version %q, %v", version(t, u), err)
	}
	if _, err := o.Get(ctx, "ns", "b"); !IsObjectNotFound(err) {
		t.Fatalf("the snapshot brought back an object deleted during its LIST: %v", err)
	}
}

func TestGetFreshNeverUsesTheSnapshot(t *testing.T) {
	f := newFakeAPI("a")
	close(f.release)
	o := objectsFor(t, f)
	ctx := context.Background()
	if _, err := o.Get(ctx, "ns", "a"); err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.put("a", "3") // changed by someone else
	f.mu.Unlock()
	u, err := o.GetFresh(ctx, "ns", "a")
	if err != nil || version(t, u) != "3" {
		t.Fatalf("GetFresh: version %q, %v", version(t, u), err)
	}
	if n := f.gets.Load(); n != 1 {
		t.Errorf("%d GETs, want 1", n)
	}
}

func TestObjectsAreNotSharedAcrossKindsOrSelectors(t *testing.T) {
	c := testClient(t, "https://127.0.0.1:1", 0)
	a := c.Objects(gvr, "Fabric", "managed=true")
	if c.Objects(gvr, "Fabric", "managed=true") != a {
		t.Error("the same kind and selector should share one API")
	}
	if b := c.Objects(gvr, "Fabric", ""); b == a || b.Selector != "" {
		t.Error("another selector must not reuse the first API")
	}
	if b := c.Objects(gvr, "Other", "managed=true"); b == a || b.Kind != "Other" {
		t.Error("another kind must not reuse the first API")
	}
}

// An answer that left the API server before a write's (a GET racing an
// apply) may arrive after it: it must not put the older version back.
func TestAReadNeverReplacesANewerVersion(t *testing.T) {
	f := newFakeAPI("a")
	close(f.release)
	o := objectsFor(t, f)
	ctx := context.Background()
	stale, err := o.Get(ctx, "ns", "a")
	if err != nil {
		t.Fatal(err)
	}
	stale = stale.DeepCopy()
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "wiring.githedgehog.com/v1alpha2", "kind": "Fabric",
		"metadata": map[string]any{"name": "a", "namespace": "ns"}, "spec": map[string]any{"version": "2"}}}
	if _, err := o.Apply(ctx, obj, "test", false); err != nil {
		t.Fatal(err)
	}
	o.remember("ns", stale) // the late answer of a read sent before the apply
	u, err := o.Get(ctx, "ns", "a")
	if err != nil || version(t, u) != "2" {
		t.Fatalf("an older read replaced the newer object in the snapshot: version %q, %v", version(t, u), err)
	}
	// The same name with another UID is another object (deleted and created
	// again): it replaces whatever the snapshot had.
	other := stale.DeepCopy()
	other.SetUID("another")
	o.remember("ns", other)
	if u, _ := o.Get(ctx, "ns", "a"); u.GetUID() != "another" {
		t.Fatalf("an object created again under the same name did not replace the old one")
	}
}
