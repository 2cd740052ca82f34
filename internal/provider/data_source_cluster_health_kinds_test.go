package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/provider"
)

// widgetKind is a kind that exists only in this test, with no CRD in the
// cluster.
var widgetKind = &kinds.Kind{
	TypeName: "widget", Kind: "Widget", Plural: "widgets", Description: "A kind for tests only.",
	Spec: []kinds.Attr{{Name: "size", JSON: "size", Type: kinds.Int64, Description: "A size."}},
}

// TestAccClusterHealth_everyServedKind: a kind added to the provider's list is
// checked with no change to the health data source: its CRD, its count and
// the rights on it show under kinds, and its missing CRD makes the cluster
// unhealthy when the provider's CRDs are required.
func TestAccClusterHealth_everyServedKind(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: map[string]func() (tfprotov6.ProviderServer, error){
			"hedgehog": func() (tfprotov6.ProviderServer, error) {
				return providerserver.NewProtocol6WithError(provider.NewForTest(nil, provider.FabricKind, widgetKind)())()
			},
		},
		Steps: []resource.TestStep{{
			Config: acctest.Provider(fmt.Sprintf("namespace = %q", ns)) + `
data "hedgehog_cluster_health" "this" {
  min_ready_nodes    = 0
  require_hedgehog   = false
  require_fabric_crd = true
}
`,
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue(healthAddr, health("overall_status"), knownvalue.StringExact("unhealthy")),
				statecheck.ExpectKnownValue(healthAddr, health("problems"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("the CRD widgets.wiring.githedgehog.com is not installed")})),
				statecheck.ExpectKnownValue(healthAddr, health("crds", "healthy"), knownvalue.Bool(false)),
				statecheck.ExpectKnownValue(healthAddr, health("crds", "fabric_crd_installed"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(healthAddr, health("permissions", "healthy"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(healthAddr, health("kinds", "fabric", "healthy"), knownvalue.Bool(true)),
				statecheck.ExpectKnownValue(healthAddr, health("kinds", "widget"), knownvalue.ObjectExact(map[string]knownvalue.Check{
					"healthy":         knownvalue.Bool(false),
					"crd":             knownvalue.StringExact("widgets.wiring.githedgehog.com"),
					"crd_installed":   knownvalue.Bool(false),
					"served_versions": knownvalue.ListSizeExact(0),
					"count":           knownvalue.Int64Exact(0),
					"denied_verbs":    knownvalue.ListSizeExact(0),
				})),
			},
		}},
	})
}
