// Every example applied on a fabric shaped like a real one (longer than most
// files: the table of examples and the fabric each needs, then the steps
// every run takes).

package provider_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// The fabric the examples are written for, in levels. Level 0 is what a
// Hedgehog installation has before anyone configures it (the default VLAN
// and IPv4 namespaces), which the stand-in seeds as the installer does; each
// level above is a file of testdata/examples, applied with kubectl (as the
// installer, or an operator with a wiring file, would) before the first
// example that needs it, and kept until the test ends. An example never
// declares what a level holds: copied onto a real fabric, it would fail
// with "already exists".
var fabricLevels = []string{
	"1-switches.yaml", // switch group, switches, servers; the gateway group default and gateway-1
	"2-wiring.yaml",   // their connections
	"3-vpcs.yaml",     // VPCs and Externals
	"4-attached.yaml", // attachments, peerings (a gateway peering too), a Fabric
}

// exampleRun is one configuration made of examples, applied on the fabric
// up to its level.
type exampleRun struct {
	name string
	// paths under examples/: files, or a directory copied whole (local
	// modules included).
	paths []string
	level int
	// outputs are values the run's outputs must have after apply.
	outputs map[string]any
	// importChanges, when set, says why the plan with a resource example's
	// import block updates the resource (the import is still applied, and
	// the next plan must be empty).
	importChanges string
	// fabricCRD: the example needs the Fabric CRD (which the crds example
	// installs when it runs first).
	fabricCRD bool
	// check looks at the cluster as soon as apply returns.
	check func(t *testing.T, c *acctest.OwnCluster)
}

func resourceRun(typ string, level int) exampleRun {
	return exampleRun{name: "resources/" + typ, paths: []string{"resources/" + typ + "/resource.tf"}, level: level}
}

// exampleRuns are the runs, in the order they go: the fabric only grows, so
// an example that creates what a later level holds runs before that level
// exists (and is destroyed before the next run).
func exampleRuns() []exampleRun {
	fabric := resourceRun("hedgehog_fabric", 0)
	fabric.fabricCRD = true
	rbac := resourceRun("hedgehog_rbac_setup", 0)
	rbac.importChanges = "a bound token cannot be read back, so the plan with the import requests a new one (see its page)"
	return []exampleRun{
		// The Fabric CRD is not installed yet: hedgehog_crds installs it,
		// and leaves it installed when destroyed.
		resourceRun("hedgehog_crds", 0),
		fabric,
		rbac,
		// The first gateway of a fabric with the gateway enabled and no
		// gateway yet creates the group default: before level 1 has one.
		{name: "gateway-first", paths: []string{"gateway-first"}, level: 0, outputs: map[string]any{"gateway_1": map[string]any{
			"groups": []any{"default"}, "workers": float64(4)}}},
		resourceRun("hedgehog_vlan_namespace", 0),
		resourceRun("hedgehog_ipv4_namespace", 0),
		resourceRun("hedgehog_switch_group", 0),
		resourceRun("hedgehog_switch", 0),
		resourceRun("hedgehog_server", 0),
		resourceRun("hedgehog_vpc", 0),
		resourceRun("hedgehog_vpc_peering", 0),
		resourceRun("hedgehog_external", 0),
		resourceRun("hedgehog_connection", 1),
		resourceRun("hedgehog_gateway_group", 1),
		resourceRun("hedgehog_vpc_attachment", 2),
		// The gateway examples create VPCs with vpc-01's and vpc-02's
		// subnets and VLANs: before level 3 has those.
		resourceRun("hedgehog_gateway", 2),
		resourceRun("hedgehog_gateway_peering", 2),
		{name: "gateway", paths: []string{"gateway"}, level: 2, outputs: map[string]any{"gateway": map[string]any{
			"carried_by": []any{"gateway-1"}, "peerings": []any{"internet--web-https", "web--db", "web--internet"},
			"masquerade": "5m0s", "forward": "2m0s", "acl": "flow"}}, check: gatewayExampleApplied},
		{name: "eslag-vpc", paths: []string{"eslag-vpc"}, level: 2, outputs: map[string]any{"vpc_01": map[string]any{
			"gateway": "10.0.1.1", "dhcp_range": "10.0.1.2 - 10.0.1.255", "attached": "server-01--eslag--leaf-01--leaf-02",
			"peered": "vpc-01--vpc-02"}}, check: eslagVPCApplied},
		{name: "tenant", paths: []string{"tenant"}, level: 2, outputs: map[string]any{"tenants": map[string]any{
			"blue": map[string]any{
				"gateways":    map[string]any{"blue-db": map[string]any{"default": "10.0.11.1"}, "blue-web": map[string]any{"default": "10.0.10.1"}},
				"attachments": []any{"server-02--unbundled--leaf-01--blue-web--default", "server-03--unbundled--leaf-03--blue-db--default"},
				"peerings":    []any{"blue-web--blue-db"},
			},
			"green": map[string]any{
				"gateways":    map[string]any{"green-app": map[string]any{"back": "10.0.21.1", "front": "10.0.20.1"}},
				"attachments": []any{"server-01--eslag--leaf-01--leaf-02--green-app--front"},
				"peerings":    []any{},
			},
		}}},
		{name: "external-bgp", paths: []string{"external-bgp"}, level: 2, outputs: map[string]any{"internet": map[string]any{
			"attachment": "default/leaf-03--internet", "peering": "default/web--internet"}}},
		resourceRun("hedgehog_external_attachment", 3),
		resourceRun("hedgehog_external_peering", 3),
		{name: "data-sources", paths: dataSourceExamples(), level: 4, outputs: dataSourceOutputs},
	}
}

// dataSourceOutputs are what the data-source examples read from the fabric.
var dataSourceOutputs = map[string]any{
	"leaf_01_connections":      []any{"server-01--eslag--leaf-01--leaf-02", "server-02--unbundled--leaf-01", "spine-01--fabric--leaf-01"},
	"isp_inbound_community":    "65102:5000",
	"isp_attachments":          []any{"leaf-03--isp"},
	"vpc_01_external_peerings": []any{"vpc-01--isp"},
	"externals":                []any{"dc-core", "isp"},
	"leaf_01_vtep_ip":          "172.30.12.1/32",
	"vs_supports_eslag":        true,
	"eslag_1_switches":         []any{"leaf-01", "leaf-02"},
	"vpc_01_gateways":          map[string]any{"default": "10.0.1.1"},
	"vpc_01_connections":       []any{"server-01--eslag--leaf-01--leaf-02"},
	"vpc_01_peerings":          []any{"vpc-01--vpc-02"},
	"vpcs":                     []any{"vpc-01", "vpc-02"},
	"server_01_switch_ports":   []any{"leaf-01/E1/1", "leaf-02/E1/1"},
	"isp_neighbor":             "AS64102 at 100.1.10.6",
	"vpc_01_isp_prefixes":      []any{"0.0.0.0/0"},
	"default_ipv4_subnets":     []any{"10.0.0.0/16"},
	"ipv4_namespaces":          []any{"default"},
	"server_01_description":    "multi-homed to the ESLAG pair",
	"servers":                  []any{"server-01", "server-02", "server-03"},
	"eslag_1_id":               "default/eslag-1",
	"switch_groups":            []any{"eslag-1"},
	"default_vlan_ranges":      []any{"1000-2999"},
	"vlan_namespaces":          []any{"default"},
	"server_01_attachment":     "vpc-01/default on server-01--eslag--leaf-01--leaf-02",
	"vpc_01__vpc_02_vpcs":      []any{"vpc-01", "vpc-02"},
	"switches_pending":         []any{},
	"switch_profiles": []any{"celestica-ds3000", "dell-s5232f-on", "dell-s5248f-on", "dell-z9332f-on", "edgecore-dcs203",
		"vs"},
	"default_gateway_group": "default/default",
	"gateway_groups":        []any{"default"},
	"gateway_1":             map[string]any{"vtep_ip": "172.30.12.6/32", "groups": []any{"default"}, "workers": float64(4)},
	"gateways":              map[string]any{"gateway-1": []any{"default"}},
	"vpc_02_isp_masquerade": map[string]any{"as": []any{"203.0.113.2/32"}, "idle_timeout": "2m0s"},
	"gateway_peerings":      map[string]any{"vpc_02": []any{"vpc-02--isp"}, "isp": []any{"vpc-02--isp"}},
	"vpc_01_info":           map[string]any{"subnets": map[string]any{"default": "10.0.1.0/24"}, "ready": true},
	"vpc_infos":             []any{"ext.dc-core", "ext.isp", "vpc-01", "vpc-02"},
}

// dataSourceExamples are every data-source example, read together in one
// configuration (their names never clash).
func dataSourceExamples() []string {
	entries, err := os.ReadDir(filepath.Join(acctest.Root, "examples", "data-sources"))
	if err != nil {
		panic(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, "data-sources/"+e.Name()+"/data-source.tf")
	}
	return out
}

// notApplied are the examples that TestAccExamples_apply does not apply, and
// why (each is still formatted and validated by TestAccExamples).
var notApplied = map[string]string{
	"quickstart":                          "TestAccQuickstart applies it, as make demo does",
	"virtual-lab":                         "TestAccVirtualLab applies it",
	"guides/from-yaml":                    "TestAccGuide_fromYAML imports it",
	"guides/netbox":                       "it needs the NetBox provider",
	"provider":                            "it names a kubeconfig of its reader",
	"provider/connection/direct":          "it connects to a cluster that another module creates",
	"provider/connection/exec":            "it runs the AWS CLI",
	"provider/connection/in-cluster":      "it runs in a pod",
	"provider/connection/terraform-cloud": "it reads its connection from a workspace's variables",
	"tenant/modules/tenant":               "the tenant example applies it",
	"ephemeral-resources/hedgehog_access_token": "it needs OpenTofu 1.11 or Terraform 1.10; TestAccAccessToken_feedsProvider " +
		"and _neverStored apply the same setup, ephemeral token and provider block",
}

// Every example is applied (or says why not) on the stand-in, on a fabric
// that has what a real one has: the plan afterwards is empty, every object
// in the state is in the cluster, the import block of each resource example
// imports it with no change, and destroy removes what the example created
// and nothing else.
func TestAccExamples_apply(t *testing.T) {
	// Switches slow enough that an apply which did not wait for them would
	// return before they applied it (checked by eslagVPCApplied).
	// The stand-in runs the gateway (the tests' fabric enables it) and has
	// seeded the installer's namespaces: level 0.
	cluster := acctest.StartOwn(t, acctest.OwnOptions{Hedgehog: true, SkipCRDs: true, AgentDelay: time.Second})
	simulate(t, cluster.Dynamic)
	if _, err := cluster.Typed.CoreV1().Namespaces().Create(context.Background(), &corev1Namespace, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	runs := exampleRuns()
	covered := map[string]bool{}
	for _, r := range runs {
		for _, p := range r.paths {
			covered[strings.TrimSuffix(filepath.Dir(p), "/.")] = true
			covered[p] = true
		}
	}
	root := filepath.Join(acctest.Root, "examples")
	for _, dir := range exampleDirs(t) {
		rel, _ := filepath.Rel(root, dir)
		rel = filepath.ToSlash(rel)
		if !covered[rel] && notApplied[rel] == "" {
			t.Errorf("examples/%s is neither applied by a run of exampleRuns nor listed in notApplied with a reason", rel)
		}
	}
	f := &examplesFabric{t: t, cluster: cluster, cli: acctest.NewCLI(t)}
	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) { f.run(t, r) })
	}
}
