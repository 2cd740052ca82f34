package provider_test

import (
	"regexp"
	"strings"
	"testing"
)

// The release workflow runs the goreleaser version that make release-check
// checks .goreleaser.yml with.
func TestReleaseWorkflowUsesTheCheckedGoreleaser(t *testing.T) {
	m := regexp.MustCompile(`goreleaser\) version=(v[0-9.]+);`).FindStringSubmatch(repoFile(t, "tools/install.sh"))
	if m == nil {
		t.Fatal("tools/install.sh names no goreleaser version")
	}
	if !strings.Contains(repoFile(t, ".github/workflows/release.yml"), "version: "+m[1]+"\n") {
		t.Errorf(".github/workflows/release.yml does not run goreleaser %s, the version make release-check uses", m[1])
	}
}
