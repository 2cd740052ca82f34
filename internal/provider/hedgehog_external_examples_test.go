package provider_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// externalExamplesBase is what the External examples name besides the
// installer's default namespaces: leaf-03 and its external connection, and
// vpc-01.
const externalExamplesBase = `
resource "hedgehog_switch" "leaf_03" {
  name            = "leaf-03"
  role            = "border-leaf"
  profile         = "vs"
  asn             = 65103
  ip              = "172.30.0.10/21"
  vtep_ip         = "172.30.12.2/32"
  protocol_ip     = "172.30.8.4/32"
  vlan_namespaces = ["default"]
}

resource "hedgehog_vpc" "vpc_01" {
  name     = "vpc-01"
  subnets  = { default = { subnet = "10.0.1.0/24", vlan = 1001 } }
}

resource "hedgehog_connection" "leaf_03_external" {
  name     = "leaf-03--external"
  external = { link = { switch = { port = "${hedgehog_switch.leaf_03.name}/E1/10" } } }
}
`

func example(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(acctest.Root, "examples", path))
	if err != nil {
		t.Fatal(err)
	}
	return "\n" + string(raw)
}

// The External examples of the docs, applied as written on a cluster of
// their own (they use fixed names): the plan afterwards is empty, the data
// source examples read them, and the whole configuration is destroyed in
// one run, although the examples name each other literally (Hedgehog's
// refused deletes are asked again until what uses an object is gone).
func TestAccExternal_examples(t *testing.T) {
	cluster := acctest.StartOwnCluster(t, true) // with the installer's default namespaces, as the stand-in seeds them
	// The examples name the namespace, the Externals and the connection
	// literally: what they name comes first.
	base := ownProvider(cluster.Kubeconfig) + externalExamplesBase
	externals := base + example(t, "resources/hedgehog_external/resource.tf")
	attached := externals + example(t, "resources/hedgehog_external_attachment/resource.tf") +
		example(t, "resources/hedgehog_external_peering/resource.tf")
	// The data sources name them literally too: they read what exists at
	// plan time.
	all := attached + example(t, "data-sources/hedgehog_external/data-source.tf") +
		example(t, "data-sources/hedgehog_externals/data-source.tf") +
		example(t, "data-sources/hedgehog_external_attachments/data-source.tf") +
		example(t, "data-sources/hedgehog_external_peerings/data-source.tf")
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{Config: base},
			{Config: externals},
			{Config: attached},
			{
				Config: all,
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue("hedgehog_external.isp", tfjsonpath.New("ipv4_namespace"), knownvalue.StringExact("default")),
					statecheck.ExpectKnownOutputValue("isp_inbound_community", knownvalue.StringExact("65102:5000")),
					statecheck.ExpectKnownOutputValue("externals", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("dc-core"), knownvalue.StringExact("isp")})),
					statecheck.ExpectKnownOutputValue("isp_attachments", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("leaf-03--isp")})),
					statecheck.ExpectKnownOutputValue("vpc_01_external_peerings", knownvalue.ListExact([]knownvalue.Check{
						knownvalue.StringExact("vpc-01--isp")})),
				},
			},
			{Config: all, PlanOnly: true},
		},
	})
}
