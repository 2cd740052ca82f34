package vpc

// defaultVPCPeering is the webhook's: a VPC named in a policy without its
// side ("vpc-01:", null) is stored with an empty one.
func defaultVPCPeering(spec map[string]any) {
	permit, _ := spec["permit"].([]any)
	for _, e := range permit {
		policy, _ := e.(map[string]any)
		for name, side := range policy {
			if side == nil {
				policy[name] = map[string]any{}
			}
		}
	}
}
