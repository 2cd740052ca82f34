package fabricsim

import (
	"errors"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// TEMPORARY (issue 25): these bridges hand the provider's own defaults and
// rules to the stand-in until each behaviour has its own, written from
// Hedgehog's facts. Delete this file when no behaviour uses it.

func declaredDefault(k *kinds.Kind) func(map[string]any) { return k.Default }

func declaredValidate(k *kinds.Kind) func(string, map[string]any) error {
	if k.Check == nil {
		return nil
	}
	return func(name string, spec map[string]any) error {
		for _, p := range k.Check(name, spec) {
			if !p.PlanOnly && !p.Warning { // rules the provider adds at plan time, beyond the API's; warnings
				return errors.New(p.Message)
			}
		}
		return nil
	}
}
