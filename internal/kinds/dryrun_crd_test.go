package kinds

import (
	"reflect"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestNewerFieldsAndServed(t *testing.T) {
	sub := Attr{Type: Object, Attrs: []Attr{
		{Name: "subnet", JSON: "subnet", Type: String},
		{Name: "min", JSON: "minLen", Type: Int64, Since: "v2.0.0"},
	}}
	attrs := []Attr{
		{Name: "locators", JSON: "portLocators", Type: Map, Elem: StringElem, Since: "v2.0.0"},
		{Name: "subnets", JSON: "subnets", Type: Map, Elem: &sub},
	}
	subType := sub.tfType()
	values := map[string]tftypes.Value{
		"locators": tftypes.NewValue(tftypes.Map{ElementType: tftypes.String}, nil),
		"subnets": tftypes.NewValue(tftypes.Map{ElementType: subType}, map[string]tftypes.Value{
			"web": tftypes.NewValue(subType, map[string]tftypes.Value{
				"subnet": tftypes.NewValue(tftypes.String, "10.0.1.0/24"),
				"min":    tftypes.NewValue(tftypes.Number, tftypes.UnknownValue),
			}),
		}),
	}
	got := newerFields(attrs, values, "spec", []string{"spec"})
	want := []newerField{{field: "spec.subnets.web.minLen", schema: []string{"spec", "subnets", "*", "minLen"}, known: false}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("newer fields: got %#v, want %#v (a null attribute is not set)", got, want)
	}
	old := map[string]any{"properties": map[string]any{"spec": map[string]any{"properties": map[string]any{
		"subnets": map[string]any{"additionalProperties": map[string]any{"properties": map[string]any{
			"subnet": map[string]any{"type": "string"}}}}}}}}
	if served(old, want[0].schema) {
		t.Error("an older schema without minLen serves it")
	}
	if !served(old, []string{"spec", "subnets", "*", "subnet"}) {
		t.Error("the schema does not serve a field it declares")
	}
	keep := map[string]any{"properties": map[string]any{"spec": map[string]any{"x-kubernetes-preserve-unknown-fields": true}}}
	if !served(keep, want[0].schema) {
		t.Error("a schema that keeps unknown fields refuses one")
	}
}
