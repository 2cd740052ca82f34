package vpc

import (
	"regexp"
	"strconv"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
)

// Where the webhook's refusals of VPCs and attachments point (kinds.Kind
// Locate): its messages name a subnet by its key, its prefix or its VLAN, a
// permit policy or a static route by number.
var (
	vpcSubnetNamed   = regexp.MustCompile(`(?:^|: )(?:vpc )?subnet (\S+?):? `)
	vpcSubnetPrefix  = regexp.MustCompile(`subnet (\S+/\d+) overlaps`)
	vpcVLANUsed      = regexp.MustCompile(`vlan (\d+) is already used`)
	vpcPermit        = regexp.MustCompile(`permit policy #(\d+)`)
	vpcStaticRoute   = regexp.MustCompile(`static route #(\d+)`)
	attachmentSubnet = regexp.MustCompile(`^(?:.*: )?(?:vpc \S+ not found|subnet \S+ not found in vpc)`)
	attachmentConn   = regexp.MustCompile(`connection \S+ (?:not found|already attached|has no switch)`)
)

func locateVPC(message string, spec map[string]any) []any {
	subnets, _ := meta.Map(spec, "subnets")
	find := func(field string, match func(any) bool) []any {
		for key, s := range subnets {
			if m, ok := s.(map[string]any); ok && match(m[field]) {
				return []any{"subnets", key, field}
			}
		}
		return nil
	}
	if m := vpcSubnetPrefix.FindStringSubmatch(message); m != nil {
		return find("subnet", func(v any) bool { return v == m[1] })
	}
	if m := vpcVLANUsed.FindStringSubmatch(message); m != nil {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		return find("vlan", func(v any) bool { i, ok := v.(int64); return ok && i == n })
	}
	if m := vpcPermit.FindStringSubmatch(message); m != nil {
		n, _ := strconv.Atoi(m[1])
		return []any{"permit", n}
	}
	if m := vpcStaticRoute.FindStringSubmatch(message); m != nil {
		n, _ := strconv.Atoi(m[1])
		return []any{"staticRoutes", n}
	}
	if m := vpcSubnetNamed.FindStringSubmatch(message); m != nil {
		if _, ok := subnets[m[1]]; ok {
			return []any{"subnets", m[1]}
		}
	}
	return nil
}

func locateVPCAttachment(message string, _ map[string]any) []any {
	switch {
	case attachmentSubnet.MatchString(message):
		return []any{"subnet"}
	case attachmentConn.MatchString(message):
		return []any{"connection"}
	}
	return nil
}
