package wiring

import (
	"context"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// SwitchGroup is a named group that switches join (through spec.groups and
// spec.redundancy.group). Hedgehog registers no webhook for it: nothing is
// defaulted, and labels are kept as written.
var SwitchGroup = &kinds.Kind{
	TypeName: "switch_group", ListTypeName: "switch_groups",
	Group: Group, Version: Version, Kind: "SwitchGroup", Plural: "switchgroups", Namespace: meta.Namespace,
	Description: "A Hedgehog switch group (`switchgroups.wiring.githedgehog.com/v1beta1`): a marker object that switches " +
		"join through `groups` and, for an ESLAG pair, `redundancy.group`. It has no settings of its own. A switch refers " +
		"to groups that must exist when it is created.",
	Spec: []kinds.Attr{},
	Applied: &kinds.AppliedRule{Agents: agent.Agent,
		Description: "every switch in the group has applied its current configuration (the agents do not carry groups " +
			"themselves).",
		Switches: func(ctx context.Context, l kinds.Lookup, u *unstructured.Unstructured) ([]string, error) {
			return switchesWhere(ctx, l, func(spec map[string]any) bool { return containsString(spec, "groups", u.GetName()) })
		}},
}
