package vpc

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// ExternalAttachment attaches an External to a switch port: a BGP session
// with the external router, or static routes to it.
var ExternalAttachment = &kinds.Kind{
	TypeName: "external_attachment", ListTypeName: "external_attachments",
	Group: Group, Version: Version, Kind: "ExternalAttachment", Plural: "externalattachments", Namespace: meta.Namespace,
	ServerLabel: meta.ServerLabel,
	Description: "A Hedgehog External attachment (`externalattachments.vpc.githedgehog.com/v1beta1`): where an External " +
		"meets the fabric, on the switch port of an `external` connection. A BGP attachment (for a BGP External) sets " +
		"`switch` and `neighbor`: the switch's address on the port (or on a VLAN of it) and the external router's ASN and " +
		"address. A static attachment (for a static External) sets `static` instead, and neither `switch` nor `neighbor`. " +
		"The VLANs of the attachments of one connection differ.",
	Spec: []kinds.Attr{
		{Name: "external", JSON: "external", Type: kinds.String, Required: true, Ref: &kinds.Ref{Kind: "External"},
			Description: "The name of the External; it must exist, and be static exactly when the attachment is."},
		{Name: "connection_name", JSON: "connection", Type: kinds.String, Required: true, Ref: &kinds.Ref{Kind: "Connection"},
			Description: "The name of the connection (of type `external`; `connection` is a name Terraform reserves) whose switch port the attachment uses; it must exist."},
		{Name: "switch", JSON: "switch", Type: kinds.Object, Attrs: []kinds.Attr{
			{Name: "vlan", JSON: "vlan", Type: kinds.Int64, OmitZero: true, Int64: []validator.Int64{int64validator.Between(1, 4094)},
				Description: "A VLAN, 1 to 4094, for a subinterface of the port. Left out, the port itself."},
			{Name: "ip", JSON: "ip", Type: kinds.String,
				Description: "The switch's address on the port, with its prefix length (such as `100.1.10.1/24`). Required."},
		}, Description: "The switch side of a BGP attachment. Not for static attachments."},
		{Name: "neighbor", JSON: "neighbor", Type: kinds.Object, Attrs: []kinds.Attr{
			{Name: "asn", JSON: "asn", Type: kinds.Int64, OmitZero: true,
				Int64:       []validator.Int64{int64validator.Between(1, 4294967295)},
				Description: "The external router's ASN. Required."},
			{Name: "ip", JSON: "ip", Type: kinds.String,
				Description: "The external router's address, without a prefix length (such as `100.1.10.6`). Required."},
		}, Description: "The BGP neighbor of a BGP attachment: the external router. Not for static attachments."},
		{Name: "static", JSON: "static", Type: kinds.Object, Attrs: []kinds.Attr{
			{Name: "remote_ip", JSON: "remoteIP", Type: kinds.String, Required: true,
				Description: "The External's address, the next hop of the routes to its prefixes (such as `100.1.20.1`)."},
			{Name: "vlan", JSON: "vlan", Type: kinds.Int64, OmitZero: true, Int64: []validator.Int64{int64validator.Between(1, 4094)},
				Description: "A VLAN, 1 to 4094, for a subinterface of the port. Left out, the port itself."},
			{Name: "ip", JSON: "ip", Type: kinds.String,
				Description: "The switch's address on the port, with its prefix length. Exactly one of `ip` and `proxy`."},
			{Name: "proxy", JSON: "proxy", Type: kinds.Bool, OmitZero: true,
				Description: "Answer ARP for the External's neighbours (proxy ARP, with gateway peering) instead of taking an " +
					"address. Exactly one of `ip` and `proxy`. Default `false`."},
		}, Description: "Makes the attachment static (for a static External): routes to the External's prefixes through `remote_ip`."},
		aclAttr(),
	},
	Check:   checkExternalAttachment,
	Default: defaultExternalAttachment,
	ListFilters: []kinds.ListFilter{
		{Name: "external", Description: "Only attachments of this External.",
			Selector: func(v string) string { return LabelExternal + "=" + v }},
		{Name: "connection_name", Description: "Only attachments on this connection (`connection` is a name Terraform reserves).",
			Selector: func(v string) string { return LabelConnection + "=" + v }},
	},
	Applied: &kinds.AppliedRule{Agents: agent.Agent, AgentMap: "externalAttachments",
		Description: "the switch of its connection has applied it.",
		Switches: func(ctx context.Context, l kinds.Lookup, u *unstructured.Unstructured) ([]string, error) {
			spec, _ := u.Object["spec"].(map[string]any)
			conn, _ := meta.Str(spec, "connection")
			return wiring.ConnectionSwitches(ctx, l, conn)
		}},
}

// defaultExternalAttachment is the webhook's: the switch and neighbor
// members are always there, empty for static attachments.
func defaultExternalAttachment(spec map[string]any) {
	for _, member := range []string{"switch", "neighbor"} {
		if v, ok := spec[member]; !ok || v == nil {
			spec[member] = map[string]any{}
		}
	}
}

// AttachmentVLAN is the VLAN an attachment uses on its port (0 for none).
func AttachmentVLAN(spec map[string]any) int64 {
	member := "switch"
	if v, ok := spec["static"]; ok && v != nil {
		member = "static"
	}
	vlan, _ := meta.Int(spec, member, "vlan")
	return vlan
}
