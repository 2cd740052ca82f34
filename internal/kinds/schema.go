package kinds

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/boolplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/objectplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// DefaultTimeout applies to create, update and delete unless timeouts say
// otherwise.
const DefaultTimeout = "10m"

func (k *Kind) resourceSchema() rschema.Schema {
	namespaceDoc := "The namespace of the object. Defaults to the provider's `namespace` (`hedgehog-system` unless " +
		"configured). Must be an RFC 1123 label. Changing it replaces the object."
	namespaceRules := []validator.String{DNSLabel()}
	if k.Namespace != "" {
		namespaceDoc = fmt.Sprintf("The namespace of the object: always `%s`, the only namespace the %s API accepts.", k.Namespace, k.Kind)
		namespaceRules = []validator.String{stringvalidator.OneOf(k.Namespace)}
	}
	attrs := map[string]rschema.Attribute{
		"id": rschema.StringAttribute{
			Computed:            true,
			MarkdownDescription: "The object's address, `<namespace>/<name>`; the import ID.",
			PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
		},
		"name": rschema.StringAttribute{
			Required:            true,
			MarkdownDescription: k.nameDoc(),
			Validators:          k.nameRules(),
			PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"namespace": rschema.StringAttribute{
			Optional:            true,
			Computed:            true,
			MarkdownDescription: namespaceDoc,
			Validators:          namespaceRules,
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
		"timeouts": timeoutsAttribute(),
	}
	if len(k.Status) > 0 {
		attrs["status"] = rschema.SingleNestedAttribute{
			Computed:            true,
			MarkdownDescription: "What the controller last reported (read-only).",
			Attributes:          resourceAttrs(k.Status, true),
		}
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
	if k.Applied != nil {
		attrs["wait_for_applied"] = rschema.BoolAttribute{
			Optional: true,
			Computed: true,
			Default:  booldefault.StaticBool(false),
			MarkdownDescription: "Wait on create, update and delete until " + k.Applied.Description + " The wait watches the " +
				"Agent objects (no polling) and is bounded by `timeouts`; when it runs out, the error lists the switches still " +
				"pending with their last heartbeat. Default `false`.",
		}
	}
	for name, a := range resourceAttrs(k.Spec, false) {
		attrs[name] = a
	}
	return rschema.Schema{MarkdownDescription: k.Description, Attributes: attrs}
}

// timeoutsAttribute is the `timeouts` attribute of terraform-plugin-framework-
// timeouts, with plan-time checks of each duration.
func timeoutsAttribute() rschema.Attribute {
	a, _ := timeouts.Attributes(context.Background(), timeouts.Opts{Create: true, Update: true, Delete: true}).(rschema.SingleNestedAttribute)
	a.MarkdownDescription = "How long operations may take, each as a duration such as `30s` or `5m`."
	for op, doc := range map[string]string{
		"create": "Create, including the waits. Default `" + DefaultTimeout + "`.",
		"update": "Update, including the waits. Default `" + DefaultTimeout + "`.",
		"delete": "Delete, until the object is gone (finalizers included). Default `" + DefaultTimeout + "`.",
	} {
		s, _ := a.Attributes[op].(rschema.StringAttribute)
		s.MarkdownDescription, s.Description = doc, ""
		s.Validators = []validator.String{Duration()}
		a.Attributes[op] = s
	}
	return a
}

func (k *Kind) nameDoc() string {
	rule := "an RFC 1123 label — at most 63 lower-case letters, digits and `-`, starting and ending with a letter or digit"
	if k.Namespace != "" {
		rule = "an RFC 1123 subdomain — at most 253 lower-case letters, digits, `-` and `.`, starting and ending with a " +
			"letter or digit"
	}
	for _, v := range k.NameRules {
		rule += "; it " + v.MarkdownDescription(context.Background())
	}
	inSpec := ""
	if k.NameInSpec != "" {
		inSpec = " and `spec." + k.NameInSpec + "`"
	}
	return fmt.Sprintf("The %s's name (`metadata.name`%s): %s. Changing it replaces the object.", k.Kind, inSpec, rule)
}

func (k *Kind) nameRules() []validator.String {
	first := DNSLabel()
	if k.Namespace != "" {
		first = DNSSubdomain()
	}
	return append([]validator.String{first}, k.NameRules...)
}

// resourceAttrs builds resource schema attributes; computed makes them all
// read-only.
func resourceAttrs(list []Attr, computed bool) map[string]rschema.Attribute {
	out := make(map[string]rschema.Attribute, len(list))
	for _, a := range list {
		required := a.Required && !computed
		optional := !a.Required && !computed
		isComputed := computed || (a.Default != nil || a.Computed) && !required
		d := a.Description
		switch a.Type {
		case String:
			s := rschema.StringAttribute{Required: required, Optional: optional, Computed: isComputed,
				MarkdownDescription: d, Validators: a.String}
			if v, ok := a.Default.(string); ok && !computed {
				s.Default = stringdefault.StaticString(v)
			}
			if a.Immutable && !computed {
				s.PlanModifiers = []planmodifier.String{stringplanmodifier.RequiresReplace()}
			}
			out[a.Name] = s
		case Int64:
			s := rschema.Int64Attribute{Required: required, Optional: optional, Computed: isComputed,
				MarkdownDescription: d, Validators: a.Int64}
			if v, ok := a.Default.(int64); ok && !computed {
				s.Default = int64default.StaticInt64(v)
			}
			if a.Immutable && !computed {
				s.PlanModifiers = []planmodifier.Int64{int64planmodifier.RequiresReplace()}
			}
			out[a.Name] = s
		case Bool:
			s := rschema.BoolAttribute{Required: required, Optional: optional, Computed: isComputed, MarkdownDescription: d}
			if v, ok := a.Default.(bool); ok && !computed {
				s.Default = booldefault.StaticBool(v)
			}
			if a.Immutable && !computed {
				s.PlanModifiers = []planmodifier.Bool{boolplanmodifier.RequiresReplace()}
			}
			out[a.Name] = s
		case FreeForm:
			out[a.Name] = rschema.DynamicAttribute{Required: required, Optional: optional, Computed: isComputed,
				MarkdownDescription: d}
		case Object:
			s := rschema.SingleNestedAttribute{Required: required, Optional: optional, Computed: isComputed,
				MarkdownDescription: d, Attributes: resourceAttrs(a.Attrs, computed), Validators: a.Object}
			if a.Immutable && !computed {
				s.PlanModifiers = []planmodifier.Object{objectplanmodifier.RequiresReplace()}
			}
			out[a.Name] = s
		case List:
			if a.Elem.Type == Object {
				s := rschema.ListNestedAttribute{Required: required, Optional: optional, Computed: isComputed,
					MarkdownDescription: d, Validators: a.List,
					NestedObject: rschema.NestedAttributeObject{Attributes: resourceAttrs(a.Elem.Attrs, computed)}}
				if a.Immutable && !computed {
					s.PlanModifiers = []planmodifier.List{listplanmodifier.RequiresReplace()}
				}
				out[a.Name] = s
				continue
			}
			s := rschema.ListAttribute{Required: required, Optional: optional, Computed: isComputed,
				MarkdownDescription: d, Validators: a.List, ElementType: a.Elem.attrType()}
			if a.Immutable && !computed {
				s.PlanModifiers = []planmodifier.List{listplanmodifier.RequiresReplace()}
			}
			out[a.Name] = s
		case Set:
			if a.Elem.Type == Object {
				out[a.Name] = rschema.SetNestedAttribute{Required: required, Optional: optional, Computed: isComputed,
					MarkdownDescription: d, Validators: a.Set,
					NestedObject: rschema.NestedAttributeObject{Attributes: resourceAttrs(a.Elem.Attrs, computed)}}
				continue
			}
			s := rschema.SetAttribute{Required: required, Optional: optional, Computed: isComputed,
				MarkdownDescription: d, Validators: a.Set, ElementType: a.Elem.attrType()}
			if a.Immutable && !computed {
				s.PlanModifiers = []planmodifier.Set{setplanmodifier.RequiresReplace()}
			}
			out[a.Name] = s
		case Map:
			if a.Elem.Type == Object {
				out[a.Name] = rschema.MapNestedAttribute{Required: required, Optional: optional, Computed: isComputed,
					MarkdownDescription: d, Validators: a.Map,
					NestedObject: rschema.NestedAttributeObject{Attributes: resourceAttrs(a.Elem.Attrs, computed)}}
				continue
			}
			s := rschema.MapAttribute{Required: required, Optional: optional, Computed: isComputed,
				MarkdownDescription: d, Validators: a.Map, ElementType: a.Elem.attrType()}
			if a.Immutable && !computed {
				s.PlanModifiers = []planmodifier.Map{mapplanmodifier.RequiresReplace()}
			}
			out[a.Name] = s
		}
	}
	return out
}

// attrType is the framework type of an element.
func (a Attr) attrType() attr.Type {
	switch a.Type {
	case String:
		return types.StringType
	case Int64:
		return types.Int64Type
	case Bool:
		return types.BoolType
	case FreeForm:
		return types.DynamicType
	case List:
		return types.ListType{ElemType: a.Elem.attrType()}
	case Set:
		return types.SetType{ElemType: a.Elem.attrType()}
	case Map:
		return types.MapType{ElemType: a.Elem.attrType()}
	case Object:
		t := make(map[string]attr.Type, len(a.Attrs))
		for _, sub := range a.Attrs {
			t[sub.Name] = sub.attrType()
		}
		return types.ObjectType{AttrTypes: t}
	}
	panic(fmt.Sprintf("kinds: attribute %s has no type", a.Name))
}

// dataSourceAttrs builds read-only data-source attributes.
func dataSourceAttrs(list []Attr) map[string]dschema.Attribute {
	out := make(map[string]dschema.Attribute, len(list))
	for _, a := range list {
		d := a.Description
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
