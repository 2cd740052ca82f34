package provider_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/fabricsim"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// The Agent of each switch, as `kubectl get agents` shows it, in data
// sources that check blocks and postconditions can test.
func TestAccAgent_dataSources(t *testing.T) {
	acctest.PreCheck(t)
	nsName := acctest.HedgehogName("vl")
	leaf := newLeaf("leaf")
	offline := newLeaf("offline")
	switches := vlanNamespaceHCL(nsName) + leaf.hcl(`wait_for_applied = true`) +
		offline.hcl(fmt.Sprintf(`annotations = { %q = "true" }`, fabricsim.OfflineAnnotation))
	agents := `
data "hedgehog_agent" "leaf" {
  name = hedgehog_switch.leaf.name
}

data "hedgehog_agents" "all" {
  depends_on = [hedgehog_switch.leaf, hedgehog_switch.offline]
}

check "leaf_applied" {
  assert {
    condition     = data.hedgehog_agent.leaf.status.last_applied_gen == data.hedgehog_agent.leaf.generation
    error_message = "switch ${data.hedgehog_agent.leaf.name} has not applied its configuration"
  }
}

output "conditions" {
  value = [for c in data.hedgehog_agent.leaf.status.conditions : c.type]
}
`
	// A switch whose agent never reports fails a postcondition.
	offlineCheck := fmt.Sprintf(`
data "hedgehog_agent" "offline" {
  name       = %q
  depends_on = [hedgehog_switch.offline]
  lifecycle {
    postcondition {
      condition     = self.status.last_applied_gen == self.generation
      error_message = "switch ${self.name} has not applied generation ${self.generation}"
    }
  }
}
`, offline.name)
	w := acctest.NewWitness(t)
	// The data source is read after the leaf's wait: the switch had applied
	// the generation that carries it, at least.
	appliedTheLeaf := func(v int64) error {
		if g := w.FirstCarrying(t, leaf.name, "switch", ""); g == 0 || v < g {
			return fmt.Errorf("last applied generation %d, but the leaf is carried from generation %d", v, g)
		}
		return nil
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return acctest.Gone(t, wiring.Switch, leaf.name, offline.name)(s)
		},
		Steps: []resource.TestStep{
			{
				Config: w.Config(switches + agents),
				// The leaf waited for its agent, and the provider saw it apply the leaf.
				Check: func(*terraform.State) error { return w.Applied(t, leaf.name, "switch", "") },
				ConfigStateChecks: []statecheck.StateCheck{
					// Other tests' IPv4 namespaces and Externals, which every
					// switch carries, may have raised the generation since.
					statecheck.ExpectKnownValue("data.hedgehog_agent.leaf", tfjsonpath.New("status").AtMapKey("last_applied_gen"),
						knownvalue.Int64Func(appliedTheLeaf)),
					statecheck.ExpectKnownValue("data.hedgehog_agent.leaf", tfjsonpath.New("generation"), knownvalue.Int64Func(atLeastOne)),
					statecheck.ExpectKnownValue("data.hedgehog_agent.leaf", tfjsonpath.New("status").AtMapKey("run_id"),
						knownvalue.StringRegexp(regexp.MustCompile(`^\S+$`))),
					statecheck.ExpectKnownValue("data.hedgehog_agent.leaf", tfjsonpath.New("status").AtMapKey("last_heartbeat"),
						knownvalue.StringRegexp(regexp.MustCompile(`^\d{4}-\d\d-\d\dT`))),
					statecheck.ExpectKnownValue("data.hedgehog_agent.leaf", tfjsonpath.New("role"), knownvalue.StringExact("server-leaf")),
					statecheck.ExpectKnownValue("data.hedgehog_agent.leaf", tfjsonpath.New("status").AtMapKey("state").AtMapKey("nos").
						AtMapKey("asic_version"), knownvalue.StringExact("vs")),
					statecheck.ExpectKnownValue("data.hedgehog_agent.leaf", tfjsonpath.New("status").AtMapKey("reboot_required"),
						knownvalue.Null()),
					statecheck.ExpectKnownOutputValue("conditions", knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("Applied")})),
					// Only the leaf waited for its agent: the stand-in creates
					// the offline switch's agent a moment after the switch.
					statecheck.ExpectKnownValue("data.hedgehog_agents.all", tfjsonpath.New("names"), containsAll(leaf.name)),
				},
			},
			{
				Config:      w.Config(switches + agents + offlineCheck),
				ExpectError: acctest.Error("switch " + offline.name + " has not applied generation"),
			},
		},
	})
}

func atLeastOne(v int64) error {
	if v < 1 {
		return fmt.Errorf("%d, want at least 1", v)
	}
	return nil
}

// containsAll checks a list of strings holds each of want.
func containsAll(want ...string) knownvalue.Check {
	return containsCheck{want}
}

type containsCheck struct{ want []string }

func (c containsCheck) CheckValue(v any) error {
	l, ok := v.([]any)
	if !ok {
		return fmt.Errorf("%v is not a list", v)
	}
	have := map[string]bool{}
	for _, e := range l {
		s, _ := e.(string)
		have[s] = true
	}
	for _, w := range c.want {
		if !have[w] {
			return fmt.Errorf("%v lacks %q", l, w)
		}
	}
	return nil
}

func (c containsCheck) String() string { return "contains " + strings.Join(c.want, ", ") }

// Switch profiles are read-only: data sources only, the built-in vs with its
// ports and features, and the webhook refuses deleting a built-in.
func TestAccSwitchProfile_dataSources(t *testing.T) {
	acctest.PreCheck(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{
				Config:      acctest.Config(`resource "hedgehog_switch_profile" "mine" {}`),
				PlanOnly:    true,
				ExpectError: acctest.Error("hedgehog_switch_profile"),
			},
			{
				Config: acctest.Config(`
data "hedgehog_switch_profile" "vs" {
  name = "vs"
}

data "hedgehog_switch_profiles" "all" {}

output "ports" {
  value = length(data.hedgehog_switch_profile.vs.ports)
}
`),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownOutputValue("ports", knownvalue.Int64Exact(49)),
					statecheck.ExpectKnownValue("data.hedgehog_switch_profile.vs", tfjsonpath.New("features").AtMapKey("eslag"),
						knownvalue.Bool(true)),
					statecheck.ExpectKnownValue("data.hedgehog_switch_profile.vs", tfjsonpath.New("ports").AtMapKey("E1/48").
						AtMapKey("group"), knownvalue.StringExact("12")),
					statecheck.ExpectKnownValue("data.hedgehog_switch_profile.vs", tfjsonpath.New("port_profiles").AtMapKey("SFP28-25G").
						AtMapKey("speed").AtMapKey("supported"), knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("10G"), knownvalue.StringExact("25G")})),
					statecheck.ExpectKnownValue("data.hedgehog_switch_profiles.all", tfjsonpath.New("names"), containsAll("vs")),
				},
				Check: func(*terraform.State) error {
					err := acctest.C.Dynamic.Resource(wiring.SwitchProfile.GVR(nil)).Namespace("default").Delete(context.Background(), "vs",
						metav1.DeleteOptions{})
					if err == nil || !strings.Contains(err.Error(), "default switch profiles are immutable") {
						return fmt.Errorf("deleting the built-in vs profile: %v", err)
					}
					return nil
				},
			},
		},
	})
}
