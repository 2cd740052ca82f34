package provider_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

func TestAccFabricDataSource(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		Steps: []resource.TestStep{{
			Config: fabricConfig(ns, name, `
  asn           = 65060
  leaf_count    = 2
  labels        = { site = "ams1" }
  switch_config = { mtu = 9000 }
`) + fmt.Sprintf(`
data "hedgehog_fabric" "read" {
  name      = hedgehog_fabric.test.name
  namespace = %q
}
`, ns),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hedgehog_fabric.read", tfjsonpath.New("asn"), knownvalue.Int64Exact(65060)),
				statecheck.ExpectKnownValue("data.hedgehog_fabric.read", tfjsonpath.New("leaf_count"), knownvalue.Int64Exact(2)),
				statecheck.ExpectKnownValue("data.hedgehog_fabric.read", tfjsonpath.New("switch_config").AtMapKey("mtu"), knownvalue.Int64Exact(9000)),
				// Every label of the object, the provider's own included.
				statecheck.ExpectKnownValue("data.hedgehog_fabric.read", tfjsonpath.New("labels").AtMapKey("site"), knownvalue.StringExact("ams1")),
				statecheck.ExpectKnownValue("data.hedgehog_fabric.read", tfjsonpath.New("status").AtMapKey("phase"), knownvalue.StringExact("Pending")),
				statecheck.CompareValuePairs("data.hedgehog_fabric.read", tfjsonpath.New("uid"), fabricAddr, tfjsonpath.New("uid"),
					compareEqual{}),
			},
		}, {
			Config: acctest.Config(fmt.Sprintf(`
data "hedgehog_fabric" "missing" {
  name      = "no-such-fabric"
  namespace = %q
}
`, ns)),
			ExpectError: acctest.Error("Fabric Not Found", `There is no Fabric "no-such-fabric" in namespace`),
		}},
	})
}

type compareEqual struct{}

func (compareEqual) CompareValues(values ...any) error {
	if len(values) == 2 && values[0] == values[1] {
		return nil
	}
	return fmt.Errorf("values differ: %v", values)
}

// createFabrics creates n fabrics straight through the API.
func createFabrics(t *testing.T, namespace, prefix string, n int, labels map[string]any) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	sem := make(chan struct{}, 20)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			name := fmt.Sprintf("%s-%04d", prefix, i)
			obj := fabricObject(namespace, name)
			obj.SetLabels(toStrings(labels))
			_, err := acctest.C.Dynamic.Resource(acctest.FabricGVR).Namespace(namespace).Create(context.Background(), obj, metav1.CreateOptions{})
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func toStrings(m map[string]any) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = fmt.Sprint(v)
	}
	return out
}

func TestAccFabricsDataSource(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	other := acctest.Namespace(t)
	// More than one LIST page (500): pagination must be followed.
	createFabrics(t, ns, "bulk", 520, map[string]any{"tier": "bulk"})
	createFabrics(t, ns, "edge", 3, map[string]any{"tier": "edge", "site": "ams1"})
	createFabrics(t, other, "far", 2, map[string]any{"tier": "edge"})
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		Steps: []resource.TestStep{{
			Config: acctest.Config(fmt.Sprintf(`
data "hedgehog_fabrics" "all_here" {
  namespace = %[1]q
}

data "hedgehog_fabrics" "edge" {
  namespace      = %[1]q
  label_selector = "tier=edge,site in (ams1)"
}

data "hedgehog_fabrics" "by_name" {
  namespace      = %[1]q
  field_selector = "metadata.name=edge-0001"
}

data "hedgehog_fabrics" "edge_everywhere" {
  all_namespaces = true
  label_selector = "tier=edge"
}

output "edge_asns" {
  value = [for f in data.hedgehog_fabrics.edge.fabrics : f.asn]
}
`, ns)),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hedgehog_fabrics.all_here", tfjsonpath.New("names"), knownvalue.ListSizeExact(523)),
				statecheck.ExpectKnownValue("data.hedgehog_fabrics.edge", tfjsonpath.New("names"), knownvalue.ListExact([]knownvalue.Check{
					knownvalue.StringExact("edge-0000"), knownvalue.StringExact("edge-0001"), knownvalue.StringExact("edge-0002")})),
				statecheck.ExpectKnownValue("data.hedgehog_fabrics.edge", tfjsonpath.New("fabrics").AtSliceIndex(1).AtMapKey("labels").AtMapKey("site"),
					knownvalue.StringExact("ams1")),
				statecheck.ExpectKnownValue("data.hedgehog_fabrics.by_name", tfjsonpath.New("names"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact("edge-0001")})),
				statecheck.ExpectKnownValue("data.hedgehog_fabrics.edge_everywhere", tfjsonpath.New("names"), knownvalue.ListSizeExact(5)),
				statecheck.ExpectKnownOutputValue("edge_asns", knownvalue.TupleExact([]knownvalue.Check{
					knownvalue.Int64Exact(65100), knownvalue.Int64Exact(65100), knownvalue.Int64Exact(65100)})),
			},
		}},
	})
}
