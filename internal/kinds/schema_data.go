package kinds

import (
	"fmt"

	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// dataSourceAttrs builds read-only data-source attributes.
func dataSourceAttrs(list []Attr) map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(list))
	for _, a := range list {
		d := a.doc()
		switch {
		case a.Type == String:
			out[a.Name] = dschema.StringAttribute{Computed: true, MarkdownDescription: d}
		case a.Type == Int64:
			out[a.Name] = dschema.Int64Attribute{Computed: true, MarkdownDescription: d}
		case a.Type == Bool:
			out[a.Name] = dschema.BoolAttribute{Computed: true, MarkdownDescription: d}
		case a.Type == FreeForm:
			out[a.Name] = dschema.DynamicAttribute{Computed: true, MarkdownDescription: d}
		case a.Type == Object:
			out[a.Name] = dschema.SingleNestedAttribute{Computed: true, MarkdownDescription: d, Attributes: dataSourceAttrs(a.Attrs)}
		case a.Type == List && a.Elem.Type == Object:
			out[a.Name] = dschema.ListNestedAttribute{Computed: true, MarkdownDescription: d,
				NestedObject: dschema.NestedAttributeObject{Attributes: dataSourceAttrs(a.Elem.Attrs)}}
		case a.Type == Set && a.Elem.Type == Object:
			out[a.Name] = dschema.SetNestedAttribute{Computed: true, MarkdownDescription: d,
				NestedObject: dschema.NestedAttributeObject{Attributes: dataSourceAttrs(a.Elem.Attrs)}}
		case a.Type == Map && a.Elem.Type == Object:
			out[a.Name] = dschema.MapNestedAttribute{Computed: true, MarkdownDescription: d,
				NestedObject: dschema.NestedAttributeObject{Attributes: dataSourceAttrs(a.Elem.Attrs)}}
		case a.Type == List:
			out[a.Name] = dschema.ListAttribute{Computed: true, MarkdownDescription: d, ElementType: a.Elem.attrType()}
		case a.Type == Set:
			out[a.Name] = dschema.SetAttribute{Computed: true, MarkdownDescription: d, ElementType: a.Elem.attrType()}
		case a.Type == Map:
			out[a.Name] = dschema.MapAttribute{Computed: true, MarkdownDescription: d, ElementType: a.Elem.attrType()}
		}
	}
	return out
}

// dataSourceSchema is the schema of the single-object data source.
func (k *Kind) dataSourceSchema() dschema.Schema {
	attrs := dataSourceAttrs(k.objectAttrs())
	attrs["name"] = dschema.StringAttribute{Required: true, Validators: k.lookupNameRules(),
		MarkdownDescription: fmt.Sprintf("The name of the %s to read.", k.Kind)}
	attrs["namespace"] = dschema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{DNSLabel()},
		MarkdownDescription: "Its namespace. Defaults to " + k.namespaceDoc() + "."}
	what := fmt.Sprintf("every attribute of the `hedgehog_%s` resource, read-only", k.TypeName)
	if k.ReadOnly {
		what = "its spec and status, read-only (these objects are owned by the Hedgehog controller)"
	}
	return dschema.Schema{
		MarkdownDescription: fmt.Sprintf("Reads one %s: %s. Fails when the object does not exist.", k.Kind, what),
		Attributes:          attrs,
	}
}

// lookupNameRules check a name to look up: only the shape of a Kubernetes
// name, never the rules for creating one.
func (k *Kind) lookupNameRules() []validator.String {
	if k.Namespace != "" {
		return []validator.String{DNSSubdomain()}
	}
	return []validator.String{DNSLabel()}
}

func (k *Kind) namespaceDoc() string {
	if k.Namespace != "" {
		return "`" + k.Namespace + "`"
	}
	return "the provider's `namespace`"
}

// metaAttrs are the metadata attributes one object has in a data source.
var metaAttrs = []Attr{
	{Name: "id", Type: String, Description: "`<namespace>/<name>`."},
	{Name: "name", Type: String, Description: "`metadata.name`."},
	{Name: "namespace", Type: String, Description: "`metadata.namespace`."},
	{Name: "labels", Type: Map, Elem: StringElem, Description: "Every label of the object."},
	{Name: "annotations", Type: Map, Elem: StringElem, Description: "Every annotation of the object."},
	{Name: "uid", Type: String, Description: "`metadata.uid`."},
	{Name: "generation", Type: Int64, Description: "`metadata.generation`."},
	{Name: "resource_version", Type: String, Description: "`metadata.resourceVersion`."},
}

// objectAttrs are the attributes one object has in a data source, in the
// order of the resource's: metadata, spec, status.
func (k *Kind) objectAttrs() []Attr {
	out := append(append([]Attr{}, metaAttrs...), k.Spec...)
	if len(k.Status) > 0 {
		out = append(out, Attr{Name: "status", Type: Object, Attrs: k.Status, Description: "What the controller last reported."})
	}
	return out
}
