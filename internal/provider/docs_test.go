package provider_test

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/provider"
)

// subcategories are the registry's groups of the provider's pages.
var subcategories = map[string]bool{"VPC": true, "Wiring": true, "Access": true, "Fabric design": true, "Gateway": true}

func typeNames(t *testing.T) (resources, dataSources []string) {
	t.Helper()
	ctx := context.Background()
	p := provider.New("test")()
	for _, f := range p.Resources(ctx) {
		var resp resource.MetadataResponse
		f().Metadata(ctx, resource.MetadataRequest{ProviderTypeName: "hedgehog"}, &resp)
		resources = append(resources, resp.TypeName)
	}
	for _, f := range p.DataSources(ctx) {
		var resp datasource.MetadataResponse
		f().Metadata(ctx, datasource.MetadataRequest{ProviderTypeName: "hedgehog"}, &resp)
		dataSources = append(dataSources, resp.TypeName)
	}
	return resources, dataSources
}

func repoFile(t *testing.T, path string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(acctest.Root, path))
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

var frontMatter = regexp.MustCompile(`(?s)\A---\npage_title: "([^"]*)"\nsubcategory: "([^"]*)"\n`)

// Every resource and data source has a page whose title says Hedgehog and
// whose registry subcategory is one of the provider's groups; the landing
// page names it; and it has examples: a data source an example of its own,
// a resource an example and an import block.
func TestDocsCoverEveryType(t *testing.T) {
	resources, dataSources := typeNames(t)
	index := repoFile(t, "docs/index.md")
	for _, c := range []struct {
		dir     string
		types   []string
		example []string
	}{
		{"resources", resources, []string{"resource.tf", "import-by-string-id.tf", "import.sh"}},
		{"data-sources", dataSources, []string{"data-source.tf"}},
	} {
		for _, typ := range c.types {
			page := repoFile(t, filepath.Join("docs", c.dir, strings.TrimPrefix(typ, "hedgehog_")+".md"))
			m := frontMatter.FindStringSubmatch(page)
			switch {
			case m == nil:
				t.Errorf("docs/%s page of %s: no page_title and subcategory front matter", c.dir, typ)
			case !strings.Contains(m[1], "Hedgehog"):
				t.Errorf("docs/%s page of %s: the title %q does not say Hedgehog", c.dir, typ, m[1])
			case !subcategories[m[2]]:
				t.Errorf("docs/%s page of %s: subcategory %q is not one of the provider's groups (templates/%s.md.tmpl)", c.dir,
					typ, m[2], c.dir)
			}
			if !strings.Contains(index, "`"+typ+"`") {
				t.Errorf("the landing page (templates/index.md.tmpl) does not list %s", typ)
			}
			for _, name := range c.example {
				if _, err := os.Stat(filepath.Join(acctest.Root, "examples", c.dir, typ, name)); err != nil {
					t.Errorf("%s has no examples/%s/%s/%s", typ, c.dir, typ, name)
				}
			}
		}
	}
}

// The README's first example is examples/eslag-vpc/vpc.tf, which
// TestAccExamples_apply applies: the README shows it as it is.
func TestReadmeShowsTheAppliedExample(t *testing.T) {
	example := strings.TrimSpace(repoFile(t, "examples/eslag-vpc/vpc.tf"))
	if !strings.Contains(repoFile(t, "README.md"), "```hcl\n"+example+"\n```") {
		t.Error("README.md does not show examples/eslag-vpc/vpc.tf as it is: copy the file into its first code block")
	}
}
