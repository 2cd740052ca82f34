package wiring

import (
	"context"
	"slices"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Server is a server of the fabric, at the other end of server-facing
// connections.
var Server = &kinds.Kind{
	TypeName: "server", ListTypeName: "servers",
	Group: Group, Version: Version, Kind: "Server", Plural: "servers", Namespace: meta.Namespace,
	ServerLabel: meta.ServerLabel,
	Description: "A Hedgehog server (`servers.wiring.githedgehog.com/v1beta1`): a host at the far end of server-facing " +
		"connections (`unbundled`, `bundled`, `eslag`), whose ports are written `<server>/<port>`. Hedgehog refuses to " +
		"delete a server while connections use it.",
	Spec: []kinds.Attr{
		{Name: "description", JSON: "description", Type: kinds.String, Description: "A description of the server, free text."},
		{Name: "profile", JSON: "profile", Type: kinds.String,
			Description: "The name of a ServerProfile (Hedgehog does not use server profiles yet)."},
	},
	Applied: &kinds.AppliedRule{Agents: agent.Agent,
		Description: "every switch connected to the server has applied its current configuration (the agents do not " +
			"carry servers themselves).",
		Switches: func(ctx context.Context, l kinds.Lookup, u *unstructured.Unstructured) ([]string, error) {
			conns, err := l.List(ctx, Connection)
			if err != nil {
				return nil, err
			}
			var out []string
			for _, c := range conns {
				spec, _ := c.Object["spec"].(map[string]any)
				e := ConnectionEndpoints(spec)
				if e.Err == nil && slices.Contains(e.Servers, u.GetName()) {
					out = append(out, e.Switches...)
				}
			}
			return out, nil
		}},
}
