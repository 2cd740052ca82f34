package vpc

import (
	"strings"
	"testing"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// The name limit a kind declares (and its docs state) is the one its rules
// enforce: a name of NameMaxLength characters passes, one more is refused
// at metadata.name.
func TestNameMaxLengthIsEnforced(t *testing.T) {
	for _, k := range []*kinds.Kind{VPC, External, IPv4Namespace} {
		if k.NameMaxLength != 11 {
			t.Errorf("%s declares names of at most %d characters; Hedgehog allows 11", k.Kind, k.NameMaxLength)
		}
		nameProblem := func(name string) string {
			for _, p := range k.Check(name, map[string]any{}) {
				if len(p.Path) == 2 && p.Path[0] == "metadata" && p.Path[1] == "name" {
					return p.Message
				}
			}
			return ""
		}
		longest := strings.Repeat("a", k.NameMaxLength)
		if msg := nameProblem(longest); msg != "" {
			t.Errorf("%s: a name of %d characters is refused: %s", k.Kind, k.NameMaxLength, msg)
		}
		if msg := nameProblem(longest + "b"); !strings.Contains(msg, "is too long") {
			t.Errorf("%s: a name of %d characters is not refused (%q)", k.Kind, k.NameMaxLength+1, msg)
		}
	}
}
