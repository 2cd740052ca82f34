package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

func TestAccServer_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	name := acctest.HedgehogName("srv")
	addr := "hedgehog_server.test"
	cfg := func(description string) string {
		return acctest.Config(fmt.Sprintf(`
resource "hedgehog_server" "test" {
  name        = %q
  description = %q
  labels      = { rack = "r1" }
}
`, name, description))
	}
	ids, srv := acctest.NewIdentity(), acctest.Of(wiring.Server, name)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, wiring.Server, name),
		Steps: []resource.TestStep{
			{
				Config: acctest.Config(fmt.Sprintf(`
resource "hedgehog_server" "test" {
  name   = %q
  labels = { "fabric.githedgehog.com/x" = "y" }
}
`, name)),
				PlanOnly:    true,
				ExpectError: acctest.Error("Key Set By The Server", `Attribute labels["fabric.githedgehog.com/x"]`),
			},
			{
				Config: cfg("S-01"),
				Check: resource.ComposeAggregateTestCheckFunc(ids.Record(srv),
					acctest.InCluster(t, wiring.Server, name, func(u *unstructured.Unstructured) error {
						return expectAll(acctest.Expect(u, "S-01", "spec", "description"), acctest.Expect(u, "r1", "metadata", "labels", "rack"))
					})),
			},
			{Config: cfg("S-01"), PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: name, ImportStateVerify: true, ImportStateCheck: ids.Imported(srv)},
			{ResourceName: addr, ImportState: true, ImportStateId: "default/" + name, ImportStateVerify: true,
				ImportStateCheck: ids.Imported(srv)},
			{
				Config: cfg("S-01, GPU"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(srv),
					acctest.InCluster(t, wiring.Server, name, func(u *unstructured.Unstructured) error {
						return acctest.Expect(u, "S-01, GPU", "spec", "description")
					})),
			},
		},
	})
}

// A switch group joins the switches that name it. The Agents carry only its
// name, in the switches' groups: the group's own wait_for_applied waits for
// its switches to be in sync, and here, made before the leaf that joins it,
// has none yet; the leaf's wait is the one that waits for the switch to
// apply its groups.
func TestAccSwitchGroup_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	nsName, group := acctest.HedgehogName("vl"), acctest.HedgehogName("sg")
	leaf := newLeaf("leaf")
	addr := "hedgehog_switch_group.g"
	w, ids, g := acctest.NewWitness(t), acctest.NewIdentity(), acctest.Of(wiring.SwitchGroup, group)
	cfg := func(labels string) string {
		return w.Config(vlanNamespaceHCL(nsName) + fmt.Sprintf(`
resource "hedgehog_switch_group" "g" {
  name             = %q
  labels           = %s
  wait_for_applied = true
}
`, group, labels) + leaf.hcl(`groups = [hedgehog_switch_group.g.name]`, `wait_for_applied = true`) + `
data "hedgehog_switches" "in_group" {
  group      = hedgehog_switch_group.g.name
  depends_on = [hedgehog_switch.leaf]
}
`)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, wiring.SwitchGroup, group)(s), acctest.Gone(t, wiring.Switch, leaf.name)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: cfg(`{ site = "ams1" }`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hedgehog_switches.in_group", tfjsonpath.New("names"),
						knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(leaf.name)})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Record(g),
					acctest.InCluster(t, wiring.SwitchGroup, group, func(u *unstructured.Unstructured) error {
						// The leaf's wait: the provider saw the leaf, with the group among its groups, apply it.
						return expectAll(acctest.Expect(u, "ams1", "metadata", "labels", "site"), w.Applied(t, leaf.name, "switch", ""),
							agentCarriesValue(t, leaf.name, []any{group}, "switch", "groups"))
					})),
			},
			{Config: cfg(`{ site = "ams1" }`), PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: group, ImportStateVerify: true,
				ImportStateVerifyIgnore: []string{"wait_for_applied"}, ImportStateCheck: ids.Imported(g)},
			{
				// The group's labels reach no switch: its wait finds the leaf
				// in sync, and there is nothing of it to see applied.
				Config: cfg(`{ site = "ams2" }`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction(leaf.addr(), plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(g),
					acctest.InCluster(t, wiring.SwitchGroup, group, func(u *unstructured.Unstructured) error {
						return acctest.Expect(u, "ams2", "metadata", "labels", "site")
					})),
			},
		},
	})
}

// Renaming a server replaces it. Terraform deletes first by default, and
// Hedgehog refuses to delete a server that a connection still names (the
// connection would only be updated after the new server exists): the apply
// fails and nothing is lost. With create_before_destroy (possible because
// the name changes), the new server comes first, the connection is updated
// in place to name it, and the old server goes last.
func TestAccServer_renameWhileConnected(t *testing.T) {
	acctest.PreCheck(t)
	nsName, old, renamed, conn := acctest.HedgehogName("vl"), acctest.HedgehogName("srv"), acctest.HedgehogName("srv"),
		acctest.HedgehogName("c")
	leaf := newLeaf("leaf")
	cfg := func(server string, lines ...string) string {
		return acctest.Config(vlanNamespaceHCL(nsName) + leaf.hcl() + fmt.Sprintf(`
resource "hedgehog_server" "srv" {
  name     = %q
  timeouts = { delete = "3s" }
%s}

resource "hedgehog_connection" "c" {
  name      = %q
  unbundled = { link = { server = { port = %s }, switch = { port = %s } } }
}
`, server, indentLines(lines), conn, port("hedgehog_server.srv", "enp2s1"), port(leaf.addr(), "E1/2")))
	}
	ids, oldRef, newRef, c := acctest.NewIdentity(), acctest.Of(wiring.Server, old), acctest.Of(wiring.Server, renamed),
		acctest.Of(wiring.Connection, conn)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, wiring.Server, old, renamed)(s), acctest.Gone(t, wiring.Connection, conn)(s),
				acctest.Gone(t, wiring.Switch, leaf.name)(s))
		},
		Steps: []resource.TestStep{
			{Config: cfg(old), Check: resource.ComposeAggregateTestCheckFunc(ids.Record(oldRef), ids.Record(c))},
			{
				Config: cfg(renamed),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hedgehog_server.srv", plancheck.ResourceActionDestroyBeforeCreate),
					plancheck.ExpectResourceAction("hedgehog_connection.c", plancheck.ResourceActionUpdate),
				}},
				ExpectError: acctest.Error("Refused by Admission Webhook", "The delete was refused until the timeout of 3s ran out",
					"refused to delete Server", "server has connections"),
			},
			{
				PreConfig: func() {
					// The refused delete left the old server and the connection as they were.
					if err := expectAll(ids.Same(oldRef)(nil), ids.Same(c)(nil)); err != nil {
						t.Fatal(err)
					}
				},
				Config: cfg(renamed, "lifecycle {", "  create_before_destroy = true", "}"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("hedgehog_server.srv", plancheck.ResourceActionCreateBeforeDestroy),
					plancheck.ExpectResourceAction("hedgehog_connection.c", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Replaced(oldRef, newRef), ids.Same(c),
					acctest.InCluster(t, wiring.Connection, conn, func(u *unstructured.Unstructured) error {
						return expectAll(acctest.Expect(u, renamed+"/enp2s1", "spec", "unbundled", "link", "server", "port"),
							acctest.Expect(u, "true", "metadata", "labels", wiring.ServerLabel(renamed)))
					})),
			},
		},
	})
}
