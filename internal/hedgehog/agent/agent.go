// Package agent declares Hedgehog's Agent kind (agent.githedgehog.com/
// v1beta1): one per switch, written by the fabric controller and the switch
// agent, read-only for users. Its status says which configuration generation
// the switch has applied.
package agent

import (
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Agent is the Agent kind.
var Agent = &kinds.Kind{
	TypeName: "agent", ListTypeName: "agents",
	Group: "agent.githedgehog.com", Version: "v1beta1", Kind: "Agent", Plural: "agents", Namespace: meta.Namespace,
	ReadOnly: true,
	Description: "A Hedgehog switch agent (`agents.agent.githedgehog.com/v1beta1`), named after its switch: what `kubectl get " +
		"agents` shows. `generation` is the configuration generation the controller has asked for: it rises whenever anything " +
		"the switch carries changes. The switch has applied a generation once `status.last_applied_gen` is that generation " +
		"or a later one; `status.last_attempt_gen` above `status.last_applied_gen` is a generation it is applying.",
	Spec: []kinds.Attr{
		{Name: "role", JSON: "role", Type: kinds.String, Description: "The switch's role, such as `server-leaf`."},
		{Name: "description", JSON: "description", Type: kinds.String, Description: "The switch's description."},
	},
	Status: []kinds.Attr{
		{Name: "version", JSON: "version", Type: kinds.String, Description: "The version of the agent running on the switch."},
		{Name: "run_id", JSON: "runID", Type: kinds.String,
			Description: "The ID of the agent's current run: a new one each time the agent starts (an agent that fails to " +
				"apply a generation exits and starts again)."},
		{Name: "last_heartbeat", JSON: "lastHeartbeat", Type: kinds.String, Description: "When the agent last reported (RFC 3339)."},
		{Name: "last_attempt_gen", JSON: "lastAttemptGen", Type: kinds.Int64, Description: "The generation the agent last tried to apply."},
		{Name: "last_attempt_time", JSON: "lastAttemptTime", Type: kinds.String, Description: "When it last tried (RFC 3339)."},
		{Name: "last_applied_gen", JSON: "lastAppliedGen", Type: kinds.Int64, Description: "The generation the switch last applied."},
		{Name: "last_applied_time", JSON: "lastAppliedTime", Type: kinds.String, Description: "When it last applied one (RFC 3339)."},
		{Name: "reboot_required", JSON: "rebootRequired", Type: kinds.Bool, Description: "Whether the switch needs a reboot."},
		{Name: "state", JSON: "state", Type: kinds.Object, Description: "What the agent reports about the switch.",
			Attrs: []kinds.Attr{{Name: "nos", JSON: "nos", Type: kinds.Object, Description: "The network operating system.",
				Attrs: []kinds.Attr{
					{Name: "software_version", JSON: "softwareVersion", Type: kinds.String, Description: "The NOS version."},
					{Name: "hwsku_version", JSON: "hwskuVersion", Type: kinds.String, Description: "The hardware SKU."},
					{Name: "asic_version", JSON: "asicVersion", Type: kinds.String, Description: "The ASIC, such as `vs`."},
				}}}},
		{Name: "conditions", JSON: "conditions", Type: kinds.List, Description: "The agent's conditions, `Applied` among them.",
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "type", JSON: "type", Type: kinds.String, Description: "The condition, such as `Applied`."},
				{Name: "status", JSON: "status", Type: kinds.String, Description: "`True`, `False` or `Unknown`."},
				{Name: "reason", JSON: "reason", Type: kinds.String, Description: "Such as `ApplySucceeded` or `ApplyPending`."},
				{Name: "message", JSON: "message", Type: kinds.String, Description: "A message for people."},
				{Name: "last_transition_time", JSON: "lastTransitionTime", Type: kinds.String, Description: "When it last changed (RFC 3339)."},
			}}},
	},
}
