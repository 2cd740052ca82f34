package gateway

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// goDuration checks a Go duration (time.ParseDuration), which is what the
// API decodes; 0 and negative durations decode too, so they pass.
type goDuration struct{}

func (goDuration) Description(context.Context) string {
	return "must be a Go duration such as 90s, 5m or 1h30m"
}

func (v goDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v goDuration) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if _, err := time.ParseDuration(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid Duration",
			fmt.Sprintf("Attribute %s: %q %s (%v).", req.Path, req.ConfigValue.ValueString(), v.Description(ctx), err))
	}
}

// storedDuration is a duration as the API stores it: Go's own form (5m0s
// for 5m), and def for 0. ok is false for what does not parse.
func storedDuration(s, def string) (string, bool) {
	if s == "" {
		return def, true
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return s, false
	}
	if d == 0 {
		return def, true
	}
	return d.String(), true
}
