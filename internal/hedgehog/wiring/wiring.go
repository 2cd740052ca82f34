// Package wiring declares the kinds of Hedgehog's wiring.githedgehog.com/
// v1beta1 API: one declaration per kind (its attributes, the webhook's
// plan-time rules in the API's own words, and the webhook's defaults).
package wiring

import (
	"context"
	"slices"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Group and Version of the API.
const (
	Group   = "wiring.githedgehog.com"
	Version = "v1beta1"
)

// Kinds are the kinds of the API, in the order that creates need.
var Kinds = []*kinds.Kind{SwitchProfile, VLANNamespace, SwitchGroup, Switch, Server, Connection}

// Labels the webhooks keep on wiring objects (list data sources and the
// stand-in select by them).
const (
	LabelConnectionType = "fabric.githedgehog.com/connection-type"
	LabelProfile        = "fabric.githedgehog.com/profile"
	LabelVPC            = "fabric.githedgehog.com/vpc"
)

// SwitchLabel, ServerLabel, SwitchGroupLabel and VLANNamespaceLabel are the
// "<prefix>/<name>: true" labels of objects that use a switch, a server, a
// switch group or a VLAN namespace.
func SwitchLabel(name string) string        { return "switch.fabric.githedgehog.com/" + name }
func ServerLabel(name string) string        { return "server.fabric.githedgehog.com/" + name }
func SwitchGroupLabel(name string) string   { return "switchgroup.fabric.githedgehog.com/" + name }
func VLANNamespaceLabel(name string) string { return "vlanns.fabric.githedgehog.com/" + name }

// switchesWhere names the switches whose spec matches.
func switchesWhere(ctx context.Context, l kinds.Lookup, match func(spec map[string]any) bool) ([]string, error) {
	switches, err := l.List(ctx, Switch)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, sw := range switches {
		spec, _ := sw.Object["spec"].(map[string]any)
		if match(spec) {
			out = append(out, sw.GetName())
		}
	}
	return out, nil
}

// containsString tells whether the list at field holds value.
func containsString(spec map[string]any, field, value string) bool {
	l, _ := meta.List(spec, field)
	return slices.Contains(meta.Strings(l), value)
}
