package kinds

import (
	"context"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// dryRunForce is whether the update's dry run applies with force: as the
// update will. The update forces past its own create's fields (applyUpdate)
// and past fields that only imperative edits took over (apply); the dry run
// forces when no other manager applied fields, read from the snapshot (no
// request). An update that must record its create's fields first is not
// dry-run at all (checkWrite).
func (r *Resource) dryRunForce(ctx context.Context, api *kube.Objects, obj *unstructured.Unstructured, force bool) bool {
	u, err := api.Get(ctx, obj.GetNamespace(), obj.GetName())
	if force || err != nil {
		return force
	}
	for _, m := range u.GetManagedFields() {
		if m.Subresource == "" && m.Operation == "Apply" && m.Manager != r.cfg.FieldManager {
			return false
		}
	}
	return true
}

// updateForces tells whether the update goes past a conflict with these
// managers: its own fields, recorded as applied first, and fields that
// imperative edits took over are no conflict for it; another applier's are.
func (r *Resource) updateForces(ctx context.Context, api *kube.Objects, obj *unstructured.Unstructured, managers []string) bool {
	u, err := api.Get(ctx, obj.GetNamespace(), obj.GetName())
	if err != nil || len(managers) == 0 {
		return false
	}
	for _, m := range u.GetManagedFields() {
		if m.Subresource == "" && m.Operation == "Apply" && m.Manager != r.cfg.FieldManager && slices.Contains(managers, m.Manager) {
			return false
		}
	}
	return true
}
