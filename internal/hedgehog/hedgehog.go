// Package hedgehog lists the kinds of the real Hedgehog API that the
// provider serves (declared in its subpackages).
package hedgehog

import (
	"slices"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/agent"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// Kinds are the Hedgehog kinds, in the order that creates need.
func Kinds() []*kinds.Kind {
	return slices.Concat(wiring.Kinds, vpc.Kinds, gateway.Kinds, []*kinds.Kind{agent.Agent})
}
