package provider_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
)

// gatewayLab is what one gateway test stands on in the shared cluster: a
// GatewayGroup of its own (hedgehog_gateway_group.g) with a Gateway of its
// own (hedgehog_gateway.gw) whose addresses and MAC no other test uses, so
// that tests never need the cluster's `default` group.
type gatewayLab struct {
	group, gw, protocolIP, vtepIP, mac string
}

func newGatewayLab() gatewayLab {
	a, b, c := rand.IntN(250)+1, rand.IntN(250)+1, rand.IntN(250)+1
	return gatewayLab{group: acctest.HedgehogName("gwg"), gw: acctest.HedgehogName("gw"),
		protocolIP: fmt.Sprintf("10.254.%d.%d/32", a, b), vtepIP: fmt.Sprintf("10.253.%d.%d/32", a, b),
		mac: fmt.Sprintf("02:00:%02x:%02x:%02x:01", a, b, c)}
}

// hcl is the group and the gateway, with more lines for the gateway.
func (l gatewayLab) hcl(gatewayExtra ...string) string {
	return fmt.Sprintf(`
resource "hedgehog_gateway_group" "g" {
  name = %q
}
`, l.group) + l.gatewayHCL(gatewayExtra...)
}

// gatewayHCL is vector GW-01's gateway with the lab's addresses, in the
// lab's group unless the lines say groups.
func (l gatewayLab) gatewayHCL(extra ...string) string {
	groups := "groups = [{ name = hedgehog_gateway_group.g.name }]"
	for _, e := range extra {
		if strings.HasPrefix(e, "groups") {
			groups = ""
		}
	}
	return fmt.Sprintf(`
resource "hedgehog_gateway" "gw" {
  name        = %q
  protocol_ip = %q
  vtep_ip     = %q
  vtep_mac    = %q
  asn         = 65534
  interfaces = {
    enp2s1 = { ips = ["172.30.128.1/31"] }
    enp2s2 = { ips = ["172.30.128.3/31"] }
  }
  neighbors = [
    { source = "enp2s1", ip = "172.30.128.0", asn = 65100 },
    { source = "enp2s2", ip = "172.30.128.2", asn = 65100 },
  ]
  %s
%s}
`, l.gw, l.protocolIP, l.vtepIP, l.mac, groups, indentLines(extra))
}

func (l gatewayLab) gone(t *testing.T) func(*terraform.State) error {
	return func(s *terraform.State) error {
		return expectAll(acctest.Gone(t, gateway.Gateway, l.gw)(s), acctest.Gone(t, gateway.GatewayGroup, l.group)(s))
	}
}

func TestAccGatewayGroup_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.HedgehogName("gwg")
	addr := "hedgehog_gateway_group.g"
	config := func(team string) string {
		return acctest.Config(fmt.Sprintf(`
resource "hedgehog_gateway_group" "g" {
  name   = %q
  labels = { team = %q }
}

data "hedgehog_gateway_group" "g" {
  name = hedgehog_gateway_group.g.name
}

data "hedgehog_gateway_groups" "mine" {
  label_selector = "team=%s"
  depends_on     = [hedgehog_gateway_group.g]
}
`, name, team, team))
	}
	teamA, teamB := acctest.HedgehogName("t"), acctest.HedgehogName("t")
	ids, g := acctest.NewIdentity(), acctest.Of(gateway.GatewayGroup, name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, gateway.GatewayGroup, name),
		Steps: []resource.TestStep{
			{
				Config: config(teamA),
				Check: resource.ComposeAggregateTestCheckFunc(ids.Record(g),
					acctest.InCluster(t, gateway.GatewayGroup, name, func(u *unstructured.Unstructured) error {
						return acctest.Expect(u, teamA, "metadata", "labels", "team")
					})),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("default/"+name)),
					statecheck.ExpectKnownValue("data.hedgehog_gateway_groups.mine", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(name)})),
				},
			},
			{Config: config(teamA), PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true, ImportStateCheck: ids.Imported(g)},
			{ResourceName: addr, ImportState: true, ImportStateId: "default/" + name, ImportStateVerify: true,
				ImportStateCheck: ids.Imported(g)},
			{
				Config: config(teamB),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(g),
					acctest.InCluster(t, gateway.GatewayGroup, name, func(u *unstructured.Unstructured) error {
						return acctest.Expect(u, teamB, "metadata", "labels", "team")
					})),
			},
		},
	})
}

func TestAccGateway_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	l := newGatewayLab()
	addr := "hedgehog_gateway.gw"
	edge := acctest.HedgehogName("gwg")
	first := acctest.Config(l.hcl())
	// The group renamed: a new group, in the gateway's groups in place.
	renamed := l
	renamed.group = acctest.HedgehogName("gwg")
	ids, gw, g, renamedG := acctest.NewIdentity(), acctest.Of(gateway.Gateway, l.gw), acctest.Of(gateway.GatewayGroup, l.group),
		acctest.Of(gateway.GatewayGroup, renamed.group)
	secondOf := func(l gatewayLab) string {
		return acctest.Config(l.hcl(
			"groups = [{ name = hedgehog_gateway_group.edge.name, priority = 10 }, { name = hedgehog_gateway_group.g.name }]",
			"workers = 8", `logs = { default = "debug", rate_limit = {} }`, "profiling = { enabled = true }", "flow_table_capacity = 4096") +
			fmt.Sprintf("\nresource \"hedgehog_gateway_group\" \"edge\" {\n  name = %q\n}\n", edge) + `
data "hedgehog_gateway" "gw" {
  name = hedgehog_gateway.gw.name
}

data "hedgehog_gateways" "all" {
  depends_on = [hedgehog_gateway.gw]
}
`)
	}
	second := secondOf(l)
	sortedGroups := []any{map[string]any{"name": edge, "priority": int64(10)}, map[string]any{"name": l.group}}
	if l.group < edge {
		sortedGroups[0], sortedGroups[1] = sortedGroups[1], sortedGroups[0]
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(l.gone(t)(s), acctest.Gone(t, gateway.GatewayGroup, edge, renamed.group)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: first,
				// The webhook's defaults, planned before the apply and stored after it.
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("workers"), knownvalue.Int64Exact(4)),
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("logs"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"default": knownvalue.StringExact("info"), "tags": knownvalue.MapExact(map[string]knownvalue.Check{
							"all": knownvalue.StringExact("info")}), "rate_limit": knownvalue.Null()})),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Record(gw), ids.Record(g),
					acctest.InCluster(t, gateway.Gateway, l.gw, func(u *unstructured.Unstructured) error {
						return expectAll(acctest.Expect(u, int64(4), "spec", "workers"),
							acctest.Expect(u, map[string]any{"default": "info", "tags": map[string]any{"all": "info"}}, "spec", "logs"),
							acctest.Expect(u, map[string]any{}, "spec", "profiling"),
							acctest.Expect(u, []any{map[string]any{"name": l.group}}, "spec", "groups"))
					})),
			},
			{Config: first, PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: l.gw, ImportStateVerify: true, ImportStateCheck: ids.Imported(gw)},
			{ResourceName: addr, ImportState: true, ImportStateId: "default/" + l.gw, ImportStateVerify: true,
				ImportStateCheck: ids.Imported(gw)},
			{
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(gw), acctest.InCluster(t, gateway.Gateway, l.gw, func(u *unstructured.Unstructured) error {
					// Groups sorted by name, the rate limit's defaults.
					return expectAll(acctest.Expect(u, sortedGroups, "spec", "groups"), acctest.Expect(u, int64(8), "spec", "workers"),
						acctest.Expect(u, map[string]any{"burst": int64(50), "replenishPerSecond": int64(5)}, "spec", "logs", "rateLimit"),
						acctest.Expect(u, map[string]any{"enabled": true}, "spec", "profiling"))
				})),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hedgehog_gateway.gw", tfjsonpath.New("vtep_mac"), knownvalue.StringExact(l.mac)),
					statecheck.ExpectKnownValue("data.hedgehog_gateway.gw", tfjsonpath.New("logs").AtMapKey("tags"),
						knownvalue.MapExact(map[string]knownvalue.Check{"all": knownvalue.StringExact("info")})),
					statecheck.ExpectKnownValue("data.hedgehog_gateways.all", tfjsonpath.New("names"), containsAll(l.gw)),
				},
			},
			{Config: second, PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: l.gw, ImportStateVerify: true, ImportStateCheck: ids.Imported(gw)},
			{
				// Hedgehog lets a group in use go (the gateway webhooks guard no
				// delete): Terraform deletes the old group, makes the new one
				// and updates the gateway in place to name it.
				Config: secondOf(renamed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hedgehog_gateway_group.g", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Replaced(g, renamedG), ids.Same(gw),
					acctest.InCluster(t, gateway.Gateway, l.gw, func(u *unstructured.Unstructured) error {
						groups, _, _ := unstructured.NestedSlice(u.Object, "spec", "groups")
						for _, e := range groups {
							if m, _ := e.(map[string]any); m["name"] == renamed.group {
								return nil
							}
						}
						return fmt.Errorf("gateway %s: groups %v lack %s", l.gw, groups, renamed.group)
					})),
			},
		},
	})
}
