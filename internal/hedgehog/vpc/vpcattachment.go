package vpc

import (
	"context"
	"strings"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// VPCAttachment attaches a subnet of a VPC to a server-facing connection.
var VPCAttachment = &kinds.Kind{
	TypeName: "vpc_attachment", ListTypeName: "vpc_attachments",
	Group: Group, Version: Version, Kind: "VPCAttachment", Plural: "vpcattachments", Namespace: meta.Namespace,
	ServerLabel: meta.ServerLabel, Locate: locateVPCAttachment,
	Description: "A Hedgehog VPC attachment (`vpcattachments.vpc.githedgehog.com/v1beta1`): a subnet of a VPC made reachable " +
		"on a server-facing connection (`unbundled`, `bundled` or `eslag`), as a tagged VLAN or the native one. The VPC, its " +
		"subnet and the connection must exist, the connection's switches must use the VPC's VLAN namespace, and a " +
		"connection takes each subnet once and one native VLAN. Write `subnet` and `connection_name` from the resources' " +
		"`name`s (`\"${hedgehog_vpc.x.name}/default\"`) so that Terraform creates the attachment after them and deletes " +
		"it first: Hedgehog refuses to delete a VPC or a connection while attachments use them.",
	Spec: []kinds.Attr{
		{Name: "subnet", JSON: "subnet", Type: kinds.String, Required: true, Ref: &kinds.Ref{Kind: "VPC", Device: true},
			Description: "The subnet, `<vpc>/<subnet>`; a bare `<vpc>` means its subnet `default` (the API stores " +
				"`<vpc>/default`, which is no difference)."},
		{Name: "connection_name", JSON: "connection", Type: kinds.String, Required: true, Ref: &kinds.Ref{Kind: "Connection"},
			Description: "The name of the Connection (`spec.connection`; Terraform reserves `connection`): an `unbundled`, `bundled` or `eslag` one (ESLAG only for VPCs in the " +
				"default L2VNI mode)."},
		{Name: "native_vlan", JSON: "nativeVLAN", Type: kinds.Bool, OmitZero: true,
			Description: "Carry the subnet untagged, as the native VLAN of the connection (one per connection; not for " +
				"`host_bgp` subnets). Default `false`."},
	},
	Check:   checkVPCAttachment,
	Default: defaultVPCAttachment,
	ListFilters: []kinds.ListFilter{
		{Name: "vpc", Description: "Only attachments of this VPC.", Selector: func(v string) string { return LabelVPC + "=" + v }},
		{Name: "connection_name", Description: "Only attachments to this connection.",
			Selector: func(v string) string { return LabelConnection + "=" + v }},
	},
	Applied: &kinds.AppliedRule{Agents: agent.Agent, AgentMap: "vpcAttachments",
		Description: "every switch of the attachment's connection has applied it.",
		Switches: func(ctx context.Context, l kinds.Lookup, u *unstructured.Unstructured) ([]string, error) {
			conn, _, _ := unstructured.NestedString(u.Object, "spec", "connection")
			return wiring.ConnectionSwitches(ctx, l, conn)
		}},
}

// defaultVPCAttachment is the webhook's: a bare "<vpc>" becomes
// "<vpc>/default".
func defaultVPCAttachment(spec map[string]any) {
	s, ok := spec["subnet"].(string)
	if !ok {
		return
	}
	vpc, _, found := strings.Cut(s, "/")
	if vpc != "" && !found {
		spec["subnet"] = vpc + "/default"
	}
}

func checkVPCAttachment(_ string, spec map[string]any) []kinds.Problem {
	stored, _ := cloneSpec(spec).(map[string]any)
	defaultVPCAttachment(stored)
	// A subnet or connection left out is as empty as "" (known values only).
	if subnet, _ := stored["subnet"].(string); stored["subnet"] != kinds.Unknown {
		vpc, _, found := strings.Cut(subnet, "/")
		switch {
		case subnet == "":
			return []kinds.Problem{meta.Problem("subnet is required", "subnet")}
		case vpc == "":
			return []kinds.Problem{meta.Problem("subnet should be in <vpc>/<subnet> format, vpc is missing", "subnet")}
		case !found:
			return []kinds.Problem{meta.Problem("subnet should be in <vpc>/<subnet> format, subnet is missing", "subnet")}
		}
	}
	if conn, _ := stored["connection"].(string); stored["connection"] != kinds.Unknown && conn == "" {
		return []kinds.Problem{meta.Problem("connection is required", "connection")}
	}
	return nil
}

// AttachedSwitches names the switches a VPC is attached through: those of
// the connections of its attachments.
func AttachedSwitches(ctx context.Context, l kinds.Lookup, vpcName string) ([]string, error) {
	attachments, err := l.List(ctx, VPCAttachment)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, a := range attachments {
		subnet, _, _ := unstructured.NestedString(a.Object, "spec", "subnet")
		if v, _ := SubnetRef(subnet); v != vpcName {
			continue
		}
		conn, _, _ := unstructured.NestedString(a.Object, "spec", "connection")
		switches, err := wiring.ConnectionSwitches(ctx, l, conn)
		if err != nil {
			return nil, err
		}
		out = append(out, switches...)
	}
	return out, nil
}
