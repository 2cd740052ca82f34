package provider_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

func TestAccRBACSetup_namespaceWithFabrics(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Name("rbac")
	sa := acctest.Name("sa")
	fabric := acctest.Name("fab")
	cfg := func(force bool) string {
		return rbacConfig(ns, sa, fmt.Sprintf("force_destroy_namespace = %v", force))
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             rbacGone(ns, sa, true, true),
		Steps: []resource.TestStep{
			{
				Config: cfg(false),
				Check: func(*terraform.State) error {
					// A fabric that this resource did not create.
					applyAs(t, ns, fabric, "someone-else", map[string]any{"name": fabric, "asn": 65000})
					return nil
				},
			},
			{
				Config:      cfg(false),
				Destroy:     true,
				ExpectError: acctest.Error("Namespace Holds Other Objects", "Fabric "+fabric, "force_destroy_namespace = true", "Nothing was deleted"),
			},
			{
				// Refused: everything is still there.
				Config: cfg(true),
				Check: func(*terraform.State) error {
					if acctest.Fabric(t, ns, fabric) == nil {
						return fmt.Errorf("the fabric is gone after the refused destroy")
					}
					_, err := acctest.C.Typed.CoreV1().ServiceAccounts(ns).Get(context.Background(), sa, metav1.GetOptions{})
					return err
				},
			},
		},
	})
}

// rbacGone checks that destroy removed what the resource created, and the
// namespace exactly when it was created by the resource.
func rbacGone(ns, sa string, clusterScope, namespaceCreated bool) resource.TestCheckFunc {
	return func(*terraform.State) error {
		ctx := context.Background()
		if _, err := acctest.C.Typed.CoreV1().ServiceAccounts(ns).Get(ctx, sa, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("service account %s/%s still exists (%v)", ns, sa, err)
		}
		if clusterScope {
			if _, err := acctest.C.Typed.RbacV1().ClusterRoleBindings().Get(ctx, sa, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return fmt.Errorf("cluster role binding %s still exists (%v)", sa, err)
			}
			if _, err := acctest.C.Typed.RbacV1().ClusterRoles().Get(ctx, sa, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
				return fmt.Errorf("cluster role %s still exists (%v)", sa, err)
			}
		} else if _, err := acctest.C.Typed.RbacV1().RoleBindings(ns).Get(ctx, sa, metav1.GetOptions{}); !apierrors.IsNotFound(err) {
			return fmt.Errorf("role binding %s/%s still exists (%v)", ns, sa, err)
		}
		_, err := acctest.C.Typed.CoreV1().Namespaces().Get(ctx, ns, metav1.GetOptions{})
		if namespaceCreated && !apierrors.IsNotFound(err) {
			return fmt.Errorf("namespace %s, created by the resource, still exists (%v)", ns, err)
		}
		if !namespaceCreated && err != nil {
			return fmt.Errorf("namespace %s, which existed before, is gone: %v", ns, err)
		}
		return nil
	}
}
