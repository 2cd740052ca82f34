package kinds

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"k8s.io/apimachinery/pkg/util/validation"
)

// DNSLabel checks an RFC 1123 label, as Kubernetes does for names and
// namespaces.
func DNSLabel() validator.String { return dnsLabel{} }

type dnsLabel struct{}

func (dnsLabel) Description(context.Context) string {
	return "must be an RFC 1123 label: at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit"
}
func (v dnsLabel) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v dnsLabel) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if errs := validation.IsDNS1123Label(req.ConfigValue.ValueString()); len(errs) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kubernetes Name",
			fmt.Sprintf("Attribute %s: %q %s (%s).", req.Path, req.ConfigValue.ValueString(), v.Description(ctx), strings.Join(errs, "; ")))
	}
}

// DNSSubdomain checks an RFC 1123 subdomain, the rule of the names that the
// Hedgehog API accepts.
func DNSSubdomain() validator.String { return dnsSubdomain{} }

type dnsSubdomain struct{}

func (dnsSubdomain) Description(context.Context) string {
	return "must be an RFC 1123 subdomain: at most 253 lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"
}
func (v dnsSubdomain) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v dnsSubdomain) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if errs := validation.IsDNS1123Subdomain(req.ConfigValue.ValueString()); len(errs) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Kubernetes Name",
			fmt.Sprintf("Attribute %s: %q %s (%s).", req.Path, req.ConfigValue.ValueString(), v.Description(ctx), strings.Join(errs, "; ")))
	}
}

// Labels checks label keys and values as Kubernetes does, and keeps the
// provider's own label for the provider.
func Labels() validator.Map { return metaMap{labels: true} }

// Annotations checks annotation keys as Kubernetes does.
func Annotations() validator.Map { return metaMap{} }

type metaMap struct{ labels bool }

func (v metaMap) what() string {
	if v.labels {
		return "label"
	}
	return "annotation"
}

func (v metaMap) Description(context.Context) string {
	s := fmt.Sprintf("%s keys must be qualified names ([prefix/]name: name at most 63 characters of letters, digits, '-', '_' "+
		"and '.', starting and ending with a letter or digit; prefix a DNS subdomain)", v.what())
	if v.labels {
		s += "; values at most 63 such characters, or empty"
	}
	return s
}
func (v metaMap) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v metaMap) ValidateMap(ctx context.Context, req validator.MapRequest, resp *validator.MapResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	for key, elem := range req.ConfigValue.Elements() {
		p := req.Path.AtMapKey(key)
		if errs := validation.IsQualifiedName(key); len(errs) > 0 {
			resp.Diagnostics.AddAttributeError(p, "Invalid Kubernetes "+strings.ToUpper(v.what()[:1])+v.what()[1:]+" Key",
				fmt.Sprintf("Attribute %s: %s key %q is not valid: %s. Rule: %s.", req.Path, v.what(), key, strings.Join(errs, "; "), v.Description(ctx)))
		}
		if v.labels && key == ManagedLabel {
			resp.Diagnostics.AddAttributeError(p, "Reserved Label",
				fmt.Sprintf("Attribute %s: the label %q is set by the provider on every object it manages; leave it out of labels.", req.Path, ManagedLabel))
		}
		s, ok := elem.(types.String)
		if !ok || s.IsUnknown() || s.IsNull() || !v.labels {
			continue
		}
		if errs := validation.IsValidLabelValue(s.ValueString()); len(errs) > 0 {
			resp.Diagnostics.AddAttributeError(p, "Invalid Kubernetes Label Value",
				fmt.Sprintf("Attribute %s: label value %q for key %q is not valid: %s.", req.Path, s.ValueString(), key, strings.Join(errs, "; ")))
		}
	}
}

// Duration checks a positive Go duration, such as 30s or 5m.
func Duration() validator.String { return duration{} }

type duration struct{}

func (duration) Description(context.Context) string {
	return "must be a positive duration such as 30s, 1m30s or 2h"
}
func (v duration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }
func (v duration) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if d, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil || d <= 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("Attribute %s: %q %s.", req.Path, req.ConfigValue.ValueString(), v.Description(ctx)))
	}
}

// onlyNamespace refuses every namespace but one, in the API's own words.
type onlyNamespace struct{ namespace, message string }

func (v onlyNamespace) Description(context.Context) string {
	return fmt.Sprintf("must be %q", v.namespace)
}
func (v onlyNamespace) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v onlyNamespace) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || req.ConfigValue.ValueString() == v.namespace {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid Namespace", fmt.Sprintf("Attribute %s: %q is not %q: %s.",
		req.Path, req.ConfigValue.ValueString(), v.namespace, v.message))
}
