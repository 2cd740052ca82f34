package gateway

import (
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// GatewayGroup is a named group of gateways: peerings name the group whose
// gateways carry them. It has no settings (spec: {}).
var GatewayGroup = &kinds.Kind{
	TypeName: "gateway_group", ListTypeName: "gateway_groups",
	Group: Group, Version: Version, Kind: "GatewayGroup", Plural: "gatewaygroups", Namespace: meta.Namespace,
	NamespaceMessage: "gatewaygroup namespace must be default",
	Description: "A Hedgehog gateway group (`gatewaygroups.gateway.githedgehog.com/v1alpha1`): a named set of gateways " +
		"(a `hedgehog_gateway` joins through `groups`) that carries the gateway peerings naming it. It has no settings of " +
		"its own. Gateways and peerings that name no group are in `default`, which must exist before them: Hedgehog's " +
		"installer writes it on a fabric installed with the gateway (refer to it by name, or read it with the " +
		"`hedgehog_gateway_group` data source); elsewhere declare it, since Hedgehog's controller creates it only " +
		"after a gateway or peering was admitted, and admitting one needs it. Hedgehog refuses every gateway object " +
		"unless the fabric enables the gateway; it lets a group be deleted while gateways or peerings use it.",
	Spec: []kinds.Attr{},
	// Hedgehog's installer writes the group default on a fabric installed
	// with the gateway.
	Preinstalled: []string{"default"},
}
