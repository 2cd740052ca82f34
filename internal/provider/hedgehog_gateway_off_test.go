package provider_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// On a fabric without the gateway (the default virtual lab's), Hedgehog
// refuses every gateway object in its own words (vectors GWGR-02, GW-02,
// GWPEER-11): the apply fails with the webhook's message and leaves
// nothing behind. The plan cannot know: the fabric's configuration is the
// cluster's.
func TestAccGateway_off(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	cluster := acctest.StartOwn(t, acctest.OwnOptions{Hedgehog: true, GatewayOff: true})
	l := newGatewayLab()
	config := func(body string) string { return ownProvider(cluster.Kubeconfig) + body }
	group := fmt.Sprintf("resource \"hedgehog_gateway_group\" \"g\" {\n  name = %q\n}\n", l.group)
	refused := func(body, kind, message string) resource.TestStep {
		return resource.TestStep{Config: config(body),
			ExpectError: acctest.Error("Refused by Admission Webhook", kind, message)}
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy: func(*terraform.State) error {
			for _, o := range []struct {
				k    *kinds.Kind
				name string
			}{{gateway.GatewayGroup, l.group}, {gateway.Gateway, l.gw}, {gateway.GatewayPeering, "vpc-01--vpc-02"}} {
				if cluster.Object(t, o.k, o.name) != nil {
					return fmt.Errorf("%s %s was created on a fabric without the gateway", o.k.Kind, o.name)
				}
			}
			return nil
		},
		Steps: []resource.TestStep{
			refused(group, "GatewayGroup", "gateway support is not enabled"),
			refused(l.gatewayHCL(`groups = [{ name = "default" }]`), "Gateway", "gateway support is not enabled: invalid gateway"),
			refused(`
resource "hedgehog_gateway_peering" "p" {
  name = "vpc-01--vpc-02"
  peering = {
    vpc-01 = { expose = [{ ips = [{ cidr = "10.0.1.0/24" }] }] }
    vpc-02 = { expose = [{ ips = [{ cidr = "10.0.2.0/24" }] }] }
  }
}
`, "GatewayPeering", "gateway support is not enabled"),
		},
	})
}
