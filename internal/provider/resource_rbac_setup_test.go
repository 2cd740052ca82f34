// The acceptance tests of hedgehog_rbac_setup's lifecycle — scopes, token
// types, adoption, repair, in-place changes — with the checks of what the
// default preset grants (longer than most files: each case checks the
// cluster through the account's own token, not only the state).

package provider_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

const rbacAddr = "hedgehog_rbac_setup.test"

func rbacConfig(namespace, sa, body string) string {
	return acctest.Config(fmt.Sprintf(`
resource "hedgehog_rbac_setup" "test" {
  namespace            = %q
  service_account_name = %q
  role_name            = %q
%s
}
`, namespace, sa, sa, body))
}

func dynamicFor(cfg *rest.Config) dynamic.Interface { return dynamic.NewForConfigOrDie(cfg) }

func fabricObject(namespace, name string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": acctest.FabricGVR.GroupVersion().String(), "kind": "Fabric",
		"metadata": map[string]any{"name": name, "namespace": namespace},
		"spec":     map[string]any{"name": name, "asn": int64(65100)},
	}}
}

// grants checks, through the service account's own kubeconfig, what the
// default preset (fabric-design) lets it do and not do: with real requests
// and with access reviews.
func grants(namespace, other string, clusterScope bool) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		r := s.RootModule().Resources[rbacAddr]
		cfg, err := clientcmd.RESTConfigFromKubeConfig([]byte(r.Primary.Attributes["kubeconfig"]))
		if err != nil {
			return fmt.Errorf("the kubeconfig output does not load: %w", err)
		}
		if cfg.BearerToken == "" || cfg.BearerToken != r.Primary.Attributes["token"] {
			return fmt.Errorf("the kubeconfig does not carry the token attribute")
		}
		typed := kubernetes.NewForConfigOrDie(cfg)
		dyn := dynamicFor(cfg)
		ctx := context.Background()
		name := acctest.Name("sa-fab")

		// Granted: fabrics in its namespace.
		if _, err := dyn.Resource(acctest.FabricGVR).Namespace(namespace).Create(ctx, fabricObject(namespace, name), metav1.CreateOptions{}); err != nil {
			return fmt.Errorf("the service account cannot create a fabric in %s: %w", namespace, err)
		}
		if err := dyn.Resource(acctest.FabricGVR).Namespace(namespace).Delete(ctx, name, metav1.DeleteOptions{}); err != nil {
			return fmt.Errorf("the service account cannot delete its fabric: %w", err)
		}
		// Not granted: anything of the core group (configmaps, Secrets,
		// namespaces), other kinds of the fabric's group.
		_, err = typed.CoreV1().ConfigMaps(namespace).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: "x"}}, metav1.CreateOptions{})
		if !apierrors.IsForbidden(err) {
			return fmt.Errorf("creating a configmap should be forbidden, got %v", err)
		}
		if _, err := typed.CoreV1().Secrets(namespace).List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
			return fmt.Errorf("listing secrets should be forbidden, got %v", err)
		}
		if _, err := typed.CoreV1().Namespaces().List(ctx, metav1.ListOptions{}); !apierrors.IsForbidden(err) {
			return fmt.Errorf("listing namespaces should be forbidden, got %v", err)
		}
		// Elsewhere: allowed in cluster scope only.
		_, err = dyn.Resource(acctest.FabricGVR).Namespace(other).List(ctx, metav1.ListOptions{})
		if clusterScope && err != nil {
			return fmt.Errorf("in cluster scope the service account should list fabrics in %s: %w", other, err)
		}
		if !clusterScope && !apierrors.IsForbidden(err) {
			return fmt.Errorf("in namespace scope listing fabrics in %s should be forbidden, got %v", other, err)
		}
		// The same, by access review.
		for _, c := range []struct {
			verb, group, resource string
			want                  bool
		}{
			{"create", acctest.FabricGVR.Group, "fabrics", true},
			{"delete", acctest.FabricGVR.Group, "fabrics", true},
			{"deletecollection", acctest.FabricGVR.Group, "fabrics", false},
			{"create", acctest.FabricGVR.Group, "switches", false},
			{"get", "", "secrets", false},
		} {
			review, err := typed.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx, &authorizationv1.SelfSubjectAccessReview{
				Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: &authorizationv1.ResourceAttributes{
					Namespace: namespace, Verb: c.verb, Group: c.group, Resource: c.resource}},
			}, metav1.CreateOptions{})
			if err != nil {
				return err
			}
			if review.Status.Allowed != c.want {
				return fmt.Errorf("access review: %s %s.%s allowed=%v, want %v", c.verb, c.resource, c.group, review.Status.Allowed, c.want)
			}
		}
		return nil
	}
}

func TestAccRBACSetup_clusterScopeSecretToken(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Name("rbac")
	other := acctest.Namespace(t)
	sa := acctest.Name("sa")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             rbacGone(ns, sa, true, true),
		Steps: []resource.TestStep{
			{
				Config: rbacConfig(ns, sa, `token_type = "secret"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("namespace_created"), knownvalue.Bool(true)),
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("secret_name"), knownvalue.StringExact(sa+"-token")),
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("token_expires_at"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("host"), knownvalue.StringExact(acctest.C.REST.Host)),
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("preset"), knownvalue.StringExact("fabric-design")),
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("role_rules"), knownvalue.ListSizeExact(2)),
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("objects_namespace"), knownvalue.StringExact(ns)),
				},
				Check: resource.ComposeTestCheckFunc(
					grants(ns, other, true),
					resource.TestCheckResourceAttrSet(rbacAddr, "ca_certificate"),
					resource.TestCheckResourceAttrSet(rbacAddr, "service_account_uid"),
				),
			},
			{
				ResourceName:            rbacAddr,
				ImportState:             true,
				ImportStateId:           fmt.Sprintf("%s/%s/%s/cluster", ns, sa, sa),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"namespace_created"},
			},
		},
	})
}

func TestAccRBACSetup_existingAdoptRepairUpdate(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	sa := acctest.Name("sa")
	ctx := context.Background()
	_, err := acctest.C.Typed.CoreV1().ServiceAccounts(ns).Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		CheckDestroy:             rbacGone(ns, sa, true, false),
		Steps: []resource.TestStep{
			{
				Config: rbacConfig(ns, sa, ""),
				ExpectError: acctest.Error("RBAC Objects Already Exist", fmt.Sprintf("ServiceAccount %s/%s", ns, sa),
					fmt.Sprintf("terraform import hedgehog_rbac_setup.<resource name> %s/%s/%s/cluster", ns, sa, sa), "adopt_existing = true"),
			},
			{
				Config: rbacConfig(ns, sa, "adopt_existing = true"),
				Check:  resource.TestCheckResourceAttrSet(rbacAddr, "token"),
			},
			{
				// Every part deleted out of band shows in the plan and comes back.
				PreConfig: func() {
					_ = acctest.C.Typed.RbacV1().ClusterRoleBindings().Delete(ctx, sa, metav1.DeleteOptions{})
					_ = acctest.C.Typed.RbacV1().ClusterRoles().Delete(ctx, sa, metav1.DeleteOptions{})
					_ = acctest.C.Typed.CoreV1().Secrets(ns).Delete(ctx, sa+"-token", metav1.DeleteOptions{})
					_ = acctest.C.Typed.CoreV1().ServiceAccounts(ns).Delete(ctx, sa, metav1.DeleteOptions{})
				},
				Config: rbacConfig(ns, sa, "adopt_existing = true"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rbacAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeTestCheckFunc(grants(ns, acctest.Namespace(t), true), func(*terraform.State) error {
					_, err := acctest.C.Typed.RbacV1().ClusterRoleBindings().Get(ctx, sa, metav1.GetOptions{})
					return err
				}),
			},
			{
				// Rules change in place.
				Config: rbacConfig(ns, sa, `
  adopt_existing = true
  labels         = { team = "netops" }
  rules = [{
    api_groups = ["wiring.githedgehog.com"]
    resources  = ["fabrics"]
    verbs      = ["get", "list"]
  }]
`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rbacAddr, plancheck.ResourceActionUpdate),
				}},
				Check: func(*terraform.State) error {
					role, err := acctest.C.Typed.RbacV1().ClusterRoles().Get(ctx, sa, metav1.GetOptions{})
					if err != nil {
						return err
					}
					if len(role.Rules) != 1 || strings.Join(role.Rules[0].Verbs, ",") != "get,list" || role.Labels["team"] != "netops" {
						return fmt.Errorf("ClusterRole %s: rules %v, labels %v", sa, role.Rules, role.Labels)
					}
					return nil
				},
			},
			{
				// A rule edited out of band shows as a difference.
				PreConfig: func() {
					role, err := acctest.C.Typed.RbacV1().ClusterRoles().Get(ctx, sa, metav1.GetOptions{})
					if err != nil {
						t.Fatal(err)
					}
					role.Rules[0].Verbs = append(role.Rules[0].Verbs, "delete")
					if _, err := acctest.C.Typed.RbacV1().ClusterRoles().Update(ctx, role, metav1.UpdateOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: rbacConfig(ns, sa, `
  adopt_existing = true
  labels         = { team = "netops" }
  rules = [{
    api_groups = ["wiring.githedgehog.com"]
    resources  = ["fabrics"]
    verbs      = ["get", "list"]
  }]
`),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// TestAccRBACSetup_otherCombinations covers the two pairs of scope and token
// type that the other tests do not: cluster scope with a bound token, and
// namespace scope with a Secret token.
func TestAccRBACSetup_otherCombinations(t *testing.T) {
	acctest.PreCheck(t)
	for _, c := range []struct{ scope, token string }{{"cluster", "bound"}, {"namespace", "secret"}} {
		t.Run(c.scope+"_"+c.token, func(t *testing.T) {
			ns := acctest.Namespace(t)
			other := acctest.Namespace(t)
			sa := acctest.Name("sa")
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.Factories,
				CheckDestroy:             rbacGone(ns, sa, c.scope == "cluster", false),
				Steps: []resource.TestStep{{
					Config: rbacConfig(ns, sa, fmt.Sprintf("scope = %q\n  token_type = %q", c.scope, c.token)),
					Check:  grants(ns, other, c.scope == "cluster"),
				}},
			})
		})
	}
}

// TestAccRBACSetup_changesInPlace: leaving the legacy Secret token deletes
// the Secret, which revokes its token, and a new objects_namespace moves the
// Role and RoleBinding — both without replacing the service account.
func TestAccRBACSetup_changesInPlace(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	sa := acctest.Name("sa")
	ctx := context.Background()
	var secretToken, uid string
	config := func(lines string) string {
		return rbacConfig(ns, sa, "preset = \"viewer\"\n  scope = \"namespace\"\n"+lines)
	}
	roleIn := func(namespace string, want bool) error {
		_, err := acctest.C.Typed.RbacV1().Roles(namespace).Get(ctx, sa, metav1.GetOptions{})
		_, bErr := acctest.C.Typed.RbacV1().RoleBindings(namespace).Get(ctx, sa, metav1.GetOptions{})
		if want && (err != nil || bErr != nil) || !want && (!apierrors.IsNotFound(err) || !apierrors.IsNotFound(bErr)) {
			return fmt.Errorf("role and binding in %s: %v, %v (want them there: %v)", namespace, err, bErr, want)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             rbacGone(ns, sa, false, false),
		Steps: []resource.TestStep{
			{
				Config: config(`token_type = "secret"`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("objects_namespace"), knownvalue.StringExact("default")),
				},
				Check: func(s *terraform.State) error {
					attrs := s.RootModule().Resources[rbacAddr].Primary.Attributes
					secretToken, uid = attrs["token"], attrs["service_account_uid"]
					return roleIn("default", true)
				},
			},
			{
				Config: config("token_type = \"bound\"\n  objects_namespace = \"" + ns + "\""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rbacAddr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("secret_name"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("object_uids"), knownvalue.MapSizeExact(4)),
				},
				Check: func(s *terraform.State) error {
					if got := s.RootModule().Resources[rbacAddr].Primary.Attributes["service_account_uid"]; got != uid {
						return fmt.Errorf("the service account was replaced (%s, was %s)", got, uid)
					}
					if _, err := acctest.C.Typed.CoreV1().Secrets(ns).Get(ctx, sa+"-token", metav1.GetOptions{}); !apierrors.IsNotFound(err) {
						return fmt.Errorf("the token Secret should be gone: %v", err)
					}
					// The Secret's token is revoked: the API server no longer
					// knows it.
					cfg := rest.CopyConfig(acctest.C.REST)
					cfg.BearerToken, cfg.CertData, cfg.KeyData, cfg.CertFile, cfg.KeyFile = secretToken, nil, nil, "", ""
					_, err := kubernetes.NewForConfigOrDie(cfg).AuthorizationV1().SelfSubjectAccessReviews().Create(ctx,
						&authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{
							ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: "get", Resource: "pods"}}}, metav1.CreateOptions{})
					if !apierrors.IsUnauthorized(err) {
						return fmt.Errorf("the deleted Secret's token should be refused (401), got %v", err)
					}
					return expectAll(roleIn(ns, true), roleIn("default", false))
				},
			},
		},
	})
}
