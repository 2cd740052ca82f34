// Package kinds is the small engine under the provider's custom-resource
// types: a kind is declared once (its attributes, their JSON names and
// rules), and the engine derives the resource and data-source schemas,
// converts between Terraform values and Kubernetes objects, and does the
// create / read / update (server-side apply) / delete, the waits and the
// imports.
package kinds

import (
	"context"
	"fmt"
	"sync"
	"time"

	rschema "github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// Type is the type of an attribute.
type Type int

// Attribute types. FreeForm is an object the user writes in HCL with any
// content (a Terraform dynamic value).
const (
	String Type = iota
	Int64
	Bool
	FreeForm
	StringMap
	List   // of Elem
	Map    // of Elem
	Object // with Attrs
)

// Attr declares one attribute and the JSON field it maps to.
type Attr struct {
	Name        string // Terraform attribute name
	JSON        string // JSON field name in the object
	Type        Type
	Elem        *Attr  // element of a List or Map
	Attrs       []Attr // attributes of an Object
	Required    bool
	Default     any // int64, bool or string: optional with this default
	Description string
	String      []validator.String
	Int64       []validator.Int64
	Map         []validator.Map
}

// Kind declares a namespaced custom resource kind.
type Kind struct {
	TypeName    string // Terraform type suffix: hedgehog_<TypeName>
	Kind        string // Kubernetes kind, e.g. Fabric
	Plural      string // resource plural, e.g. fabrics
	Description string // what one object is, for the docs
	// NameInSpec, when set, is a spec field that mirrors metadata.name.
	NameInSpec string
	Spec       []Attr
	// Status is read-only; its attributes come from the object's status.
	Status []Attr
	// Ready, when set, enables wait_for_ready: it tells from the object
	// whether the controller has finished with the current generation,
	// and returns an error when the controller reported a failure.
	Ready func(u *unstructured.Unstructured) (bool, error)
	// ReadyDescription says what Ready waits for, for the docs.
	ReadyDescription string

	schemaOnce sync.Once
	schema     rschema.Schema
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
	// Now is the provider's clock (time.Now outside tests).
	Now func() time.Time
}

// LogsOff is set (by main) when no TF_LOG* variable asked for logs: then no
// logger is prepared per call, which saves allocations on every call of a
// large plan.
var LogsOff bool

// LogSubsystem is the tflog subsystem of the provider's API requests
// (TF_LOG_PROVIDER_HEDGEHOG_KUBE sets its level on its own).
const LogSubsystem = "kube"

// LogContext prepares ctx for an operation: the request-logging subsystem,
// and masks for every secret of the configuration.
func (c *Config) LogContext(ctx context.Context) context.Context {
	if LogsOff {
		return ctx
	}
	ctx = tflog.NewSubsystem(ctx, LogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_HEDGEHOG_KUBE"))
	if c != nil && len(c.Secrets) > 0 {
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

// GVR is the kind's resource in the provider's API group and version.
func (k *Kind) GVR(c *Config) schema.GroupVersionResource {
	return schema.GroupVersionResource{Group: c.Group, Version: c.Version, Resource: k.Plural}
}

// objects is the kind's object API on the provider's client.
func (k *Kind) objects(c *Config) *kube.Objects {
	return c.Client.Objects(k.GVR(c), k.Kind, ManagedLabel+"=true")
}

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
	case StringMap:
		return tftypes.Map{ElementType: tftypes.String}
	case List:
		return tftypes.List{ElementType: a.Elem.tfType()}
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
