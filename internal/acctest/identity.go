package acctest

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Ref names an object in the cluster.
type Ref struct {
	GVR             schema.GroupVersionResource
	Kind            string
	Namespace, Name string
}

// Of is an object of a Hedgehog kind (they all live in `default`).
func Of(k *kinds.Kind, name string) Ref {
	return Ref{GVR: k.GVR(nil), Kind: k.Kind, Namespace: meta.Namespace, Name: name}
}

// FabricOf is a Fabric (the design's kind, in any namespace).
func FabricOf(namespace, name string) Ref {
	return Ref{GVR: FabricGVR, Kind: "Fabric", Namespace: namespace, Name: name}
}

func (r Ref) String() string { return r.Kind + " " + r.Namespace + "/" + r.Name }

// uid is the object's UID in the cluster now, "" when there is none.
func (r Ref) uid() (types.UID, error) {
	u, err := C.Dynamic.Resource(r.GVR).Namespace(r.Namespace).Get(context.Background(), r.Name, metav1.GetOptions{})
	if apierrors.IsNotFound(err) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("reading %s: %w", r, err)
	}
	return u.GetUID(), nil
}

// Identity follows objects across the steps of one test by their UIDs: a
// name says nothing of whether an update kept the object or replaced it, or
// whether an import found the object the test made. A check of the step
// that makes an object records its UID; checks of later steps say whether
// the object in the cluster is still that one.
type Identity struct {
	uids map[Ref]types.UID
}

// NewIdentity is an Identity for one test.
func NewIdentity() *Identity { return &Identity{uids: map[Ref]types.UID{}} }

// Record checks that the object exists and remembers its UID.
func (id *Identity) Record(r Ref) resource.TestCheckFunc {
	return func(*terraform.State) error {
		uid, err := r.uid()
		if err != nil {
			return err
		}
		if uid == "" {
			return fmt.Errorf("%s is not in the cluster", r)
		}
		id.uids[r] = uid
		return nil
	}
}

func (id *Identity) recorded(r Ref) (types.UID, error) {
	uid, ok := id.uids[r]
	if !ok {
		return "", fmt.Errorf("the test never recorded the UID of %s (Identity.Record in an earlier step)", r)
	}
	return uid, nil
}

// Same checks that the object in the cluster is the one recorded: an update
// in place kept it.
func (id *Identity) Same(r Ref) resource.TestCheckFunc {
	return func(*terraform.State) error {
		want, err := id.recorded(r)
		if err != nil {
			return err
		}
		uid, err := r.uid()
		switch {
		case err != nil:
			return err
		case uid == "":
			return fmt.Errorf("%s (UID %s) is gone from the cluster", r, want)
		case uid != want:
			return fmt.Errorf("%s was replaced: UID %s, not %s as recorded", r, uid, want)
		}
		return nil
	}
}

// Replaced checks that a new object took the place of the one recorded as
// old: now is in the cluster with another UID, and when it has another name,
// old is gone. The new object's UID is recorded.
func (id *Identity) Replaced(old, now Ref) resource.TestCheckFunc {
	return func(*terraform.State) error {
		was, err := id.recorded(old)
		if err != nil {
			return err
		}
		uid, err := now.uid()
		switch {
		case err != nil:
			return err
		case uid == "":
			return fmt.Errorf("%s, which replaces %s, is not in the cluster", now, old)
		case uid == was:
			return fmt.Errorf("%s was not replaced: its UID is still %s", now, uid)
		}
		if old != now {
			left, err := old.uid()
			if err != nil {
				return err
			}
			if left != "" {
				return fmt.Errorf("%s, replaced by %s, is still in the cluster (UID %s)", old, now, left)
			}
			delete(id.uids, old)
		}
		id.uids[now] = uid
		return nil
	}
}

// Imported is an ImportStateCheck: the import found the object recorded (its
// uid attribute is the recorded UID, and the cluster still has it).
func (id *Identity) Imported(r Ref) resource.ImportStateCheckFunc {
	return func(states []*terraform.InstanceState) error {
		want, err := id.recorded(r)
		if err != nil {
			return err
		}
		for _, s := range states {
			if s.Attributes["id"] != r.Namespace+"/"+r.Name {
				continue
			}
			if got := types.UID(s.Attributes["uid"]); got != want {
				return fmt.Errorf("the import of %s found UID %q, not %s as recorded at its creation", r, got, want)
			}
			return id.Same(r)(nil)
		}
		return fmt.Errorf("the import has no resource with id %s/%s", r.Namespace, r.Name)
	}
}
