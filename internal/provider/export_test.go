package provider

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/provider"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// FabricKind lets tests list the served kinds with one of their own.
var FabricKind = fabricKind

// NewForTest is New("test") with what tests swap: the clock (nil keeps
// time.Now) and, when any are given, the kinds served.
func NewForTest(now func() time.Time, served ...*kinds.Kind) func() provider.Provider {
	return func() provider.Provider {
		New("test") // silences client-go's logging, as for every provider
		p := newProvider("test", Options{})
		if now != nil {
			p.now = now
		}
		if len(served) > 0 {
			p.served, p.checked = served, served
		}
		return p
	}
}
