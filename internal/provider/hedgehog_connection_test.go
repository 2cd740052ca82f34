// The acceptance tests of hedgehog_connection (longer than most files: one
// case per connection type, and the rules shared by all of them).

package provider_test

import (
	"fmt"
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
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
)

// connectionLab is a small fabric for connection tests: a spine, two leaves
// of one ESLAG group and a server.
type connectionLab struct {
	ns, group, server   string
	spine, leaf1, leaf2 labSwitch
}

func newConnectionLab() connectionLab {
	return connectionLab{ns: acctest.HedgehogName("vl"), group: acctest.HedgehogName("eslag"), server: acctest.HedgehogName("srv"),
		spine: newSpine("spine"), leaf1: newLeaf("leaf1"), leaf2: newLeaf("leaf2")}
}

func (l connectionLab) hcl(serverExtra ...string) string {
	eslag := `redundancy = { group = hedgehog_switch_group.eslag.name, type = "eslag" }`
	return vlanNamespaceHCL(l.ns) + fmt.Sprintf(`
resource "hedgehog_switch_group" "eslag" {
  name = %q
}

resource "hedgehog_server" "srv" {
  name        = %q
  description = "a test server"
%s}
`, l.group, l.server, indentLines(serverExtra)) + l.spine.hcl() + l.leaf1.hcl(eslag) + l.leaf2.hcl(eslag)
}

func (l connectionLab) switches() []string { return []string{l.spine.name, l.leaf1.name, l.leaf2.name} }

// port writes a port of a test device as a reference, so that Terraform
// orders creates and deletes.
func port(res, p string) string { return fmt.Sprintf(`"${%s.name}/%s"`, res, p) }

func TestAccConnection_everyType(t *testing.T) {
	acctest.PreCheck(t)
	l := newConnectionLab()
	sA, lA := linkPair()
	mA, mB := linkPair()
	srv, leaf1, leaf2, spine := "hedgehog_server.srv", "hedgehog_switch.leaf1", "hedgehog_switch.leaf2", "hedgehog_switch.spine"
	names := map[string]string{}
	for _, n := range []string{"unbundled", "bundled", "eslag", "fabric", "mesh", "vpc_loopback", "external", "static_external"} {
		names[n] = acctest.HedgehogName("c")
	}
	conns := fmt.Sprintf(`
resource "hedgehog_connection" "fabric" {
  name = %q
  fabric = { links = [{ spine = { port = %s, ip = %q }, leaf = { port = %s, ip = %q } }] }
  wait_for_applied = true
}

resource "hedgehog_connection" "mesh" {
  name = %q
  mesh = { links = [{ leaf1 = { port = %s, ip = %q }, leaf2 = { port = %s, ip = %q } }] }
}

resource "hedgehog_connection" "unbundled" {
  name      = %q
  unbundled = { link = { server = { port = %s }, switch = { port = %s } }, mtu = 9000 }
}

resource "hedgehog_connection" "bundled" {
  name = %q
  bundled = { links = [
    { server = { port = %s }, switch = { port = %s } },
    { server = { port = %s }, switch = { port = %s } },
  ] }
}

resource "hedgehog_connection" "eslag" {
  name = %q
  eslag = { links = [
    { server = { port = %s }, switch = { port = %s } },
    { server = { port = %s }, switch = { port = %s } },
  ], fallback = true }
}

resource "hedgehog_connection" "vpc_loopback" {
  name         = %q
  vpc_loopback = { links = [{ switch1 = { port = %s }, switch2 = { port = %s } }] }
}

resource "hedgehog_connection" "external" {
  name     = %q
  external = { link = { switch = { port = %s } } }
}

resource "hedgehog_connection" "static_external" {
  name = %q
  static_external = { link = { switch = { port = %s, ip = "192.168.10.1/24", next_hop = "192.168.10.2", subnets = ["10.99.0.0/24"] } } }
}
`, names["fabric"], port(spine, "E1/1"), sA, port(leaf1, "E1/1"), lA,
		names["mesh"], port(leaf1, "E1/9"), mA, port(leaf2, "E1/9"), mB,
		names["unbundled"], port(srv, "enp2s1"), port(leaf1, "E1/2"),
		names["bundled"], port(srv, "enp2s2"), port(leaf2, "E1/3"), port(srv, "enp2s3"), port(leaf2, "E1/4"),
		names["eslag"], port(srv, "enp3s1"), port(leaf1, "E1/5"), port(srv, "enp3s2"), port(leaf2, "E1/5"),
		names["vpc_loopback"], port(leaf1, "E1/20"), port(leaf1, "E1/21"),
		names["external"], port(leaf2, "E1/22"),
		names["static_external"], port(leaf1, "E1/23"))
	w, ids := acctest.NewWitness(t), acctest.NewIdentity()
	config := w.Config(l.hcl() + conns)
	typeLabel := func(name, want string) resource.TestCheckFunc {
		return acctest.InCluster(t, wiring.Connection, name, func(u *unstructured.Unstructured) error {
			return acctest.Expect(u, want, "metadata", "labels", wiring.LabelConnectionType)
		})
	}
	var checks []resource.TestCheckFunc
	for res, typ := range map[string]string{"unbundled": "unbundled", "bundled": "bundled", "eslag": "eslag", "fabric": "fabric",
		"mesh": "mesh", "vpc_loopback": "vpc-loopback", "external": "external", "static_external": "static-external"} {
		checks = append(checks, typeLabel(names[res], typ))
	}
	checks = append(checks, acctest.InCluster(t, wiring.Connection, names["eslag"], func(u *unstructured.Unstructured) error {
		return expectAll(
			acctest.Expect(u, "true", "metadata", "labels", wiring.SwitchLabel(l.leaf1.name)),
			acctest.Expect(u, "true", "metadata", "labels", wiring.SwitchLabel(l.leaf2.name)),
			acctest.Expect(u, "true", "metadata", "labels", wiring.ServerLabel(l.server)),
			acctest.Expect(u, true, "spec", "eslag", "fallback"))
	}), func(*terraform.State) error {
		// wait_for_applied on the fabric connection: the provider saw both of its switches apply it.
		return expectAll(w.Applied(t, l.spine.name, "connections", names["fabric"]),
			w.Applied(t, l.leaf1.name, "connections", names["fabric"]))
	}, ids.Record(acctest.Of(wiring.Connection, names["eslag"])), ids.Record(acctest.Of(wiring.Connection, names["static_external"])))
	lists := config + `
data "hedgehog_connections" "leaf2" {
  switch = hedgehog_switch.leaf2.name
}

data "hedgehog_connections" "server" {
  server = hedgehog_server.srv.name
}

data "hedgehog_connections" "fabric_of_spine" {
  switch = hedgehog_switch.spine.name
  type   = "fabric"
}

data "hedgehog_connection" "eslag" {
  name = hedgehog_connection.eslag.name
}
`
	sorted := func(ns ...string) knownvalue.Check {
		var checks []knownvalue.Check
		for _, n := range sortStrings(ns) {
			checks = append(checks, knownvalue.StringExact(n))
		}
		return knownvalue.ListExact(checks)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			var all []string
			for _, n := range names {
				all = append(all, n)
			}
			return expectAll(acctest.Gone(t, wiring.Connection, all...)(s), acctest.Gone(t, wiring.Switch, l.switches()...)(s),
				acctest.Gone(t, wiring.Server, l.server)(s))
		},
		Steps: []resource.TestStep{
			{Config: config, Check: resource.ComposeAggregateTestCheckFunc(checks...)},
			{Config: config, PlanOnly: true},
			{ResourceName: "hedgehog_connection.eslag", ImportState: true, ImportStateId: names["eslag"], ImportStateVerify: true,
				ImportStateCheck: ids.Imported(acctest.Of(wiring.Connection, names["eslag"]))},
			{ResourceName: "hedgehog_connection.static_external", ImportState: true, ImportStateId: "default/" + names["static_external"],
				ImportStateVerify: true, ImportStateCheck: ids.Imported(acctest.Of(wiring.Connection, names["static_external"]))},
			{
				// The list data source filters by the labels the webhook keeps.
				Config: lists,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("data.hedgehog_connections.leaf2", tfjsonpath.New("names"),
						sorted(names["mesh"], names["bundled"], names["eslag"], names["external"])),
					statecheck.ExpectKnownValue("data.hedgehog_connections.server", tfjsonpath.New("names"),
						sorted(names["unbundled"], names["bundled"], names["eslag"])),
					statecheck.ExpectKnownValue("data.hedgehog_connections.fabric_of_spine", tfjsonpath.New("names"),
						sorted(names["fabric"])),
					statecheck.ExpectKnownValue("data.hedgehog_connection.eslag", tfjsonpath.New("eslag").AtMapKey("links").AtSliceIndex(1).
						AtMapKey("switch").AtMapKey("port"), knownvalue.StringExact(l.leaf2.name+"/E1/5")),
				},
			},
		},
	})
}

func sortStrings(s []string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// Changing the type of a connection replaces it (the webhook refuses the
// change in place), and so does changing the VPC of a static external
// connection (within_vpc: immutable too).
func TestAccConnection_typeChangeReplaces(t *testing.T) {
	acctest.PreCheck(t)
	l := newConnectionLab()
	name, v4, vpcA, vpcB := acctest.HedgehogName("c"), acctest.HedgehogName("ip"), acctest.HedgehogName("vpc"), acctest.HedgehogName("vpc")
	addr := "hedgehog_connection.c"
	conn := func(body string) string {
		return acctest.Config(l.hcl() + vpcLab{v4: v4}.ipv4HCL() +
			vpcHCL("a", vpcA, `subnets = { default = { subnet = "10.10.1.0/24", vlan = 1001 } }`) +
			vpcHCL("b", vpcB, `subnets = { default = { subnet = "10.10.2.0/24", vlan = 1002 } }`) +
			fmt.Sprintf("\nresource \"hedgehog_connection\" \"c\" {\n  name = %q\n  %s\n}\n", name, body))
	}
	unbundled := conn(fmt.Sprintf(`unbundled = { link = { server = { port = %s }, switch = { port = %s } } }`,
		port("hedgehog_server.srv", "enp2s1"), port("hedgehog_switch.leaf1", "E1/2")))
	bundled := conn(fmt.Sprintf(`bundled = { links = [{ server = { port = %s }, switch = { port = %s } }] }`,
		port("hedgehog_server.srv", "enp2s1"), port("hedgehog_switch.leaf1", "E1/2")))
	staticIn := func(vpcRes string) string {
		return conn(fmt.Sprintf(`static_external = {
    link       = { switch = { port = %s, ip = "192.168.10.1/24", next_hop = "192.168.10.2", subnets = ["10.99.0.0/24"] } }
    within_vpc = hedgehog_vpc.%s.name
  }`, port("hedgehog_switch.leaf1", "E1/2"), vpcRes))
	}
	ids, c := acctest.NewIdentity(), acctest.Of(wiring.Connection, name)
	// The name stays: Terraform deletes the connection first
	// (create_before_destroy would find the name taken).
	replaced := func(config string, check func(u *unstructured.Unstructured) error) resource.TestStep {
		return resource.TestStep{
			Config: config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
			}},
			Check: resource.ComposeAggregateTestCheckFunc(ids.Replaced(c, c), acctest.InCluster(t, wiring.Connection, name, check)),
		}
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, wiring.Connection, name)(s), acctest.Gone(t, vpc.VPC, vpcA, vpcB)(s))
		},
		Steps: []resource.TestStep{
			{Config: unbundled, Check: ids.Record(c)},
			replaced(bundled, func(u *unstructured.Unstructured) error {
				return acctest.Expect(u, "bundled", "metadata", "labels", wiring.LabelConnectionType)
			}),
			replaced(staticIn("a"), func(u *unstructured.Unstructured) error {
				return acctest.Expect(u, vpcA, "spec", "staticExternal", "withinVPC")
			}),
			replaced(staticIn("b"), func(u *unstructured.Unstructured) error {
				return acctest.Expect(u, vpcB, "spec", "staticExternal", "withinVPC")
			}),
		},
	})
}

func TestAccConnection_rules(t *testing.T) {
	acctest.PreCheck(t)
	l := newConnectionLab()
	name, other := acctest.HedgehogName("c"), acctest.HedgehogName("c")
	conn := func(body string) string {
		return acctest.Config(l.hcl() + fmt.Sprintf("\nresource \"hedgehog_connection\" \"c\" {\n  name = %q\n%s\n}\n", name, body))
	}
	srv, leaf1, spine := "hedgehog_server.srv", "hedgehog_switch.leaf1", "hedgehog_switch.spine"
	unbundled := fmt.Sprintf("  unbundled = { link = { server = { port = %s }, switch = { port = %s } } }",
		port(srv, "enp2s1"), port(leaf1, "E1/2"))
	plan := func(body string, phrases ...string) resource.TestStep {
		return resource.TestStep{Config: conn(body), PlanOnly: true, ExpectError: acctest.Error(phrases...)}
	}
	sA, lA := linkPair()
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             acctest.Gone(t, wiring.Connection, name, other),
		Steps: []resource.TestStep{
			plan("", "Invalid Connection", "exactly one connection type must be used"),
			plan(unbundled+fmt.Sprintf("\n  external = { link = { switch = { port = %s } } }", port(leaf1, "E1/3")),
				"Invalid Connection", "Attribute external: exactly one connection type must be used"),
			plan(fmt.Sprintf("  unbundled = { link = { server = { port = %q }, switch = { port = %s } } }", "enp2s1", port(leaf1, "E1/2")),
				"Attribute unbundled.link.server.port: invalid port name enp2s1"),
			plan(fmt.Sprintf("  fabric = { links = [{ spine = { port = %s, ip = %q }, leaf = { port = %s, ip = %q } }] }",
				port(spine, "E1/1"), strings.Replace(sA, "/31", "/30", 1), port(leaf1, "E1/1"), strings.Replace(lA, "/31", "/30", 1)),
				"Attribute fabric.links[0].spine.ip: fabric connection "+name+" link 0 spine IP", "is not a /31"),
			plan(fmt.Sprintf("  fabric = { links = [{ spine = { port = %s, ip = %q }, leaf = { port = %s } }] }", port(spine, "E1/1"), sA, port(leaf1, "E1/1")),
				"Attribute fabric.links[0].leaf.ip: fabric connection "+name+" link 0 has an IP on only one side"),
			plan(fmt.Sprintf("  eslag = { links = [{ server = { port = %s }, switch = { port = %s } }] }", port(srv, "a"), port(leaf1, "E1/4")),
				"eslag.links", "at least 2"),
			{Config: conn(unbundled)},
			{
				// The same port in a second connection: only the cluster knows.
				Config: conn(unbundled) + fmt.Sprintf(`
resource "hedgehog_connection" "other" {
  name     = %q
  external = { link = { switch = { port = %s } } }
}
`, other, port(leaf1, "E1/2")),
				ExpectError: acctest.Error("Refused by Admission Webhook", "error validating connection:", "port "+l.leaf1.name+"/E1/2 is",
					"already used by other connection "+name),
			},
			{
				Config: conn(fmt.Sprintf("  unbundled = { link = { server = { port = %s }, switch = { port = %q } } }",
					port(srv, "enp2s1"), "nosuchswitch/E1/2")),
				ExpectError: acctest.Error("Refused by Admission Webhook", "error validating connection: switch nosuchswitch not found"),
			},
		},
	})
}

// A server or switch cannot be deleted while a connection uses it; a whole
// configuration still destroys in one run, Terraform deleting connections
// first because their ports refer to the devices.
func TestAccConnection_deleteBlockedWhileUsed(t *testing.T) {
	acctest.PreCheck(t)
	l := newConnectionLab()
	name := acctest.HedgehogName("c")
	literal := fmt.Sprintf(`
resource "hedgehog_connection" "c" {
  name      = %q
  unbundled = { link = { server = { port = "%s/enp2s1" }, switch = { port = %s } } }
}
`, name, l.server, port("hedgehog_switch.leaf1", "E1/2"))
	withServer := acctest.Config(l.hcl(`timeouts = { delete = "3s" }`) + literal)
	withoutServer := strings.Replace(withServer, `resource "hedgehog_server" "srv"`, `resource "hedgehog_server" "gone"`, 1)
	withoutServer = strings.Replace(withoutServer, fmt.Sprintf("name        = %q", l.server), fmt.Sprintf("name        = %q", acctest.HedgehogName("srv")), 1)
	ids, srv := acctest.NewIdentity(), acctest.Of(wiring.Server, l.server)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(acctest.Gone(t, wiring.Connection, name)(s), acctest.Gone(t, wiring.Server, l.server)(s),
				acctest.Gone(t, wiring.Switch, l.switches()...)(s))
		},
		Steps: []resource.TestStep{
			{Config: withServer, Check: ids.Record(srv)},
			{
				Config: withoutServer,
				ExpectError: acctest.Error("Refused by Admission Webhook", "The delete was refused until the timeout of 3s ran out",
					"refused to delete Server", "server has connections"),
			},
			{
				// The refused delete left the server in the cluster, and in
				// the state: the same server, not made again.
				Config: withServer,
				Check:  ids.Same(srv),
			},
		},
	})
}
