package rbac

import (
	"fmt"
	"slices"
	"strings"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Presets are least-privilege rule sets for the jobs a fabric client does,
// modelled on the viewer and editor roles that Hedgehog ships for each of
// its kinds: a viewer may get, list and watch; an editor may also create,
// update, patch and delete (never deletecollection, never `*`); both may get
// the status subresource and neither may write it. No preset names a whole
// API group, and none grants Secrets.

// The Hedgehog API groups and their kinds (by plural), as Hedgehog serves
// them.
const (
	WiringGroup  = "wiring.githedgehog.com"
	VPCGroup     = "vpc.githedgehog.com"
	GatewayGroup = "gateway.githedgehog.com"
	AgentGroup   = "agent.githedgehog.com"
	GwintGroup   = "gwint.githedgehog.com"
	DHCPGroup    = "dhcp.githedgehog.com"
)

var (
	// wiringEditable are the wiring kinds an operator writes; switch
	// profiles come with Hedgehog and server profiles are not used yet.
	wiringEditable = []string{"switches", "switchgroups", "servers", "connections", "vlannamespaces"}
	wiringShipped  = []string{"switchprofiles", "serverprofiles"}
	vpcKinds       = []string{"vpcs", "vpcattachments", "vpcpeerings", "ipv4namespaces", "externals", "externalattachments",
		"externalpeerings"}
	// gatewayEditable are the gateway kinds an operator writes; VPCInfos
	// are written by Hedgehog's controller.
	gatewayEditable = []string{"gateways", "gatewaygroups", "gatewaypeerings"}
)

// HedgehogNamespace is the only namespace Hedgehog accepts for its objects:
// in namespace scope, the Hedgehog presets' role goes there.
const HedgehogNamespace = "default"

// Preset names.
const (
	PresetFabricDesign  = "fabric-design"
	PresetVPCEditor     = "vpc-editor"
	PresetWiringEditor  = "wiring-editor"
	PresetGatewayEditor = "gateway-editor"
	PresetViewer        = "viewer"
)

// DefaultPreset is what hedgehog_rbac_setup grants when nothing else is
// asked for: the integration it was designed for.
const DefaultPreset = PresetFabricDesign

// Verbs of a viewer and of an editor, in the order upstream lists them.
var (
	ViewVerbs = []string{"get", "list", "watch"}
	EditVerbs = []string{"create", "delete", "get", "list", "patch", "update", "watch"}
)

// Preset is one least-privilege rule set.
type Preset struct {
	Name string
	// Job says, in a sentence, who needs it.
	Job string
	// OnFabrics: the preset covers the design's Fabric kind (its group is
	// the provider's setting); otherwise its objects are Hedgehog's and live
	// in HedgehogNamespace.
	OnFabrics bool
	grants    []grant
}

// grant is access to some kinds of one group; the group "" stands for the
// design's Fabric group, known only once the provider is configured.
type grant struct {
	group     string
	resources []string
	edit      bool
}

// Presets, in the order the docs list them.
var Presets = []Preset{
	{Name: PresetFabricDesign, OnFabrics: true,
		Job:    "The NetBox Hedgehog plugin and other tools of the design's Fabric kind: fabrics read-write, their status read.",
		grants: []grant{{resources: []string{"fabrics"}, edit: true}}},
	{Name: PresetVPCEditor,
		Job: "Tools that manage VPCs, their attachments and peerings, IPv4 namespaces and externals; they read the wiring " +
			"(which VPCs attach to) and the agents (to wait until switches applied a change).",
		grants: []grant{{VPCGroup, vpcKinds, true}, {WiringGroup, slices.Concat(wiringEditable, wiringShipped), false},
			{AgentGroup, []string{"agents"}, false}}},
	{Name: PresetWiringEditor,
		Job: "Tools that manage the wiring: switches, switch groups, servers, connections and VLAN namespaces; they read " +
			"the switch and server profiles and the agents.",
		grants: []grant{{WiringGroup, wiringEditable, true}, {WiringGroup, wiringShipped, false}, {AgentGroup, []string{"agents"}, false}}},
	{Name: PresetGatewayEditor,
		Job: "Tools that manage gateways, gateway groups and gateway peerings; they read VPCInfos and gateway agents " +
			"(written by Hedgehog's controller) and the VPCs and externals that peerings name.",
		grants: []grant{{GatewayGroup, gatewayEditable, true}, {GatewayGroup, []string{"vpcinfos"}, false},
			{VPCGroup, []string{"vpcs", "externals"}, false}, {GwintGroup, []string{"gatewayagents"}, false}}},
	{Name: PresetViewer,
		Job:    "Dashboards, audits and plans that only read: every Hedgehog kind, read-only, status included.",
		grants: viewerGrants()},
}

func viewerGrants() []grant {
	return []grant{
		{WiringGroup, slices.Concat(wiringEditable, wiringShipped), false},
		{VPCGroup, vpcKinds, false},
		{GatewayGroup, slices.Concat(gatewayEditable, []string{"vpcinfos"}), false},
		{AgentGroup, []string{"agents", "catalogs"}, false},
		{GwintGroup, []string{"gatewayagents"}, false},
		{DHCPGroup, []string{"dhcpsubnets"}, false},
	}
}

// PresetNames are the presets' names, in order.
func PresetNames() []string {
	out := make([]string, len(Presets))
	for i, p := range Presets {
		out[i] = p.Name
	}
	return out
}

// PresetNamed finds a preset by name.
func PresetNamed(name string) (Preset, bool) {
	i := slices.IndexFunc(Presets, func(p Preset) bool { return p.Name == name })
	if i < 0 {
		return Preset{}, false
	}
	return Presets[i], true
}

// Rules are the preset's rules; fabric is the design's Fabric resource as
// the provider is configured (fabric_api_group and the CRD's plural). Each
// grant is two rules: the kinds with their verbs, and get on their status.
func (p Preset) Rules(fabric schema.GroupResource) []rbacv1.PolicyRule {
	var out []rbacv1.PolicyRule
	for _, g := range p.grants {
		group, resources := g.group, g.resources
		if group == "" {
			group, resources = fabric.Group, []string{fabric.Resource}
		}
		verbs := ViewVerbs
		if g.edit {
			verbs = EditVerbs
		}
		status := make([]string, len(resources))
		for i, r := range resources {
			status[i] = r + "/status"
		}
		out = append(out,
			rbacv1.PolicyRule{APIGroups: []string{group}, Resources: slices.Clone(resources), Verbs: slices.Clone(verbs)},
			rbacv1.PolicyRule{APIGroups: []string{group}, Resources: status, Verbs: []string{"get"}})
	}
	return out
}

// ObjectsNamespace is where the preset's objects live, so where its Role
// goes in namespace scope: HedgehogNamespace for Hedgehog's kinds, and for
// the design's fabrics the setup's own namespace (by default the provider's,
// where hedgehog_fabric puts them).
func (p Preset) ObjectsNamespace(setupNamespace string) string {
	if p.OnFabrics {
		return setupNamespace
	}
	return HedgehogNamespace
}

// PresetsMarkdown is the docs' table of every preset's rules, for the
// provider's default Fabric resource.
func PresetsMarkdown(fabric schema.GroupResource) string {
	var b strings.Builder
	b.WriteString("| preset | API group | resources | verbs |\n| --- | --- | --- | --- |\n")
	code := func(s []string) string { return "`" + strings.Join(s, "`, `") + "`" }
	for _, p := range Presets {
		for i, r := range p.Rules(fabric) {
			name := ""
			if i == 0 {
				name = "`" + p.Name + "`"
			}
			fmt.Fprintf(&b, "| %s | `%s` | %s | %s |\n", name, r.APIGroups[0], code(r.Resources), code(r.Verbs))
		}
	}
	return b.String()
}
