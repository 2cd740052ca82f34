package kube

import (
	"context"
	"slices"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/structured-merge-diff/v6/fieldpath"
	"sigs.k8s.io/structured-merge-diff/v6/value"
)

// An update without the record. A create's fields belong to the field
// manager's Update entry; RecordApplied turns them into applied fields, one
// write, so that the first apply can remove what the configuration stopped
// setting. That write is only needed when the apply would otherwise leave
// such a field behind, holding a value the object would not hold after the
// apply anyway. When no field would, the apply goes alone: forced, because
// it conflicts with the Update entry's fields whose value it changes (its own
// create's), and guarded by the resourceVersion the decision was made on, so
// that the force reaches exactly what the normal path would force past. The
// Update entry then stays, sharing the fields the apply sets; the check runs
// again on every update, and records when a later one would leave a field.

// CreateFields tells whether u still holds fieldManager's Update entry: the
// fields its create set, not yet recorded as applied.
func CreateFields(u *unstructured.Unstructured, fieldManager string) bool {
	return createEntry(u, fieldManager) != nil
}

func createEntry(u *unstructured.Unstructured, fieldManager string) *metav1.ManagedFieldsEntry {
	for _, m := range u.GetManagedFields() {
		if m.Manager == fieldManager && m.Operation == metav1.ManagedFieldsOperationUpdate && m.Subresource == "" {
			return &m
		}
	}
	return nil
}

// OtherAppliers tells whether a field manager other than fieldManager
// applied fields of u: forcing past its fields would take them over.
func OtherAppliers(u *unstructured.Unstructured, fieldManager string) bool {
	return slices.ContainsFunc(u.GetManagedFields(), func(m metav1.ManagedFieldsEntry) bool {
		return m.Subresource == "" && m.Operation == metav1.ManagedFieldsOperationApply && m.Manager != fieldManager
	})
}

// Lingering lists the fields of fieldManager's Update entry in cur that an
// apply of obj would leave holding another value than the server stores for
// obj (stored: obj as the server will hold it, its defaults filled in). A
// field is fine when obj sets it, when cur already holds the value stored
// holds (both absent included), or when recomputed says the server
// recomputes it on every write (its path of field names, such as metadata,
// labels, <key>). A field the walk cannot place is listed too: the caller
// then records, as it always did.
func Lingering(cur, obj, stored *unstructured.Unstructured, fieldManager string, recomputed func(path []string) bool) []string {
	entry := createEntry(cur, fieldManager)
	if entry == nil || entry.FieldsV1 == nil {
		return nil
	}
	set := &fieldpath.Set{}
	if err := set.FromJSON(entry.FieldsV1.GetRawReader()); err != nil {
		return []string{"(managedFields: " + err.Error() + ")"}
	}
	var out []string
	set.Iterate(func(p fieldpath.Path) {
		if names, ok := fieldNames(p); ok && recomputed != nil && recomputed(names) {
			return
		}
		if _, inObj, ok := at(obj.Object, p); ok && inObj {
			return
		}
		have, inCur, ok1 := at(cur.Object, p)
		want, inStored, ok2 := at(stored.Object, p)
		if ok1 && ok2 && inCur == inStored && (!inCur || value.Equals(value.NewValueInterface(have), value.NewValueInterface(want))) {
			return
		}
		out = append(out, p.String())
	})
	return out
}

// fieldNames is a path of field names only; ok is false when it steps into
// a list.
func fieldNames(p fieldpath.Path) ([]string, bool) {
	out := make([]string, 0, len(p))
	for _, e := range p {
		if e.FieldName == nil {
			return nil, false
		}
		out = append(out, *e.FieldName)
	}
	return out, true
}

// at finds the value at p in an object: found tells whether it is there; ok
// is false when p does not fit the object's shape (a key where there is no
// list of maps), which the caller takes as a reason to record.
func at(obj any, p fieldpath.Path) (v any, found, ok bool) {
	v = obj
	for _, e := range p {
		switch {
		case e.FieldName != nil:
			m, isMap := v.(map[string]any)
			if !isMap {
				return nil, false, v == nil
			}
			if v, found = m[*e.FieldName]; !found {
				return nil, false, true
			}
		case e.Index != nil:
			l, isList := v.([]any)
			if !isList || *e.Index >= len(l) {
				return nil, false, v == nil || isList
			}
			v = l[*e.Index]
		case e.Key != nil || e.Value != nil:
			l, isList := v.([]any)
			if !isList {
				return nil, false, v == nil
			}
			i := slices.IndexFunc(l, func(x any) bool { return matches(x, e) })
			if i < 0 {
				return nil, false, true
			}
			v = l[i]
		default:
			return nil, false, false
		}
	}
	return v, true, true
}

// matches tells whether a list element is the one a key or value path
// element selects.
func matches(x any, e fieldpath.PathElement) bool {
	if e.Value != nil {
		return value.Equals(value.NewValueInterface(x), *e.Value)
	}
	m, ok := x.(map[string]any)
	if !ok {
		return false
	}
	for _, f := range *e.Key {
		got, present := m[f.Name]
		if !present || !value.Equals(value.NewValueInterface(got), f.Value) {
			return false
		}
	}
	return true
}

// ApplyAt is Apply, forced, of obj onto the object as it was at
// resourceVersion: when the object has changed since, nothing is written
// and the error is one that IsStale tells.
func (o *Objects) ApplyAt(ctx context.Context, obj *unstructured.Unstructured, fieldManager, resourceVersion string) (*unstructured.Unstructured, error) {
	at := obj.DeepCopy()
	at.SetResourceVersion(resourceVersion)
	return o.Apply(ctx, at, fieldManager, true)
}

// IsStale tells a write refused because the object changed since the
// resourceVersion it was made for (not a conflict over fields).
func IsStale(err error) bool {
	return apierrors.IsConflict(err) && len(ConflictManagers(err)) == 0
}
