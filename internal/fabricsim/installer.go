package fabricsim

import (
	"context"
	"fmt"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// InstallerFieldManager is Hedgehog's installer's name in managedFields.
const InstallerFieldManager = "hedgehog-installer"

// InstalledObject is an object that every Hedgehog installation has before
// anyone configures it.
type InstalledObject struct {
	Kind *kinds.Kind // its kind (only group, version, kind and plural are used)
	Name string
	Spec map[string]any
}

// Installed are what Hedgehog's installer creates, with the virtual lab's
// values: the VLAN namespace default (1000-2999) and the IPv4 namespace
// default (10.0.0.0/16), which the webhook gives the switches, VPCs and
// externals that name none.
func Installed() []InstalledObject {
	return []InstalledObject{
		{wiring.VLANNamespace, "default", map[string]any{"ranges": []any{map[string]any{"from": int64(1000), "to": int64(2999)}}}},
		{vpc.IPv4Namespace, "default", map[string]any{"subnets": []any{"10.0.0.0/16"}}},
	}
}

// SeedInstallation creates, as the installer and through the webhook, what
// Hedgehog's installer creates (Installed); objects that exist are left as
// they are.
func SeedInstallation(ctx context.Context, dyn dynamic.Interface) error {
	for _, o := range Installed() {
		u := &unstructured.Unstructured{Object: map[string]any{"apiVersion": o.Kind.APIVersion(nil), "kind": o.Kind.Kind,
			"metadata": map[string]any{"name": o.Name, "namespace": meta.Namespace}, "spec": o.Spec}}
		_, err := dyn.Resource(o.Kind.GVR(nil)).Namespace(meta.Namespace).Create(ctx, u, metav1.CreateOptions{FieldManager: InstallerFieldManager})
		if err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("creating the %s %s that Hedgehog's installer creates: %w", o.Kind.Kind, o.Name, err)
		}
	}
	return nil
}
