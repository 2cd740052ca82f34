package vpc

import (
	"context"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// vpcSwitches names the switches a VPC is attached through: an external
// peering is applied on them as well as on the External's switches.
func vpcSwitches(ctx context.Context, l kinds.Lookup, name string) ([]string, error) {
	return AttachedSwitches(ctx, l, name)
}
