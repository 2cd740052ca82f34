// The acceptance tests of hedgehog_rbac_setup's presets, one per preset
// (longer than most files: each preset's test holds the configuration a
// client of that job would write, what the account may do and what it is
// refused), and the harness they share: the service account's own provider
// block, clients with its token, access reviews.

package provider_test

import (
	"context"
	"fmt"
	"maps"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	authorizationv1 "k8s.io/api/authorization/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/rest"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/rbac"
)

// The tests of each preset run the provider itself with the service
// account's token: a second provider block, configured from the setup's
// host, CA and token, does what the preset allows, and is refused in the API
// server's words for the rest. Access reviews with the same token must agree
// with the preset's rules for every Hedgehog kind.
//
// The second block is the provider under a second local name, hedgehogsa,
// rather than an alias: the test harness serves every block of one provider
// name from one in-process instance, which keeps the configuration of the
// block configured last, so an alias would lend its token to the first
// block too. With the real provider binary (one process per block) an alias
// is what users write, and TestAccAccessToken_neverStored uses one.

// saFactories serve the provider under both names.
var saFactories = func() map[string]func() (tfprotov6.ProviderServer, error) {
	f := maps.Clone(acctest.Factories)
	f["hedgehogsa"] = acctest.Factories["hedgehog"]
	return f
}()

// saConfig is a configuration with the administrator's provider block and
// a "hedgehogsa" block with the given settings.
func saConfig(settings, body string) string {
	return fmt.Sprintf(`terraform {
  required_providers {
    hedgehog = {
      source = "hedgehog-terraform/hedgehog"
    }
    hedgehogsa = {
      source = "hedgehog-terraform/hedgehogsa"
    }
  }
}

provider "hedgehog" {
  config_path = %q
}

provider "hedgehogsa" {
%s}
%s`, acctest.C.Kubeconfig, settings, body)
}

// presetSetup is a setup of one preset with the "sa" provider block.
type presetSetup struct {
	ns, sa, preset, scope string
	// providerNamespace is the "sa" provider's namespace (for fabrics).
	providerNamespace string
}

func newPresetSetup(t *testing.T, preset, scope string) presetSetup {
	ns := acctest.Namespace(t)
	return presetSetup{ns: ns, sa: acctest.Name("sa"), preset: preset, scope: scope, providerNamespace: ns}
}

// config is the setup, the service account's provider block and body.
func (p presetSetup) config(body string) string {
	return saConfig(fmt.Sprintf(`  host                   = hedgehog_rbac_setup.test.host
  token                  = hedgehog_rbac_setup.test.token
  cluster_ca_certificate = hedgehog_rbac_setup.test.ca_certificate
  namespace              = %q
`, p.providerNamespace), fmt.Sprintf(`
resource "hedgehog_rbac_setup" "test" {
  namespace            = %q
  service_account_name = %q
  role_name            = %q
  preset               = %q
  scope                = %q
}
%s`, p.ns, p.sa, p.sa, p.preset, p.scope, body))
}

// refusedCreate is the provider's diagnostic when the API server refuses
// the service account to create an object of Hedgehog's (in "default"),
// ending with the API server's own words.
func (p presetSetup) refusedCreate(gr schema.GroupResource) *regexp.Regexp {
	who := "system:serviceaccount:" + p.ns + ":" + p.sa
	return acctest.Error("Kubernetes Permission Denied",
		fmt.Sprintf(`%q may not create %s in namespace "default"`, who, gr),
		fmt.Sprintf(`User %q cannot create resource %q in API group %q in the namespace "default"`, who, gr.Resource, gr.Group))
}

// saClients are clients with the token the state holds.
func saClients(s *terraform.State) (kubernetes.Interface, dynamic.Interface, error) {
	token := s.RootModule().Resources[rbacAddr].Primary.Attributes["token"]
	if token == "" {
		return nil, nil, fmt.Errorf("the setup has no token")
	}
	cfg := rest.CopyConfig(acctest.C.REST)
	cfg.BearerToken, cfg.BearerTokenFile = token, ""
	cfg.CertData, cfg.KeyData, cfg.CertFile, cfg.KeyFile = nil, nil, "", ""
	return kubernetes.NewForConfigOrDie(cfg), dynamic.NewForConfigOrDie(cfg), nil
}

// reviewsAgree asks the API server, with the service account's own token,
// whether it may get, list, create, update, delete and get the status of
// every Hedgehog kind, fabrics, Secrets and configmaps, in the namespace of
// the objects and in another: the answers must be what the preset's rules
// say (nothing in the other namespace in namespace scope), and an
// administrator's SubjectAccessReview must say the same.
func (p presetSetup) reviewsAgree(objects, other string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		typed, _, err := saClients(s)
		if err != nil {
			return err
		}
		preset, _ := rbac.PresetNamed(p.preset)
		rules := preset.Rules(acctest.FabricGVR.GroupResource())
		targets := []schema.GroupResource{acctest.FabricGVR.GroupResource(), {Resource: "secrets"}, {Resource: "configmaps"}}
		for _, k := range hedgehog.Kinds() {
			targets = append(targets, k.GVR(&kinds.Config{}).GroupResource())
		}
		ctx := context.Background()
		for _, gr := range targets {
			for _, ns := range []string{objects, other} {
				for _, verb := range []string{"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection", "get/status", "update/status"} {
					v, sub, _ := strings.Cut(verb, "/")
					resource := gr.Resource
					if sub != "" {
						resource += "/" + sub
					}
					want := allows(rules, v, gr.Group, resource) && (ns == objects || p.scope == rbac.ScopeCluster)
					attrs := &authorizationv1.ResourceAttributes{Namespace: ns, Verb: v, Group: gr.Group, Resource: gr.Resource, Subresource: sub}
					self, err := typed.AuthorizationV1().SelfSubjectAccessReviews().Create(ctx,
						&authorizationv1.SelfSubjectAccessReview{Spec: authorizationv1.SelfSubjectAccessReviewSpec{ResourceAttributes: attrs}},
						metav1.CreateOptions{})
					if err != nil {
						return err
					}
					admin, err := acctest.C.Typed.AuthorizationV1().SubjectAccessReviews().Create(ctx,
						&authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{ResourceAttributes: attrs,
							User: "system:serviceaccount:" + p.ns + ":" + p.sa, Groups: []string{"system:serviceaccounts", "system:authenticated"}}},
						metav1.CreateOptions{})
					if err != nil {
						return err
					}
					if self.Status.Allowed != want || admin.Status.Allowed != want {
						return fmt.Errorf("%s: %s %s in %q: self review %v, admin review %v, the preset says %v",
							p.preset, verb, gr, ns, self.Status.Allowed, admin.Status.Allowed, want)
					}
				}
			}
		}
		return nil
	}
}

// noSecrets: the token reads no Secret, in the API server's words.
func noSecrets(namespace string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		typed, _, err := saClients(s)
		if err != nil {
			return err
		}
		_, err = typed.CoreV1().Secrets(namespace).List(context.Background(), metav1.ListOptions{})
		if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `cannot list resource "secrets"`) {
			return fmt.Errorf("listing Secrets in %s should be refused by RBAC, got %v", namespace, err)
		}
		return nil
	}
}

func TestAccRBACSetup_presetVPCEditor(t *testing.T) {
	acctest.PreCheck(t)
	p := newPresetSetup(t, rbac.PresetVPCEditor, rbac.ScopeNamespace)
	v4, vlan, vpcName := acctest.HedgehogName("ip"), acctest.HedgehogName("vl"), acctest.HedgehogName("vpc")
	body := fmt.Sprintf(`
# The VLAN namespace is wiring: the administrator's.
resource "hedgehog_vlan_namespace" "ns" {
  name   = %q
  ranges = [{ from = 1000, to = 2999 }]
}

resource "hedgehog_ipv4_namespace" "ns" {
  provider = hedgehogsa
  name     = %q
  subnets  = ["10.10.0.0/16"]
}

resource "hedgehog_vpc" "v" {
  provider       = hedgehogsa
  name           = %q
  ipv4_namespace = hedgehog_ipv4_namespace.ns.name
  vlan_namespace = hedgehog_vlan_namespace.ns.name
  subnets = {
    default = { subnet = "10.10.1.0/24", vlan = 1001 }
  }
}
`, vlan, v4, vpcName)
	other := acctest.Namespace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: saFactories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(rbacGone(p.ns, p.sa, false, false)(s), acctest.Gone(t, vpc.VPC, vpcName)(s), acctest.Gone(t, vpc.IPv4Namespace, v4)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: p.config(body),
				ConfigStateChecks: []statecheck.StateCheck{
					// The role goes where Hedgehog's objects are.
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("objects_namespace"), knownvalue.StringExact("default")),
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						if acctest.Object(t, vpc.VPC, "default", vpcName) == nil {
							return fmt.Errorf("the service account's provider did not create VPC %s", vpcName)
						}
						_, err := acctest.C.Typed.RbacV1().Roles("default").Get(context.Background(), p.sa, metav1.GetOptions{})
						return err
					},
					p.reviewsAgree("default", other),
					noSecrets("default"), noSecrets(p.ns),
				),
			},
			{
				// A Switch is wiring: refused.
				Config:      p.config(body + newLeaf("refused").hcl("provider = hedgehogsa")),
				ExpectError: p.refusedCreate(wiring.Switch.GVR(&kinds.Config{}).GroupResource()),
			},
		},
	})
}

func TestAccRBACSetup_presetFabricDesign(t *testing.T) {
	acctest.PreCheck(t)
	p := newPresetSetup(t, rbac.PresetFabricDesign, rbac.ScopeNamespace)
	fabric := acctest.Name("fab")
	body := fmt.Sprintf(`
resource "hedgehog_fabric" "f" {
  provider    = hedgehogsa
  name        = %q
  asn         = 65100
  spine_count = 2
  leaf_count  = 4
}
`, fabric)
	other := acctest.Namespace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: saFactories,
		CheckDestroy:             rbacGone(p.ns, p.sa, false, false),
		Steps: []resource.TestStep{
			{
				Config: p.config(body),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("role_rules"), knownvalue.ListSizeExact(2)),
					// The fabrics' namespace is the setup's.
					statecheck.ExpectKnownValue(rbacAddr, tfjsonpath.New("objects_namespace"), knownvalue.StringExact(p.ns)),
				},
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						if acctest.Fabric(t, p.ns, fabric) == nil {
							return fmt.Errorf("the service account's provider did not create fabric %s", fabric)
						}
						return nil
					},
					p.reviewsAgree(p.ns, other),
					noSecrets(p.ns),
				),
			},
			{
				// Hedgehog's own kinds: refused.
				Config:      p.config(body + ipv4NamespaceHCL("refused", "hedgehogsa")),
				ExpectError: p.refusedCreate(vpc.IPv4Namespace.GVR(&kinds.Config{}).GroupResource()),
			},
		},
	})
}

func TestAccRBACSetup_presetWiringEditor(t *testing.T) {
	acctest.PreCheck(t)
	p := newPresetSetup(t, rbac.PresetWiringEditor, rbac.ScopeNamespace)
	vlan, server := acctest.HedgehogName("vl"), acctest.HedgehogName("srv")
	body := fmt.Sprintf(`
resource "hedgehog_vlan_namespace" "ns" {
  provider = hedgehogsa
  name     = %q
  ranges   = [{ from = 1000, to = 2999 }]
}

resource "hedgehog_server" "s" {
  provider = hedgehogsa
  name     = %q
}
`, vlan, server)
	other := acctest.Namespace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: saFactories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(rbacGone(p.ns, p.sa, false, false)(s), acctest.Gone(t, wiring.VLANNamespace, vlan)(s),
				acctest.Gone(t, wiring.Server, server)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: p.config(body),
				Check: resource.ComposeTestCheckFunc(
					func(*terraform.State) error {
						if acctest.Object(t, wiring.Server, "default", server) == nil || acctest.Object(t, wiring.VLANNamespace, "default", vlan) == nil {
							return fmt.Errorf("the service account's provider did not create server %s and VLAN namespace %s", server, vlan)
						}
						return nil
					},
					p.reviewsAgree("default", other),
					noSecrets("default"),
				),
			},
			{
				Config:      p.config(body + ipv4NamespaceHCL("refused", "hedgehogsa")),
				ExpectError: p.refusedCreate(vpc.IPv4Namespace.GVR(&kinds.Config{}).GroupResource()),
			},
		},
	})
}

// gatewayPeering is a GatewayPeering object (the provider has no gateway
// kinds yet: the test writes it with the token directly).
func gatewayPeering(name string) *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": rbac.GatewayGroup + "/v1alpha1", "kind": "GatewayPeering",
		"metadata": map[string]any{"name": name, "namespace": "default"},
		"spec":     map[string]any{},
	}}
}

// rbacRefused tells a refusal by RBAC from one by an admission webhook
// (both are HTTP 403).
func rbacRefused(err error) bool {
	return apierrors.IsForbidden(err) && strings.Contains(err.Error(), " cannot ")
}

func TestAccRBACSetup_presetGatewayEditor(t *testing.T) {
	acctest.PreCheck(t)
	p := newPresetSetup(t, rbac.PresetGatewayEditor, rbac.ScopeCluster)
	// Data sources wait for the setup (depends_on): their provider block
	// is known only once it exists.
	body := `
data "hedgehog_vpcs" "all" {
  provider   = hedgehogsa
  depends_on = [hedgehog_rbac_setup.test]
}
`
	other := acctest.Namespace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: saFactories,
		CheckDestroy:             rbacGone(p.ns, p.sa, true, false),
		Steps: []resource.TestStep{
			{
				Config: p.config(body),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttrSet("data.hedgehog_vpcs.all", "names.#"),
					func(s *terraform.State) error {
						// Writing a peering passes RBAC: it is created, or
						// refused further on (no gateway CRD in this cluster,
						// or the gateway not enabled), never by RBAC.
						_, dyn, err := saClients(s)
						if err != nil {
							return err
						}
						ctx := context.Background()
						gvr := schema.GroupVersionResource{Group: rbac.GatewayGroup, Version: "v1alpha1", Resource: "gatewaypeerings"}
						name := acctest.HedgehogName("gwp")
						_, err = dyn.Resource(gvr).Namespace("default").Create(ctx, gatewayPeering(name), metav1.CreateOptions{})
						if rbacRefused(err) {
							return fmt.Errorf("gateway-editor may not create a GatewayPeering: %w", err)
						}
						if err == nil {
							_ = acctest.C.Dynamic.Resource(gvr).Namespace("default").Delete(ctx, name, metav1.DeleteOptions{})
						}
						_, err = dyn.Resource(vpc.VPC.GVR(&kinds.Config{})).Namespace("default").Create(ctx,
							&unstructured.Unstructured{Object: map[string]any{"apiVersion": vpc.Group + "/" + vpc.Version, "kind": "VPC",
								"metadata": map[string]any{"name": name}}}, metav1.CreateOptions{})
						if !rbacRefused(err) {
							return fmt.Errorf("gateway-editor creating a VPC should be refused by RBAC, got %v", err)
						}
						return nil
					},
					p.reviewsAgree("default", other),
					noSecrets("default"),
				),
			},
			{
				Config:      p.config(body + ipv4NamespaceHCL("refused", "hedgehogsa")),
				ExpectError: p.refusedCreate(vpc.IPv4Namespace.GVR(&kinds.Config{}).GroupResource()),
			},
		},
	})
}

func TestAccRBACSetup_presetViewer(t *testing.T) {
	acctest.PreCheck(t)
	p := newPresetSetup(t, rbac.PresetViewer, rbac.ScopeCluster)
	body := `
data "hedgehog_vpcs" "all" {
  provider   = hedgehogsa
  depends_on = [hedgehog_rbac_setup.test]
}

data "hedgehog_switches" "all" {
  provider   = hedgehogsa
  depends_on = [hedgehog_rbac_setup.test]
}

data "hedgehog_agents" "all" {
  provider   = hedgehogsa
  depends_on = [hedgehog_rbac_setup.test]
}

data "hedgehog_switch_profile" "vs" {
  provider   = hedgehogsa
  name       = "vs"
  depends_on = [hedgehog_rbac_setup.test]
}
`
	other := acctest.Namespace(t)
	vlan := acctest.HedgehogName("vl")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: saFactories,
		CheckDestroy:             rbacGone(p.ns, p.sa, true, false),
		Steps: []resource.TestStep{
			{
				Config: p.config(body),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr("data.hedgehog_switch_profile.vs", "name", "vs"),
					resource.TestCheckResourceAttrSet("data.hedgehog_switches.all", "names.#"),
					resource.TestCheckResourceAttrSet("data.hedgehog_agents.all", "names.#"),
					p.reviewsAgree("default", other),
					noSecrets("default"),
				),
			},
			{
				Config: p.config(body + fmt.Sprintf(`
resource "hedgehog_vlan_namespace" "refused" {
  provider = hedgehogsa
  name     = %q
  ranges   = [{ from = 1000, to = 2999 }]
}
`, vlan)),
				ExpectError: p.refusedCreate(wiring.VLANNamespace.GVR(&kinds.Config{}).GroupResource()),
			},
		},
	})
}

// ipv4NamespaceHCL is an IPv4 namespace that a provider block creates.
func ipv4NamespaceHCL(res, provider string) string {
	return fmt.Sprintf(`
resource "hedgehog_ipv4_namespace" %q {
  provider = %s
  name     = %q
  subnets  = ["10.77.0.0/16"]
}
`, res, provider, acctest.HedgehogName("ip"))
}
