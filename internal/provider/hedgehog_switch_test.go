package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// A leaf with every kind of setting the webhook normalises: the redundancy
// group joins the groups, SPEED_ goes, link-flap settings are filled in, the
// groups are sorted. None of it is a difference afterwards.
func TestAccSwitch_lifecycle(t *testing.T) {
	acctest.PreCheck(t)
	nsName, groupA, groupB := acctest.HedgehogName("vl"), acctest.HedgehogName("sg"), acctest.HedgehogName("eslag")
	leaf := newLeaf("leaf")
	groups := fmt.Sprintf(`
resource "hedgehog_switch_group" "a" {
  name = %q
}

resource "hedgehog_switch_group" "eslag" {
  name = %q
}
`, groupA, groupB)
	// The namespace waits for the switches that use it to apply it.
	ns := fmt.Sprintf(`
resource "hedgehog_vlan_namespace" "ns" {
  name             = %q
  ranges           = [{ from = 1000, to = 2999 }]
  wait_for_applied = true
}
`, nsName)
	w, ids := acctest.NewWitness(t), acctest.NewIdentity()
	sw, vl := acctest.Of(wiring.Switch, leaf.name), acctest.Of(wiring.VLANNamespace, nsName)
	first := w.Config(ns + groups + leaf.hcl(
		`description = "leaf one"`,
		`groups = [hedgehog_switch_group.a.name]`,
		`redundancy = { group = hedgehog_switch_group.eslag.name, type = "eslag" }`,
		`port_group_speeds = { "1" = "SPEED_10G" }`,
		`link_flap_err_disable = { flap_threshold = 5 }`,
		`boot = { mac = "0c:20:12:ff:02:00" }`,
		`wait_for_applied = true`,
	))
	second := strings.Replace(strings.Replace(first, `"leaf one"`, `"leaf one, rack 2"`, 1), "to = 2999", "to = 2000", 1) + `
data "hedgehog_switch" "leaf" {
  name = hedgehog_switch.leaf.name
}
`
	addr := leaf.addr()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, wiring.Switch, leaf.name),
		Steps: []resource.TestStep{
			{
				Config: first,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					// The plan knows the webhook's defaults.
					plancheck.ExpectKnownValue(addr, tfjsonpath.New("link_flap_err_disable").AtMapKey("recovery_interval"), knownvalue.Int64Exact(300)),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("groups"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact(groupA)})),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("link_flap_err_disable"), knownvalue.ObjectExact(map[string]knownvalue.Check{
						"flap_threshold": knownvalue.Int64Exact(5), "sampling_interval": knownvalue.Int64Exact(30),
						"recovery_interval": knownvalue.Int64Exact(300)})),
				},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Record(sw), ids.Record(vl),
					acctest.InCluster(t, wiring.Switch, leaf.name, func(u *unstructured.Unstructured) error {
						return expectAll(
							acctest.Expect(u, sortedPair(groupA, groupB), "spec", "groups"),
							acctest.Expect(u, "10G", "spec", "portGroupSpeeds", "1"),
							acctest.Expect(u, int64(30), "spec", "linkFlapErrDisable", "samplingInterval"),
							acctest.Expect(u, "true", "metadata", "labels", "switchgroup.fabric.githedgehog.com/"+groupB),
							// wait_for_applied: the provider saw the switch's agent apply it.
							w.Applied(t, leaf.name, "switch", ""),
						)
					})),
			},
			{Config: first, PlanOnly: true},
			{ResourceName: addr, ImportState: true, ImportStateId: leaf.name, ImportStateVerify: true,
				// The import reads the server's form: the redundancy group among the groups, SPEED_ gone.
				ImportStateVerifyIgnore: []string{"groups", "port_group_speeds", "wait_for_applied"}, ImportStateCheck: ids.Imported(sw)},
			{
				Config: second,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectResourceAction("hedgehog_vlan_namespace.ns", plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{
					// The data source reads the switch as the API server stores it.
					statecheck.ExpectKnownValue("data.hedgehog_switch.leaf", tfjsonpath.New("groups"), knownvalue.SetExact([]knownvalue.Check{
						knownvalue.StringExact(groupA), knownvalue.StringExact(groupB)})),
					statecheck.ExpectKnownValue("data.hedgehog_switch.leaf", tfjsonpath.New("port_group_speeds").AtMapKey("1"),
						knownvalue.StringExact("10G")),
				},
				Check: resource.ComposeAggregateTestCheckFunc(ids.Same(sw), ids.Same(vl),
					acctest.InCluster(t, wiring.Switch, leaf.name, func(u *unstructured.Unstructured) error {
						return expectAll(acctest.Expect(u, "leaf one, rack 2", "spec", "description"), w.Applied(t, leaf.name, "switch", ""),
							// wait_for_applied on the namespace: the provider saw the leaf apply its new ranges.
							w.Applied(t, leaf.name, "vlanNamespaces", nsName), agentRanges(t, leaf.name, nsName, 2000))
					})),
			},
			{Config: second, PlanOnly: true},
		},
	})
}

func sortedPair(a, b string) []any {
	if a > b {
		a, b = b, a
	}
	return []any{a, b}
}

func TestAccSwitch_rules(t *testing.T) {
	acctest.PreCheck(t)
	nsName := acctest.HedgehogName("vl")
	leaf := newLeaf("leaf")
	spine := newSpine("spine")
	cfg := func(s labSwitch, extra ...string) string {
		return acctest.Config(vlanNamespaceHCL(nsName) + s.hcl(extra...))
	}
	noVTEP := leaf
	noVTEP.vtep = ""
	badASN := leaf
	badASN.asn = 65000
	plan := func(config string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: acctest.Error(phrases...)}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, wiring.Switch, leaf.name, spine.name),
		Steps: []resource.TestStep{
			plan(strings.Replace(cfg(leaf), `"server-leaf"`, `"leaf"`, 1), "role", "value must be one of"),
			plan(strings.Replace(cfg(spine), `profile         = "vs"`, `profile = "vs"
  vtep_ip = "172.30.12.250/32"`, 1), "Invalid Switch", "Attribute vtep_ip: VTEP IP is not allowed for spine switches"),
			plan(strings.Replace(cfg(leaf), leaf.protocol, "172.30.9.1/24", 1), "Invalid Switch",
				"Attribute protocol_ip: failed hydration validation: switch "+leaf.name+" protocol IP 172.30.9.1/24 must be a /32"),
			plan(cfg(leaf, `port_fecs = { "E1/1" = "fast" }`), "port_fecs", "value must be one of"),
			plan(cfg(leaf, `link_flap_err_disable = { flap_threshold = 51 }`), "link_flap_err_disable.flap_threshold",
				"must be between 1 and 50"),
			plan(cfg(leaf, `link_flap_err_disable = { recovery_interval = 65535 }`), "link_flap_err_disable.recovery_interval",
				"must be between 0 and 65534"),
			plan(cfg(leaf, `redundancy = { group = "g" }`), "Invalid Switch", "Attribute redundancy.group: redundancy group specified without type"),
			plan(cfg(leaf, `labels = { "fabric.githedgehog.com/profile" = "x" }`), "Key Set By The Server"),
			{
				// Only the cluster knows the fabric's mode and ASN range.
				Config: cfg(noVTEP),
				ExpectError: acctest.Error("Refused by Admission Webhook", "error validating switch:",
					"VTEP IP is required for leaf switches in spine-leaf mode"),
			},
			{
				Config: cfg(badASN),
				ExpectError: acctest.Error("Refused by Admission Webhook", "error validating switch: failed hydration validation:",
					"leaf "+leaf.name+" ASN 65000 is not within the fabric leaf ASN range 65101-65533"),
			},
			{
				Config:      strings.Replace(cfg(leaf), `profile         = "vs"`, `profile = "nope"`, 1),
				ExpectError: acctest.Error("Refused by Admission Webhook", "error validating switch: switch profile nope does not exist"),
			},
			{
				Config:      cfg(leaf, `port_speeds = { "E1/1" = "25G" }`),
				ExpectError: acctest.Error("error validating switch: port profile  for port E1/1 not found in switch profile"),
			},
		},
	})
}

// agentRanges checks the last VLAN of a namespace as a switch's agent carries it.
func agentRanges(t *testing.T, sw, ns string, to int64) error {
	a := acctest.Object(t, agent.Agent, "default", sw)
	ranges, _, _ := unstructured.NestedSlice(a.Object, "spec", "vlanNamespaces", ns, "ranges")
	if len(ranges) != 1 {
		return fmt.Errorf("agent %s carries ranges %v of %s", sw, ranges, ns)
	}
	r, _ := ranges[0].(map[string]any)
	if r["to"] != to {
		return fmt.Errorf("agent %s carries %s up to %v, want %d", sw, ns, r["to"], to)
	}
	return nil
}
