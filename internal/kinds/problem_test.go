package kinds

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// What the API accepts with a warning is a warning at plan, at its
// attribute, in the API's words; the rest are errors.
func TestReportWarnsAndRefuses(t *testing.T) {
	k := &Kind{Kind: "Box", Spec: []Attr{{Name: "old_way", JSON: "oldWay", Type: String}, {Name: "size", JSON: "size", Type: Int64}}}
	var diags diag.Diagnostics
	k.report([]Problem{
		{Path: []any{"oldWay"}, Message: "the old way is deprecated", Warning: true},
		{Path: []any{"size"}, Message: "size must be positive"},
	}, &diags)
	if len(diags) != 2 || diags.WarningsCount() != 1 || diags.ErrorsCount() != 1 {
		t.Fatalf("got %v", diags)
	}
	w, e := diags.Warnings()[0], diags.Errors()[0]
	if w.Summary() != "Box Accepted With A Warning" ||
		w.Detail() != "Attribute old_way: the API accepts this, with a warning: the old way is deprecated." {
		t.Errorf("warning: %q: %q", w.Summary(), w.Detail())
	}
	if at, ok := w.(diag.DiagnosticWithPath); !ok || !at.Path().Equal(path.Root("old_way")) {
		t.Errorf("the warning is not at old_way: %v", w)
	}
	if e.Summary() != "Invalid Box" || e.Detail() != "Attribute size: size must be positive." {
		t.Errorf("error: %q: %q", e.Summary(), e.Detail())
	}
}
