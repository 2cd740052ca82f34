package vpc

import (
	"reflect"
	"testing"
)

func TestLocate_webhookMessagesPointAtTheirAttribute(t *testing.T) {
	spec := map[string]any{"subnets": map[string]any{
		"default": map[string]any{"subnet": "10.0.1.0/24", "vlan": int64(1001)},
		"web":     map[string]any{"subnet": "10.0.2.0/24", "vlan": int64(1002)},
	}}
	for _, c := range []struct {
		message string
		want    []any
	}{
		{"failed to validate vpc: subnet 10.0.2.0/24 overlaps with subnet 10.0.0.0/16 of VPC other", []any{"subnets", "web", "subnet"}},
		{"failed to validate vpc: vlan 1002 is already used by other VPC", []any{"subnets", "web", "vlan"}},
		{"failed to validate vpc: subnet web: subnet 10.0.2.0/24 is reserved", []any{"subnets", "web"}},
		{"failed to validate vpc: vpc subnet default (10.0.1.0/24) vlan 100 doesn't belong to the VLANNamespace default", []any{"subnets", "default"}},
		{"failed to validate vpc: permit policy #1: subnet nonexistent not found", []any{"permit", 1}},
		{"failed to validate vpc: static route #0: at least one next hop is required", []any{"staticRoutes", 0}},
		{"failed to validate vpc: subnet nope: vlan is required", nil},
		{"failed to validate vpc: duplicate subnet VLANs", nil},
	} {
		if got := locateVPC(c.message, spec); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%q: got %v, want %v", c.message, got, c.want)
		}
	}
	for message, want := range map[string][]any{
		"failed to validate vpc attachment: connection srv-01--unbundled--leaf-01 not found": {"connection"},
		"failed to validate vpc attachment: vpc vpc-9 not found":                             {"subnet"},
		"failed to validate vpc attachment: subnet s9 not found in vpc vpc-1":                {"subnet"},
		"failed to validate vpc attachment: something else":                                  nil,
	} {
		if got := locateVPCAttachment(message, nil); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: got %v, want %v", message, got, want)
		}
	}
}
