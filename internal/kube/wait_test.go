package kube

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// watchedAPI serves one object that changes while a wait watches it: the
// first list (or watch list) finds version 1; the watch then brings version
// 2 at once and version 3 a moment later.
func watchedAPI(t *testing.T) *httptest.Server {
	t.Helper()
	obj := func(version int) map[string]any {
		return map[string]any{"apiVersion": "wiring.githedgehog.com/v1alpha2", "kind": "Fabric",
			"metadata": map[string]any{"name": "f", "namespace": "ns", "uid": "u1", "resourceVersion": fmt.Sprint(10 + version)},
			"spec":     map[string]any{"version": fmt.Sprint(version)}}
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		q := r.URL.Query()
		if q.Get("watch") != "true" && q.Get("watch") != "1" {
			_ = json.NewEncoder(w).Encode(map[string]any{"apiVersion": "v1", "kind": "List",
				"metadata": map[string]any{"resourceVersion": "11"}, "items": []any{obj(1)}})
			return
		}
		flusher, _ := w.(http.Flusher)
		send := func(kind string, o map[string]any) {
			_ = json.NewEncoder(w).Encode(map[string]any{"type": kind, "object": o})
			flusher.Flush()
		}
		if q.Get("sendInitialEvents") == "true" {
			send("ADDED", obj(1))
			send("BOOKMARK", map[string]any{"apiVersion": "wiring.githedgehog.com/v1alpha2", "kind": "Fabric",
				"metadata": map[string]any{"resourceVersion": "11", "annotations": map[string]any{"k8s.io/initial-events-end": "true"}}})
		}
		send("MODIFIED", obj(2))
		select {
		case <-time.After(300 * time.Millisecond):
			send("MODIFIED", obj(3))
		case <-r.Context().Done():
			return
		}
		<-r.Context().Done()
	}))
	t.Cleanup(srv.Close)
	return srv
}

// A wait judges an object's versions in the order they were written, never
// an older one after a newer (the informer's store, once synced, is already
// ahead of the events that replay the first list).
func TestWaitForSeesVersionsInOrder(t *testing.T) {
	srv := watchedAPI(t)
	api := testClient(t, srv.URL, 0).Objects(gvr, "Fabric", "")
	var (
		mu   sync.Mutex
		seen []string
	)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	last, err := api.WaitFor(ctx, "ns", "f", func(u *unstructured.Unstructured) (bool, error) {
		mu.Lock()
		defer mu.Unlock()
		if u == nil {
			seen = append(seen, "gone")
			return false, nil
		}
		v := version(t, u)
		seen = append(seen, v)
		return v == "3", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := version(t, last); v != "3" {
		t.Errorf("the wait returned version %s, want 3", v)
	}
	mu.Lock()
	defer mu.Unlock()
	if !slices.Equal(seen, []string{"1", "2", "3"}) {
		t.Errorf("the wait saw versions %v, want 1, 2, 3 in that order", seen)
	}
}
