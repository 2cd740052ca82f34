package vpc

import "github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"

// defaultIPv4Namespace is the webhook's: the subnets are kept sorted (once
// all of them are known), as written.
func defaultIPv4Namespace(spec map[string]any) {
	if l, ok := meta.List(spec, "subnets"); ok && meta.Known(l) {
		sortKnownStrings(l)
	}
}
