package wiring

import (
	"context"
	"fmt"
	"sort"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/listvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// maxVLANRanges is the CRD's bound on a namespace's ranges.
const maxVLANRanges = 20

// VLANNamespace is a set of VLAN ranges that switches and VPCs draw from.
var VLANNamespace = &kinds.Kind{
	TypeName: "vlan_namespace", ListTypeName: "vlan_namespaces",
	Group: Group, Version: Version, Kind: "VLANNamespace", Plural: "vlannamespaces", Namespace: meta.Namespace,
	ServerLabel: meta.ServerLabel,
	Description: "A Hedgehog VLAN namespace (`vlannamespaces.wiring.githedgehog.com/v1beta1`): the VLAN ranges that the switches " +
		"using it and the VPC subnets in it take their VLANs from. The ranges of the namespaces one switch uses must not " +
		"overlap, and no range may overlap the VLANs the fabric reserves (by default 3000-3899 for VPC IRB interfaces and " +
		"3900-3999 for the TH5 workaround). Hedgehog refuses to delete a namespace while switches or VPCs use it.",
	Spec: []kinds.Attr{
		{Name: "ranges", JSON: "ranges", Type: kinds.List, Required: true,
			Description: fmt.Sprintf("The VLAN ranges, 1 to %d, each inside 1..4094 and not overlapping the others. The API "+
				"server keeps them sorted by `from`; writing them in that order keeps the configuration as the server shows it.",
				maxVLANRanges),
			List: []validator.List{listvalidator.SizeBetween(1, maxVLANRanges)},
			Elem: &kinds.Attr{Type: kinds.Object, Attrs: []kinds.Attr{
				{Name: "from", JSON: "from", Type: kinds.Int64, Required: true, Description: "The first VLAN of the range, 1 to 4094.",
					Int64: []validator.Int64{int64validator.Between(1, 4094)}},
				{Name: "to", JSON: "to", Type: kinds.Int64, OmitZero: true, Computed: true,
					Description: "The last VLAN of the range, 1 to 4094 and not below `from`. Left out, the range is the one VLAN `from`.",
					Int64:       []validator.Int64{int64validator.Between(1, 4094)}},
			}}},
	},
	// Hedgehog's installer creates the namespace default (1000-2999 in the virtual lab).
	Preinstalled: []string{"default"},
	Check:        checkVLANNamespace,
	Default:      defaultVLANNamespace,
	Applied: &kinds.AppliedRule{Agents: agent.Agent, AgentMap: "vlanNamespaces",
		Description: "every switch that uses the namespace has applied it.",
		Switches: func(ctx context.Context, l kinds.Lookup, u *unstructured.Unstructured) ([]string, error) {
			return switchesWhere(ctx, l, func(spec map[string]any) bool {
				return containsString(spec, "vlanNamespaces", u.GetName())
			})
		}},
}

// VLANRange is a range of VLANs.
type VLANRange struct{ From, To int64 }

func (r VLANRange) String() string { return fmt.Sprintf("%d-%d", r.From, r.To) }

// VLANRanges reads the ranges of a spec as the API stores them (to filled
// in); ok is false when a range is not known yet or not a number.
func VLANRanges(spec map[string]any) ([]VLANRange, bool) {
	l, _ := meta.List(spec, "ranges")
	out := make([]VLANRange, 0, len(l))
	for _, e := range l {
		m, _ := e.(map[string]any)
		from, ok := meta.Int(m, "from")
		if !ok {
			return nil, false
		}
		to, ok := meta.Int(m, "to")
		if !ok {
			if v, present := m["to"]; present && v != nil {
				return nil, false // unknown or not a number
			}
		}
		if to == 0 {
			to = from
		}
		out = append(out, VLANRange{from, to})
	}
	return out, true
}

// vlanRangeProblem is the API's rule for one range (meta.NormalizedVLANRanges
// upstream), with the field it is about.
func vlanRangeProblem(idx int, r VLANRange) (string, string, bool) {
	switch {
	case r.From > r.To:
		return fmt.Sprintf("invalid range %d: from > to", idx), "to", true
	case r.From < 1 || r.From > 4094:
		return fmt.Sprintf("invalid range %d: from < 1 || from > 4094", idx), "from", true
	case r.To < 1 || r.To > 4094:
		return fmt.Sprintf("invalid range %d: to < 1 || to > 4094", idx), "to", true
	}
	return "", "", false
}

// SortVLANRanges orders ranges by from, then to, as the API does.
func SortVLANRanges(ranges []VLANRange) {
	sort.SliceStable(ranges, func(i, j int) bool {
		if ranges[i].From == ranges[j].From {
			return ranges[i].To < ranges[j].To
		}
		return ranges[i].From < ranges[j].From
	})
}

// VLANOverlap finds the first two overlapping ranges once sorted, and says
// so in the API's words.
func VLANOverlap(ranges []VLANRange) (string, bool) {
	sorted := append([]VLANRange{}, ranges...)
	SortVLANRanges(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i-1].To >= sorted[i].From {
			return fmt.Sprintf("VLAN ranges overlap: %s and %s", sorted[i-1], sorted[i]), true
		}
	}
	return "", false
}

func checkVLANNamespace(_ string, spec map[string]any) []kinds.Problem {
	ranges, ok := VLANRanges(spec)
	if !ok {
		return nil
	}
	var out []kinds.Problem
	for i, r := range ranges {
		if msg, field, bad := vlanRangeProblem(i, r); bad {
			// The API accepts such a namespace without any of its ranges.
			p := meta.Problem("invalid ranges: "+msg, "ranges", i, field)
			p.PlanOnly = true
			out = append(out, p)
		}
	}
	if len(out) > 0 {
		return out
	}
	// Upstream checks the namespace's own ranges together with the fabric's
	// reserved ones, hence its words.
	if msg, overlap := VLANOverlap(ranges); overlap {
		out = append(out, meta.Problem("ranges overlap with Fabric reserved VLANs: "+msg, "ranges"))
	}
	return out
}

// defaultVLANNamespace is the webhook's: every range gets its `to`, and the
// ranges are sorted; when any range is invalid the webhook drops them all
// (and the object is accepted without ranges).
func defaultVLANNamespace(spec map[string]any) {
	l, ok := spec["ranges"].([]any)
	if !ok {
		return
	}
	type item struct {
		r VLANRange
		m map[string]any
	}
	items := make([]item, 0, len(l))
	for i, e := range l {
		m, isMap := e.(map[string]any)
		if !isMap {
			return
		}
		from, fromOK := meta.Int(m, "from")
		to, _ := meta.Int(m, "to")
		if !fromOK || m["to"] == kinds.Unknown {
			return // not known yet (plan time): leave it as it is
		}
		if to == 0 {
			to = from
			m["to"] = to
		}
		r := VLANRange{from, to}
		if _, _, bad := vlanRangeProblem(i, r); bad {
			delete(spec, "ranges")
			return
		}
		items = append(items, item{r, m})
	}
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].r.From == items[j].r.From {
			return items[i].r.To < items[j].r.To
		}
		return items[i].r.From < items[j].r.From
	})
	for i, it := range items {
		l[i] = it.m
	}
}
