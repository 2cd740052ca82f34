package kinds

import (
	"fmt"

	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// DefaultTimeout applies to create, update and delete unless timeouts say
// otherwise.
const DefaultTimeout = "10m"

func (k *Kind) resourceSchema() rschema.Schema {
	attrs := map[string]rschema.Attribute{
		"id": rschema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The object's address, `<namespace>/<name>`; the import ID.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"name": rschema.StringAttribute{
			Required: true,
			MarkdownDescription: fmt.Sprintf("The %s's name (`metadata.name`%s): an RFC 1123 label — at most 63 lower-case letters, "+
				"digits and `-`, starting and ending with a letter or digit. Changing it replaces the object.", k.Kind, k.nameInSpecDoc()),
			Validators:    []validator.String{DNSLabel()},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"namespace": rschema.StringAttribute{
			Optional: true,
			Computed: true,
			MarkdownDescription: "The namespace of the object. Defaults to the provider's `namespace` (`hedgehog-system` unless " +
				"configured). Must be an RFC 1123 label. Changing it replaces the object.",
			Validators: []validator.String{DNSLabel()},
		},
		"labels": rschema.MapAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Labels to set on the object. Only the keys written here are managed: labels that others add never " +
				"show as a difference. Keys and values follow the Kubernetes rules for labels.",
			Validators: []validator.Map{Labels()},
		},
		"annotations": rschema.MapAttribute{
			Optional:    true,
			ElementType: types.StringType,
			MarkdownDescription: "Annotations to set on the object. Only the keys written here are managed: annotations that others " +
				"add never show as a difference. Keys follow the Kubernetes rules for annotation keys.",
			Validators: []validator.Map{Annotations()},
		},
		"uid": rschema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The object's UID, given by the API server.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"generation": rschema.Int64Attribute{
			Computed:            true,
			MarkdownDescription: "`metadata.generation`: the API server raises it on every change of the spec.",
		},
		"resource_version": rschema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "`metadata.resourceVersion` as of the last read or write.",
		},
		"force_conflicts": rschema.BoolAttribute{
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(false),
			MarkdownDescription: "Take over fields that another server-side apply manager owns instead of failing with a conflict. " +
				"Fields changed by imperative edits (`kubectl edit`, `kubectl patch`) are drift and are always set back. Default `false`.",
		},
		"timeouts": rschema.SingleNestedAttribute{
			Optional:            true,
			MarkdownDescription: "How long operations may take, each as a duration such as `30s` or `5m`.",
			Attributes: map[string]rschema.Attribute{
				"create": rschema.StringAttribute{Optional: true, Validators: []validator.String{Duration()},
					MarkdownDescription: "Create, including the wait for readiness. Default `" + DefaultTimeout + "`."},
				"update": rschema.StringAttribute{Optional: true, Validators: []validator.String{Duration()},
					MarkdownDescription: "Update, including the wait for readiness. Default `" + DefaultTimeout + "`."},
				"delete": rschema.StringAttribute{Optional: true, Validators: []validator.String{Duration()},
					MarkdownDescription: "Delete, until the object is gone (finalizers included). Default `" + DefaultTimeout + "`."},
			},
		},
		"status": rschema.SingleNestedAttribute{
			Computed:            true,
			MarkdownDescription: "What the controller last reported (read-only).",
			Attributes:          resourceAttrs(k.Status, true),
		},
	}
	if k.Ready != nil {
		attrs["wait_for_ready"] = rschema.BoolAttribute{
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(false),
			MarkdownDescription: "Wait on create and update until " + k.ReadyDescription + " The wait watches the object " +
				"(no polling) and is bounded by `timeouts`. Default `false`.",
		}
	}
	for name, a := range resourceAttrs(k.Spec, false) {
		attrs[name] = a
	}
	return rschema.Schema{
		MarkdownDescription: k.Description,
		Attributes:          attrs,
	}
}

func (k *Kind) nameInSpecDoc() string {
	if k.NameInSpec == "" {
		return ""
	}
	return " and `spec." + k.NameInSpec + "`"
}

// resourceAttrs builds resource schema attributes; computed makes them all
// read-only.
func resourceAttrs(list []Attr, computed bool) map[string]rschema.Attribute {
	out := make(map[string]rschema.Attribute, len(list))
	for _, a := range list {
		required := a.Required && !computed
		optional := !a.Required && !computed
		hasDefault := a.Default != nil && !computed
		switch a.Type {
		case String:
			s := rschema.StringAttribute{Required: required, Optional: optional, Computed: computed || hasDefault,
				MarkdownDescription: a.Description, Validators: a.String}
			if d, ok := a.Default.(string); ok && hasDefault {
				s.Default = stringdefault.StaticString(d)
			}
			out[a.Name] = s
		case Int64:
			s := rschema.Int64Attribute{Required: required, Optional: optional, Computed: computed || hasDefault,
				MarkdownDescription: a.Description, Validators: a.Int64}
			if d, ok := a.Default.(int64); ok && hasDefault {
				s.Default = int64default.StaticInt64(d)
			}
			out[a.Name] = s
		case Bool:
			s := rschema.BoolAttribute{Required: required, Optional: optional, Computed: computed || hasDefault,
				MarkdownDescription: a.Description}
			if d, ok := a.Default.(bool); ok && hasDefault {
				s.Default = booldefault.StaticBool(d)
			}
			out[a.Name] = s
		case FreeForm:
			out[a.Name] = rschema.DynamicAttribute{Required: required, Optional: optional, Computed: computed,
				MarkdownDescription: a.Description}
		case StringMap:
			out[a.Name] = rschema.MapAttribute{Required: required, Optional: optional, Computed: computed,
				ElementType: types.StringType, MarkdownDescription: a.Description, Validators: a.Map}
		case Object:
			out[a.Name] = rschema.SingleNestedAttribute{Required: required, Optional: optional, Computed: computed,
				MarkdownDescription: a.Description, Attributes: resourceAttrs(a.Attrs, computed)}
		case List:
			out[a.Name] = rschema.ListNestedAttribute{Required: required, Optional: optional, Computed: computed,
				MarkdownDescription: a.Description,
				NestedObject:        rschema.NestedAttributeObject{Attributes: resourceAttrs(a.Elem.Attrs, computed)}}
		case Map:
			out[a.Name] = rschema.MapNestedAttribute{Required: required, Optional: optional, Computed: computed,
				MarkdownDescription: a.Description,
				NestedObject:        rschema.NestedAttributeObject{Attributes: resourceAttrs(a.Elem.Attrs, computed)}}
		}
	}
	return out
}

// dataSourceAttrs builds read-only data-source attributes.
func dataSourceAttrs(list []Attr) map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(list))
	for _, a := range list {
		d := a.Description
		switch a.Type {
		case String:
			out[a.Name] = dschema.StringAttribute{Computed: true, MarkdownDescription: d}
		case Int64:
			out[a.Name] = dschema.Int64Attribute{Computed: true, MarkdownDescription: d}
		case Bool:
			out[a.Name] = dschema.BoolAttribute{Computed: true, MarkdownDescription: d}
		case FreeForm:
			out[a.Name] = dschema.DynamicAttribute{Computed: true, MarkdownDescription: d}
		case StringMap:
			out[a.Name] = dschema.MapAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: d}
		case Object:
			out[a.Name] = dschema.SingleNestedAttribute{Computed: true, MarkdownDescription: d, Attributes: dataSourceAttrs(a.Attrs)}
		case List:
			out[a.Name] = dschema.ListNestedAttribute{Computed: true, MarkdownDescription: d,
				NestedObject: dschema.NestedAttributeObject{Attributes: dataSourceAttrs(a.Elem.Attrs)}}
		case Map:
			out[a.Name] = dschema.MapNestedAttribute{Computed: true, MarkdownDescription: d,
				NestedObject: dschema.NestedAttributeObject{Attributes: dataSourceAttrs(a.Elem.Attrs)}}
		}
	}
	return out
}

// dataSourceSchema is the schema of the single-object data source.
func (k *Kind) dataSourceSchema() dschema.Schema {
	attrs := dataSourceAttrs(k.objectAttrs())
	attrs["name"] = dschema.StringAttribute{Required: true, Validators: []validator.String{DNSLabel()},
		MarkdownDescription: fmt.Sprintf("The name of the %s to read.", k.Kind)}
	attrs["namespace"] = dschema.StringAttribute{Optional: true, Computed: true, Validators: []validator.String{DNSLabel()},
		MarkdownDescription: "Its namespace. Defaults to the provider's `namespace`."}
	return dschema.Schema{
		MarkdownDescription: fmt.Sprintf("Reads one %s: every attribute of the `hedgehog_%s` resource, read-only. "+
			"Fails when the object does not exist.", k.Kind, k.TypeName),
		Attributes: attrs,
	}
}

// objectAttrs are the attributes one object has in a data source, in the
// order of the resource's: metadata, spec, status.
func (k *Kind) objectAttrs() []Attr {
	meta := []Attr{
		{Name: "id", Type: String, Description: "`<namespace>/<name>`."},
		{Name: "name", Type: String, Description: "`metadata.name`."},
		{Name: "namespace", Type: String, Description: "`metadata.namespace`."},
		{Name: "labels", Type: StringMap, Description: "Every label of the object."},
		{Name: "annotations", Type: StringMap, Description: "Every annotation of the object."},
		{Name: "uid", Type: String, Description: "`metadata.uid`."},
		{Name: "generation", Type: Int64, Description: "`metadata.generation`."},
		{Name: "resource_version", Type: String, Description: "`metadata.resourceVersion`."},
	}
	out := append(meta, k.Spec...)
	return append(out, Attr{Name: "status", Type: Object, Attrs: k.Status,
		Description: "What the controller last reported."})
}
