package kinds

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
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
		if k.NamespaceMessage != "" {
			namespaceRules = []validator.String{onlyNamespace{k.Namespace, k.NamespaceMessage}}
		}
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
				"pending with their last heartbeat. It fails at once when a switch's agent fails to apply the change, or when " +
				"a switch's Agent disappears. Default `false`.",
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
		limit := "253 characters"
		if k.NameMaxLength > 0 {
			limit = fmt.Sprintf("%d characters (the %s API's limit)", k.NameMaxLength, k.Kind)
		}
		rule = "an RFC 1123 subdomain of at most " + limit + ": lower-case letters, digits, `-` and `.`, starting and " +
			"ending with a letter or digit"
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
		d := a.doc()
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
