package gateway

import (
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// VPCInfo is what the gateway knows of a VPC or an External: written by
// Hedgehog's controller, one per VPC (same name) and one per External
// (`ext.<external>`), read-only for users.
var VPCInfo = &kinds.Kind{
	TypeName: "vpc_info", ListTypeName: "vpc_infos",
	Group: Group, Version: Version, Kind: "VPCInfo", Plural: "vpcinfos", Namespace: meta.Namespace,
	ReadOnly: true,
	Description: "A Hedgehog VPC info (`vpcinfos.gateway.githedgehog.com/v1alpha1`): what the gateways know of a VPC or " +
		"an External. Hedgehog's controller writes one for every VPC (named after it) and one for every External " +
		"(`ext.<external>`) when the fabric enables the gateway, and deletes it with its VPC or External. It is ready " +
		"once `status.internal_id` is set; until every VPC info is ready, Hedgehog refuses new gateway peerings " +
		"(\"retry later\").",
	Spec: []kinds.Attr{
		{Name: "vni", JSON: "vni", Type: kinds.Int64, Description: "The VXLAN network identifier of the VPC."},
		{Name: "subnets", JSON: "subnets", Type: kinds.Map, Description: "The subnets by name (`external` for an External).",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "cidr", JSON: "cidr", Type: kinds.String,
					Description: "The subnet's prefix (`0.0.0.0/0` for an External)."},
			}}},
	},
	Status: []kinds.Attr{
		{Name: "internal_id", JSON: "internalID", Type: kinds.String,
			Description: "The ID the controller allocated; empty until the VPC info is ready."},
	},
}
