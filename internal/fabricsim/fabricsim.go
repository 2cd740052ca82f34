// Package fabricsim is a stand-in for a Hedgehog fabric operator, for the
// tests and the demo: there is no operator in a local control plane, so
// nothing would ever move a Fabric's status. It watches fabrics and, after a
// delay, reports them Ready for their current generation — or Failed, when the
// fabric carries the FailAnnotation.
//
// It is not part of the provider; product code never imports it.
package fabricsim

import (
	"context"
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"
)

// FailAnnotation makes the simulator report the fabric Failed, with the
// annotation's value as status.sync_error.
const FailAnnotation = "fabricsim.hedgehog-terraform.github.io/fail"

// FieldManager is the simulator's name in managedFields.
const FieldManager = "hedgehog-fabric-simulator"

// Options tune the simulator.
type Options struct {
	GVR       schema.GroupVersionResource
	Namespace string        // empty: every namespace
	Delay     time.Duration // from a spec change to the new status
}

// Run simulates until ctx ends.
func Run(ctx context.Context, client dynamic.Interface, opts Options) error {
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(client, 0, opts.Namespace, nil)
	informer := factory.ForResource(opts.GVR).Informer()
	queue := workqueue.NewTypedDelayingQueue[string]()
	defer queue.ShutDown()

	enqueue := func(obj any) {
		if key, err := cache.MetaNamespaceKeyFunc(obj); err == nil {
			queue.AddAfter(key, opts.Delay)
		}
	}
	if _, err := informer.AddEventHandler(cache.ResourceEventHandlerFuncs{
		AddFunc:    enqueue,
		UpdateFunc: func(_, obj any) { enqueue(obj) },
	}); err != nil {
		return err
	}
	go informer.RunWithContext(ctx)
	if !cache.WaitForCacheSync(ctx.Done(), informer.HasSynced) {
		return ctx.Err()
	}
	go func() {
		<-ctx.Done()
		queue.ShutDown()
	}()
	for {
		key, shutdown := queue.Get()
		if shutdown {
			return ctx.Err()
		}
		obj, exists, err := informer.GetStore().GetByKey(key)
		fabric, ok := obj.(*unstructured.Unstructured)
		if err == nil && exists && ok {
			if err := reconcile(ctx, client, opts.GVR, fabric); err != nil {
				// Try again later (a conflict, a fabric deleted meanwhile).
				queue.AddAfter(key, time.Second)
			}
		}
		queue.Done(key)
	}
}

func reconcile(ctx context.Context, client dynamic.Interface, gvr schema.GroupVersionResource, fabric *unstructured.Unstructured) error {
	if fabric.GetDeletionTimestamp() != nil {
		return nil
	}
	want := Status(fabric, time.Now())
	if current, _, _ := unstructured.NestedMap(fabric.Object, "status"); sameOutcome(current, want) {
		return nil
	}
	patch := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": fabric.GetAPIVersion(),
		"kind":       fabric.GetKind(),
		"metadata":   map[string]any{"name": fabric.GetName(), "namespace": fabric.GetNamespace()},
		"status":     want,
	}}
	_, err := client.Resource(gvr).Namespace(fabric.GetNamespace()).ApplyStatus(ctx, fabric.GetName(), patch,
		metav1.ApplyOptions{FieldManager: FieldManager, Force: true})
	return err
}

// sameOutcome tells whether the status already reports this generation
// with the same phase (so that a status write does not loop).
func sameOutcome(current, want map[string]any) bool {
	if current == nil || current["phase"] != want["phase"] || current["sync_error"] != want["sync_error"] {
		return false
	}
	return readyGeneration(current) == readyGeneration(want)
}

func readyGeneration(status map[string]any) int64 {
	conds, _ := status["conditions"].([]any)
	for _, c := range conds {
		m, _ := c.(map[string]any)
		if m["type"] == "Ready" {
			switch g := m["observedGeneration"].(type) {
			case int64:
				return g
			case float64:
				return int64(g)
			}
		}
	}
	return -1
}

// Status is what an operator would report for the fabric now.
func Status(fabric *unstructured.Unstructured, now time.Time) map[string]any {
	gen := fabric.GetGeneration()
	ts := now.UTC().Format(time.RFC3339)
	if msg, failed := fabric.GetAnnotations()[FailAnnotation]; failed {
		return map[string]any{
			"phase":          "Failed",
			"sync_error":     msg,
			"last_sync_time": ts,
			"conditions": []any{map[string]any{
				"type": "Ready", "status": "False", "reason": "SyncFailed", "message": msg,
				"lastTransitionTime": ts, "observedGeneration": gen,
			}},
		}
	}
	spines, _, _ := unstructured.NestedInt64(fabric.Object, "spec", "spine_count")
	leaves, _, _ := unstructured.NestedInt64(fabric.Object, "spec", "leaf_count")
	return map[string]any{
		"phase":          "Ready",
		"sync_error":     "",
		"last_sync_time": ts,
		"spine_status":   switches("spine", spines),
		"leaf_status":    switches("leaf", leaves),
		"conditions": []any{map[string]any{
			"type": "Ready", "status": "True", "reason": "Synced",
			"message":            fmt.Sprintf("%d spines and %d leaves in sync", spines, leaves),
			"lastTransitionTime": ts, "observedGeneration": gen,
		}},
	}
}

func switches(prefix string, n int64) map[string]any {
	out := map[string]any{}
	for i := int64(1); i <= n; i++ {
		out[fmt.Sprintf("%s-%d", prefix, i)] = "Ready"
	}
	return out
}
