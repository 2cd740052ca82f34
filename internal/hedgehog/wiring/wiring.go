// Package wiring declares the kinds of Hedgehog's wiring.githedgehog.com/
// v1beta1 API: one declaration per kind (its attributes, the webhook's
// plan-time rules in the API's own words, and the webhook's defaults).
package wiring

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Group and Version of the API.
const (
	Group   = "wiring.githedgehog.com"
	Version = "v1beta1"
)

// Kinds are the kinds of the API, in the order that creates need.
var Kinds = []*kinds.Kind{Switch}

// Switch is a switch of the fabric.
var Switch = &kinds.Kind{
	TypeName: "switch", ListTypeName: "switches",
	Group: Group, Version: Version, Kind: "Switch", Plural: "switches", Namespace: meta.Namespace,
	ServerLabel: meta.ServerLabel,
	Description: "A Hedgehog switch (`switches.wiring.githedgehog.com/v1beta1`).",
	Spec: []kinds.Attr{
		{Name: "role", JSON: "role", Type: kinds.String, Required: true, Description: "The switch's role."},
		{Name: "description", JSON: "description", Type: kinds.String, Description: "Free text."},
		{Name: "profile", JSON: "profile", Type: kinds.String, Description: "The SwitchProfile."},
	},
	Applied: &kinds.AppliedRule{Agents: agent.Agent, AgentField: "switches",
		Description: "the switch's agent has applied the switch's configuration.",
		Switches: func(_ context.Context, _ kinds.Lookup, u *unstructured.Unstructured) ([]string, error) {
			return []string{u.GetName()}, nil
		}},
}
