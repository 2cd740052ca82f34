package provider_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/provider"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/rbac"
)

// testClock is the wall clock moved ahead by what the test says: the
// provider's idea of how much of a token's lifetime has passed, without
// sleeping.
type testClock struct{ ahead atomic.Int64 }

func (c *testClock) now() time.Time      { return time.Now().Add(time.Duration(c.ahead.Load())) }
func (c *testClock) set(d time.Duration) { c.ahead.Store(int64(d)) }

// factoriesWith runs the provider with the test's clock, a new instance for
// every CLI command (as acctest.Factories does).
func factoriesWith(now func() time.Time) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		"hedgehog": func() (tfprotov6.ProviderServer, error) {
			return providerserver.NewProtocol6WithError(provider.NewForTest(now)())()
		},
	}
}

// TestAccRBACSetup_namespaceScopeBoundToken: a bound token of 600 s with
// renewal at 50 % is kept while more than 300 s of it are left and renewed
// once fewer are, as the provider's clock says. Each side of the threshold
// has a margin of at least 200 s of real time, so a slow machine does not
// change the outcome.
func TestAccRBACSetup_namespaceScopeBoundToken(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t) // exists already: not created, so never deleted
	other := acctest.Namespace(t)
	sa := acctest.Name("sa")
	clock := &testClock{}
	config := rbacConfig(ns, sa, `
  scope                    = "namespace"
  token_type               = "bound"
  token_expiration_seconds = 600
  token_renewal_percent    = 50
`)
	var firstToken string
	token := func(s *terraform.State) string { return s.RootModule().Resources[rbacAddr].Primary.Attributes["token"] }
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWith(clock.now),
		CheckDestroy:             rbacGone(ns, sa, false, false),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("namespace_created"), knownvalue.Bool(false)),
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("secret_name"), knownvalue.StringExact("")),
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("token_expires_at"), knownvalue.NotNull()),
				},
				Check: resource.ComposeTestCheckFunc(grants(ns, other, false), func(s *terraform.State) error {
					firstToken = token(s)
					return nil
				}),
			},
			{
				// 100 s later about 500 s are left, more than half: kept.
				PreConfig: func() { clock.set(100 * time.Second) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectEmptyPlan(),
				}},
				Check: func(s *terraform.State) error {
					if token(s) != firstToken {
						return fmt.Errorf("the token was renewed with more than half of its lifetime left")
					}
					return nil
				},
			},
			{
				// 400 s later at most 200 s are left: the plan renews it.
				PreConfig: func() { clock.set(400 * time.Second) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rbacAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(rbacAddr, tfjsonpath.New("token")),
				}},
				Check: resource.ComposeTestCheckFunc(grants(ns, other, false), func(s *terraform.State) error {
					if token(s) == firstToken {
						return fmt.Errorf("the token was not renewed")
					}
					// The new token was issued now, by the API server's
					// clock: back to it for the plans that follow the apply.
					clock.set(0)
					return nil
				}),
			},
		},
	})
	if _, err := acctest.C.Typed.CoreV1().Namespaces().Get(context.Background(), ns, metav1.GetOptions{}); err != nil {
		t.Fatalf("the namespace that existed before must survive destroy: %v", err)
	}
}

// TestAccRBACSetup_defaultTokenExpires: with nothing said about tokens, the
// token is a TokenRequest token that expires an hour after it was issued
// (its own exp claim, and token_expires_at, say so; no Secret holds it),
// and an apply past half its lifetime renews it while it is still valid.
func TestAccRBACSetup_defaultTokenExpires(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	sa := acctest.Name("sa")
	clock := &testClock{}
	config := rbacConfig(ns, sa, "")
	var first rbac.Claims
	var firstToken string
	claims := func(s *terraform.State) (string, rbac.Claims, error) {
		attrs := s.RootModule().Resources[rbacAddr].Primary.Attributes
		c, err := rbac.ReadClaims(attrs["token"])
		if err != nil {
			return "", c, fmt.Errorf("the token is not a JWT: %w", err)
		}
		if got := c.Expires.Format(time.RFC3339); got != attrs["token_expires_at"] {
			return "", c, fmt.Errorf("token_expires_at %s, the token's exp claim %s", attrs["token_expires_at"], got)
		}
		if c.Expires.Sub(c.IssuedAt) != time.Hour || time.Until(c.Expires) > time.Hour || time.Until(c.Expires) <= 0 {
			return "", c, fmt.Errorf("the token was issued at %s and expires at %s: want an hour, still ahead", c.IssuedAt, c.Expires)
		}
		if c.Subject != "system:serviceaccount:"+ns+":"+sa || c.ServiceAccountUID != attrs["service_account_uid"] {
			return "", c, fmt.Errorf("the token is for %s (%s)", c.Subject, c.ServiceAccountUID)
		}
		return attrs["token"], c, nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: factoriesWith(clock.now),
		CheckDestroy:             rbacGone(ns, sa, true, false),
		Steps: []resource.TestStep{
			{
				Config: config,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("token_type"), knownvalue.StringExact("bound")),
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("token_expiration_seconds"), knownvalue.Int64Exact(3600)),
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("secret_name"), knownvalue.StringExact("")),
				},
				Check: func(s *terraform.State) error {
					var err error
					if firstToken, first, err = claims(s); err != nil {
						return err
					}
					secrets, err := acctest.C.Typed.CoreV1().Secrets(ns).List(context.Background(), metav1.ListOptions{})
					if err != nil || len(secrets.Items) != 0 {
						return fmt.Errorf("no Secret should hold a token: %v, %v", secrets, err)
					}
					return nil
				},
			},
			{
				// 1000 s later 2600 s are left, more than half: kept.
				PreConfig:        func() { clock.set(1000 * time.Second) },
				Config:           config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()}},
			},
			{
				// 1900 s later at most 1700 s are left: the plan renews it,
				// while the old one is still good.
				PreConfig: func() { clock.set(1900 * time.Second) },
				Config:    config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rbacAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(rbacAddr, tfjsonpath.New("token")),
				}},
				Check: func(s *terraform.State) error {
					token, c, err := claims(s)
					if err != nil {
						return err
					}
					if token == firstToken || !c.Expires.After(first.Expires) {
						return fmt.Errorf("the token was not renewed (expires %s, the first %s)", c.Expires, first.Expires)
					}
					if time.Until(first.Expires) <= 0 {
						return fmt.Errorf("the first token expired before it was renewed")
					}
					firstToken = token
					clock.set(0)
					return nil
				},
			},
			{
				// The service account deleted and created again by someone
				// else: the token, issued for the old one, no longer works,
				// and the plan renews it although it is young.
				PreConfig: func() {
					ctx := context.Background()
					accounts := acctest.C.Typed.CoreV1().ServiceAccounts(ns)
					if err := accounts.Delete(ctx, sa, metav1.DeleteOptions{}); err != nil {
						t.Fatal(err)
					}
					if _, err := accounts.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Name: sa}}, metav1.CreateOptions{}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(rbacAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(rbacAddr, tfjsonpath.New("token")),
				}},
				Check: func(s *terraform.State) error {
					token, _, err := claims(s) // issued for the account that exists now
					if err != nil {
						return err
					}
					if token == firstToken {
						return fmt.Errorf("the token of the deleted service account was kept")
					}
					return nil
				},
			},
		},
	})
}
