// Package kinds is the engine under the provider's custom-resource types: a
// kind is declared once (its attributes, their JSON names, its plan-time rules
// and the server's defaults), and the engine derives the resource and
// data-source schemas, converts between Terraform values and Kubernetes
// objects, and does the create (never onto an existing object), read (only
// what the configuration manages is drift), update (server-side apply),
// delete, the waits and the imports.
//
// This file holds the declaration vocabulary (Kind, Attr and their rules),
// which is why it is longer than most.
package kinds

import (
	"context"
	"fmt"
	"sync"
	"time"

	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"github.com/hashicorp/terraform-plugin-log/tflog"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// Type is the type of an attribute.
type Type int

// Attribute types. FreeForm is an object the user writes in HCL with any
// content (a Terraform dynamic value). List, Set and Map hold Elem; Object
// holds Attrs. Elements may be of any type, so lists of lists and lists of
// maps of objects are declared the same way as lists of strings.
const (
	String Type = iota
	Int64
	Bool
	FreeForm
	List
	Set
	Map
	Object
)

// Attr declares one attribute and the JSON field it maps to.
type Attr struct {
	Name  string // Terraform attribute name (snake_case)
	JSON  string // JSON field name in the object (camelCase)
	Type  Type
	Elem  *Attr  // element of a List, Set or Map
	Attrs []Attr // attributes of an Object

	Required bool
	// Computed marks a value the server fills in when the configuration
	// leaves it out (an admission webhook's or a controller's default):
	// optional, read back after apply, never a difference while unset.
	Computed bool
	// Immutable: a change replaces the object.
	Immutable bool
	// OmitZero: the API drops the field when it holds false or 0 (a Go
	// field with omitempty that is not a pointer), so false or 0 and
	// absent are the same.
	OmitZero bool
	Default  any // int64, bool or string: optional with this default
	// Ref, on a string attribute (or a list or set of strings, or a map:
	// its keys), says that its value names an object of another kind: the
	// configuration generator writes a reference to that object's
	// resource, so that Terraform orders creates and deletes.
	Ref *Ref
	// Description says what the attribute is, its default and its rules.
	Description string
	// Since is the Hedgehog fabric release that introduced the field (such
	// as v0.129.0), when it is newer than the oldest release the provider
	// supports: older fabrics' CRDs do not have it. The docs say so, and a
	// plan that sets it against such a CRD fails naming the release.
	Since  string
	String []validator.String
	Int64  []validator.Int64
	List   []validator.List
	Set    []validator.Set
	Map    []validator.Map
	Object []validator.Object
}

// Ref names the kind an attribute refers to.
type Ref struct {
	Kind string // the Kubernetes kind, such as Switch
	// Device: the value is "<name>/<rest>" (a port such as leaf-01/E1/1),
	// and only the part before the first "/" names the object.
	Device bool
	// Prefixes: a value that starts with one of these keys names an object
	// of the kind it maps to by the rest of the value (a gateway peering's
	// side "ext.<name>" names an External); other values name a Kind.
	Prefixes map[string]string
}

// StringElem, BoolElem and Int64Elem are element declarations for lists,
// sets and maps of primitives.
var (
	StringElem = &Attr{Type: String}
	BoolElem   = &Attr{Type: Bool}
	Int64Elem  = &Attr{Type: Int64}
)

// Kind declares a namespaced custom resource kind.
type Kind struct {
	TypeName     string // Terraform type suffix: hedgehog_<TypeName>
	ListTypeName string // the list data source's suffix; none when empty
	// Group and Version of the API; empty means the provider's configured
	// fabric_api_group and fabric_api_version.
	Group, Version string
	Kind           string // Kubernetes kind, e.g. VPC
	Plural         string // resource plural, e.g. vpcs
	Description    string // what one object is, for the docs
	// Namespace, when set, is the only namespace the API accepts for this
	// kind; otherwise objects go in the provider's namespace.
	Namespace string
	// NamespaceMessage is the API's own refusal of another namespace.
	NamespaceMessage string
	// NameRules are more plan-time rules for the object's name.
	NameRules []validator.String
	// NameMaxLength, when set, is the API's own bound on the name's length
	// (shorter than Kubernetes' 253): the name's description states it. The
	// kind's Check refuses a longer name, in the API's words.
	NameMaxLength int
	// ServerLabel, when set, tells label and annotation keys that the
	// server removes and computes itself: the configuration may not set
	// them, and they are never read into the state.
	ServerLabel func(key string) bool
	// ListFilters are more arguments of the list data source, each a label
	// that the API server keeps on every object of the kind.
	ListFilters []ListFilter
	// NameInSpec, when set, is a spec field that mirrors metadata.name.
	NameInSpec string
	Spec       []Attr
	// Status is read-only; its attributes come from the object's status.
	Status []Attr
	// ReadOnly kinds have data sources only (objects the controller owns).
	ReadOnly bool
	// OwnCRD: the kind's CRD is the provider's own (hedgehog_crds installs
	// it) and no admission webhook judges its objects, so every rule the
	// cluster would apply is already one of the attributes' validators. The
	// plan does not dry-run its writes: it would ask the API server a
	// question whose answer the plan has (one request per object for
	// nothing). Hedgehog's kinds are judged by Hedgehog and always asked.
	OwnCRD bool
	// Preinstalled names the objects of the kind that every installation of
	// the API has (its installer creates them): configurations refer to
	// them, or import them, and never create them.
	Preinstalled []string

	// Check returns the rules a spec breaks that are knowable from the
	// object alone, in the API's own words. Values still unknown at plan
	// time are Unknown; rules must skip them.
	Check func(name string, spec map[string]any) []Problem
	// Default turns a spec into what the API server stores for it (the
	// admission webhook's defaults, sorting and normalisation). It must be
	// idempotent. Used to plan the values of Computed attributes and to tell
	// the server's form of a value from drift.
	Default func(spec map[string]any)
	// Locate, when set, finds the spec path (JSON names, map keys, list
	// indexes) that a refusal of the kind's admission webhook is about, so
	// that a plan reports it on that attribute; nil when it names none.
	Locate func(message string, spec map[string]any) []any
	// RequiresReplace names the spec fields whose change the API refuses in
	// place, beyond Immutable attributes (for instance which one of several
	// members is set).
	RequiresReplace func(prior, planned map[string]any) []string

	// Ready, when set, enables wait_for_ready: it tells from the object
	// whether the controller has finished with the current generation, and
	// returns an error when the controller reported a failure.
	Ready func(u *unstructured.Unstructured) (bool, error)
	// ReadyDescription says what Ready waits for, for the docs.
	ReadyDescription string
	// Applied, when set, enables wait_for_applied.
	Applied *AppliedRule

	schemaOnce sync.Once
	schema     rschema.Schema
	freeForm   bool // some attribute is FreeForm
}

// Problem is a rule that a spec breaks, at a path of JSON field names, map
// keys (strings) and list indexes (ints) inside the spec. A path that starts
// with "metadata" points at the object's metadata (["metadata", "name"]).
type Problem struct {
	Path    []any
	Message string
	// PlanOnly marks a rule the provider enforces at plan time although the
	// API itself accepts the object (a deprecated member, a second member
	// the API would ignore): stand-ins of the API skip it.
	PlanOnly bool
	// Warning marks what the API accepts with a warning (a deprecated
	// member or value): the plan shows it as a warning, in the API's words,
	// and goes on; stand-ins of the API skip it too.
	Warning bool
}

// ListFilter is an optional argument of a kind's list data source that
// narrows the list by a label the API server keeps on every object.
type ListFilter struct {
	Name        string // the argument, such as "switch"
	Description string
	// Selector is the label selector term for a value, such as
	// "switch.fabric.githedgehog.com/leaf-01=true".
	Selector func(value string) string
	String   []validator.String
}

// Config is what every resource and data source gets from the provider
// block.
type Config struct {
	Client       *kube.Client
	Namespace    string
	Group        string
	Version      string
	FieldManager string
	// Unknown means the provider configuration is not known yet (it
	// depends on a resource that is not created): plans go on without the
	// cluster, and reads keep what the state holds.
	Unknown bool
	// Err is why there is no client.
	Err error
	// Secrets are values of the configuration that logs must never show.
	Secrets []string
	// LogsOff is set when no TF_LOG* variable asked for logs: then no
	// logger is prepared per call, which saves allocations on every call of
	// a large plan.
	LogsOff bool
	// Now is the clock (tests move it).
	Now func() time.Time
	// Checks are the plan-time checks against the cluster (dry runs); nil
	// when plans do not contact the cluster.
	Checks *PlanChecks
	// Kinds are all the kinds the provider serves: a delete that the
	// cluster refuses looks among their objects for those still using it.
	Kinds []*Kind
}

// LogSubsystem is the tflog subsystem of the provider's API requests
// (TF_LOG_PROVIDER_HEDGEHOG_KUBE sets its level on its own).
const LogSubsystem = "kube"

// LogContext prepares ctx for an operation: the request-logging subsystem,
// and masks for every secret of the configuration.
func (c *Config) LogContext(ctx context.Context) context.Context {
	if c == nil || c.LogsOff {
		return ctx
	}
	ctx = tflog.NewSubsystem(ctx, LogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_HEDGEHOG_KUBE"))
	if len(c.Secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, c.Secrets...)
		ctx = tflog.MaskMessageStrings(ctx, c.Secrets...)
		ctx = tflog.SubsystemMaskAllFieldValuesStrings(ctx, LogSubsystem, c.Secrets...)
		ctx = tflog.SubsystemMaskMessageStrings(ctx, LogSubsystem, c.Secrets...)
	}
	return ctx
}

// ManagedLabel marks objects created by this provider; it narrows the LIST
// that serves reads.
const ManagedLabel = "hedgehog-terraform.github.io/managed"

// GVR is the kind's resource.
func (k *Kind) GVR(c *Config) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: k.group(c), Version: k.version(c), Resource: k.Plural}
}

// APIVersion is the kind's apiVersion.
func (k *Kind) APIVersion(c *Config) string { return k.group(c) + "/" + k.version(c) }

func (k *Kind) group(c *Config) string {
	if k.Group != "" || c == nil {
		return k.Group
	}
	return c.Group
}

func (k *Kind) version(c *Config) string {
	if k.Version != "" || c == nil {
		return k.Version
	}
	return c.Version
}

// namespace is where an object goes when the configuration does not say.
func (k *Kind) namespace(c *Config) string {
	if k.Namespace != "" {
		return k.Namespace
	}
	if c == nil {
		return ""
	}
	return c.Namespace
}

// objects is the kind's object API on the provider's client.
func (k *Kind) objects(c *Config) *kube.Objects {
	return c.Client.Objects(k.GVR(c), k.Kind, ManagedLabel+"=true")
}

// Objects is the kind's object API for code outside the engine (waits that
// look at other kinds, data sources of other packages).
func (k *Kind) Objects(c *Config) *kube.Objects { return k.objects(c) }

func (a Attr) tfType() tftypes.Type {
	switch a.Type {
	case String:
		return tftypes.String
	case Int64:
		return tftypes.Number
	case Bool:
		return tftypes.Bool
	case FreeForm:
		return tftypes.DynamicPseudoType
	case List:
		return tftypes.List{ElementType: a.Elem.tfType()}
	case Set:
		return tftypes.Set{ElementType: a.Elem.tfType()}
	case Map:
		return tftypes.Map{ElementType: a.Elem.tfType()}
	case Object:
		return objectType(a.Attrs)
	}
	panic(fmt.Sprintf("kinds: attribute %s has no type", a.Name))
}

func objectType(attrs []Attr) tftypes.Object {
	types := make(map[string]tftypes.Type, len(attrs))
	for _, a := range attrs {
		types[a.Name] = a.tfType()
	}
	return tftypes.Object{AttributeTypes: types}
}

// doc is the attribute's description as the docs show it.
func (a Attr) doc() string {
	if a.Since == "" {
		return a.Description
	}
	return a.Description + " Since Hedgehog fabric " + a.Since + " (older fabrics' CRDs do not have this field)."
}

// spec is the kind's spec as one Object attribute.
func (k *Kind) spec() Attr { return Attr{Type: Object, Attrs: k.Spec} }

func hasFreeForm(list []Attr) bool {
	for _, a := range list {
		if a.Type == FreeForm || (a.Elem != nil && hasFreeForm([]Attr{*a.Elem})) || hasFreeForm(a.Attrs) {
			return true
		}
	}
	return false
}
