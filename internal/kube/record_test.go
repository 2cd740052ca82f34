package kube

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

const fm = "hedgehog-terraform"

// object builds an object whose managedFields hold one entry per operation
// given (the fieldsV1 JSON of each).
func object(spec map[string]any, labels map[string]any, entries map[metav1.ManagedFieldsOperationType]string) *unstructured.Unstructured {
	u := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "example.com/v1", "kind": "Gadget",
		"metadata": map[string]any{"name": "g", "namespace": "ns", "resourceVersion": "7"},
		"spec":     spec,
	}}
	if labels != nil {
		_ = unstructured.SetNestedField(u.Object, labels, "metadata", "labels")
	}
	var managed []metav1.ManagedFieldsEntry
	for _, op := range []metav1.ManagedFieldsOperationType{metav1.ManagedFieldsOperationUpdate, metav1.ManagedFieldsOperationApply} {
		if raw, ok := entries[op]; ok {
			managed = append(managed, metav1.ManagedFieldsEntry{Manager: fm, Operation: op, APIVersion: "example.com/v1",
				FieldsType: "FieldsV1", FieldsV1: metav1.NewFieldsV1(raw)})
		}
	}
	u.SetManagedFields(managed)
	return u
}

func createdAs(raw string) map[metav1.ManagedFieldsOperationType]string {
	return map[metav1.ManagedFieldsOperationType]string{metav1.ManagedFieldsOperationUpdate: raw}
}

func TestLingering(t *testing.T) {
	serverLabel := func(path []string) bool {
		return len(path) == 3 && path[1] == "labels" && path[2] == "example.com/computed"
	}
	const flat = `{"f:metadata":{"f:labels":{".":{},"f:managed":{},"f:example.com/computed":{}}},` +
		`"f:spec":{".":{},"f:size":{},"f:color":{},"f:mode":{}}}`
	cur := object(map[string]any{"size": int64(2), "color": "red", "mode": "auto"},
		map[string]any{"managed": "true", "example.com/computed": "x"}, createdAs(flat))
	labels := map[string]any{"managed": "true"}
	for _, tc := range []struct {
		name          string
		cur           *unstructured.Unstructured
		obj, stored   map[string]any // specs
		want          []string
		recomputedOff bool
	}{{
		name: "every field set again", cur: cur,
		obj:    map[string]any{"size": int64(3), "color": "red", "mode": "auto"},
		stored: map[string]any{"size": int64(3), "color": "red", "mode": "auto"},
	}, {
		name: "a field left out that the server defaults to the value it holds", cur: cur,
		obj:    map[string]any{"size": int64(3), "color": "red"},
		stored: map[string]any{"size": int64(3), "color": "red", "mode": "auto"},
	}, {
		name: "a field the configuration stopped setting", cur: cur,
		obj:    map[string]any{"size": int64(3), "mode": "auto"},
		stored: map[string]any{"size": int64(3), "mode": "auto"},
		want:   []string{".spec.color"},
	}, {
		name: "a field left out whose default differs from what it holds", cur: cur,
		obj:    map[string]any{"size": int64(3), "color": "red"},
		stored: map[string]any{"size": int64(3), "color": "red", "mode": "manual"},
		want:   []string{".spec.mode"},
	}, {
		name: "a label the server computes is not the configuration's", cur: cur, recomputedOff: true,
		obj:    map[string]any{"size": int64(3), "color": "red", "mode": "auto"},
		stored: map[string]any{"size": int64(3), "color": "red", "mode": "auto"},
		want:   []string{`.metadata.labels.example.com/computed`},
	}, {
		name: "numbers compare by value",
		cur: object(map[string]any{"ratio": 2.0, "size": int64(1)}, nil,
			createdAs(`{"f:spec":{"f:ratio":{},"f:size":{}}}`)),
		obj:    map[string]any{"size": int64(1)},
		stored: map[string]any{"size": int64(1), "ratio": int64(2)},
	}, {
		name: "recorded already: nothing to linger",
		cur: object(map[string]any{"size": int64(2), "color": "red"}, nil,
			map[metav1.ManagedFieldsOperationType]string{metav1.ManagedFieldsOperationApply: `{"f:spec":{"f:size":{},"f:color":{}}}`}),
		obj: map[string]any{"size": int64(3)}, stored: map[string]any{"size": int64(3)},
	}, {
		name: "an element of a keyed list kept and one dropped",
		cur: object(map[string]any{"ports": []any{
			map[string]any{"name": "a", "speed": int64(10)}, map[string]any{"name": "b", "speed": int64(25)}}}, nil,
			createdAs(`{"f:spec":{"f:ports":{"k:{\"name\":\"a\"}":{".":{},"f:name":{},"f:speed":{}},`+
				`"k:{\"name\":\"b\"}":{".":{},"f:name":{},"f:speed":{}}}}}`)),
		obj:    map[string]any{"ports": []any{map[string]any{"name": "a", "speed": int64(40)}}},
		stored: map[string]any{"ports": []any{map[string]any{"name": "a", "speed": int64(40)}}},
		want:   []string{`.spec.ports[name="b"]`, `.spec.ports[name="b"].name`, `.spec.ports[name="b"].speed`},
	}, {
		name: "a set's value dropped",
		cur: object(map[string]any{"tags": []any{"x", "y"}}, nil,
			createdAs(`{"f:spec":{"f:tags":{"v:\"x\"":{},"v:\"y\"":{}}}}`)),
		obj:    map[string]any{"tags": []any{"x"}},
		stored: map[string]any{"tags": []any{"x"}},
		want:   []string{`.spec.tags[="y"]`},
	}, {
		name: "a set's values all set again",
		cur: object(map[string]any{"tags": []any{"x", "y"}}, nil,
			createdAs(`{"f:spec":{"f:tags":{"v:\"x\"":{},"v:\"y\"":{}}}}`)),
		obj:    map[string]any{"tags": []any{"y", "x", "z"}},
		stored: map[string]any{"tags": []any{"x", "y", "z"}},
	}, {
		name: "a shape the walk cannot place",
		cur: object(map[string]any{"size": "big"}, nil,
			createdAs(`{"f:spec":{"f:size":{"f:value":{}}}}`)),
		obj:    map[string]any{},
		stored: map[string]any{},
		want:   []string{".spec.size.value"},
	}, {
		name: "a field the create set that the object no longer holds, nor will",
		cur: object(map[string]any{"size": int64(1)}, nil,
			createdAs(`{"f:spec":{"f:size":{},"f:gone":{}}}`)),
		obj:    map[string]any{"size": int64(1)},
		stored: map[string]any{"size": int64(1)},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			l := labels
			if tc.cur.GetLabels() == nil {
				l = nil
			}
			obj, stored := object(tc.obj, l, nil), object(tc.stored, l, nil)
			rec := serverLabel
			if tc.recomputedOff {
				rec = nil
			}
			got := Lingering(tc.cur, obj, stored, fm, rec)
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("Lingering = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCreateFieldsAndOtherAppliers(t *testing.T) {
	u := object(map[string]any{}, nil, createdAs(`{"f:spec":{}}`))
	if !CreateFields(u, fm) || CreateFields(u, "someone") {
		t.Errorf("CreateFields: the create's Update entry is %s's only", fm)
	}
	if OtherAppliers(u, fm) {
		t.Error("OtherAppliers: nobody applied")
	}
	u.SetManagedFields(append(u.GetManagedFields(),
		metav1.ManagedFieldsEntry{Manager: "kubectl-edit", Operation: metav1.ManagedFieldsOperationUpdate},
		metav1.ManagedFieldsEntry{Manager: fm, Operation: metav1.ManagedFieldsOperationApply},
		metav1.ManagedFieldsEntry{Manager: "other", Operation: metav1.ManagedFieldsOperationApply, Subresource: "status"}))
	if OtherAppliers(u, fm) {
		t.Error("OtherAppliers: an imperative edit, our own apply and another's status are no other applier of the object")
	}
	u.SetManagedFields(append(u.GetManagedFields(), metav1.ManagedFieldsEntry{Manager: "other", Operation: metav1.ManagedFieldsOperationApply}))
	if !OtherAppliers(u, fm) {
		t.Error("OtherAppliers: other applied fields")
	}
}

// applyAtServer answers server-side applies as the API server does with a
// resourceVersion in the body: refused when it is not the object's
// (Conflict, "the object has been modified"), applied otherwise.
type applyAtServer struct {
	rv     string
	forced bool
}

func (s *applyAtServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	var body map[string]any
	_ = json.NewDecoder(r.Body).Decode(&body)
	meta, _ := body["metadata"].(map[string]any)
	s.forced = r.URL.Query().Get("force") == "true" && r.Header.Get("Content-Type") == string(types.ApplyPatchType)
	if meta["resourceVersion"] != s.rv {
		w.WriteHeader(http.StatusConflict)
		_ = json.NewEncoder(w).Encode(apierrors.NewConflict(gvr.GroupResource(), "f",
			errors.New("the object has been modified; please apply your changes to the latest version and try again")).Status())
		return
	}
	meta["resourceVersion"] = "8"
	_ = json.NewEncoder(w).Encode(body)
}

func TestApplyAt(t *testing.T) {
	s := &applyAtServer{rv: "7"}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	o := testClient(t, srv.URL, 0).Objects(gvr, "Fabric", "")
	obj := &unstructured.Unstructured{Object: map[string]any{"apiVersion": "wiring.githedgehog.com/v1alpha2", "kind": "Fabric",
		"metadata": map[string]any{"name": "f", "namespace": "ns"}, "spec": map[string]any{"asn": int64(1)}}}

	u, err := o.ApplyAt(context.Background(), obj, fm, "7")
	if err != nil || u.GetResourceVersion() != "8" || !s.forced {
		t.Fatalf("ApplyAt at the current resourceVersion: %v, %v, forced %v; want the object applied, forced", u, err, s.forced)
	}
	if obj.GetResourceVersion() != "" {
		t.Error("ApplyAt changed the caller's object")
	}
	_, err = o.ApplyAt(context.Background(), obj, fm, "6")
	if !IsStale(err) {
		t.Fatalf("ApplyAt at an old resourceVersion: %v; want an error IsStale tells", err)
	}
}

func TestIsStale(t *testing.T) {
	fields := apierrors.NewConflict(gvr.GroupResource(), "f", errors.New("Apply failed with 1 conflict"))
	fields.ErrStatus.Details.Causes = []metav1.StatusCause{{Type: metav1.CauseTypeFieldManagerConflict,
		Message: `conflict with "other": .spec.asn`, Field: ".spec.asn"}}
	if IsStale(fields) {
		t.Error("a conflict over fields is not a stale object")
	}
	if IsStale(errors.New("connection refused")) || IsStale(nil) {
		t.Error("other errors are not a stale object")
	}
}
