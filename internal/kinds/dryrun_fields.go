package kinds

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// unknownFields reports fields the cluster's CRD does not have (refused by
// strict field validation): at plan from a dry run, at apply from the write.
func (r *Resource) unknownFields(fields []string, err error, diags *diag.Diagnostics) {
	var status apierrors.APIStatus
	message := err.Error()
	if s, ok := err.(apierrors.APIStatus); ok {
		status = s
		message = status.Status().Message
	}
	for _, f := range fields {
		steps, a, ok := resolveField(r.kind.spec(), strings.Split(strings.TrimPrefix(f, "spec."), "."))
		at, _ := r.kind.attrPath(steps)
		name := f
		if ok && len(at.Steps()) > 0 {
			name = at.String()
		}
		upgrade := "upgrade the fabric (its CRDs)"
		if ok && a.Since != "" {
			upgrade = "it was added in Hedgehog fabric " + a.Since + "; upgrade the fabric"
		}
		detail := fmt.Sprintf("The %s CRD in this cluster has no field %s: %s or remove %s. The API server refuses fields "+
			"its schema does not know (strict field validation) instead of dropping them.\n\nAPI server: %s",
			r.kind.Kind, f, upgrade, name, message)
		if ok && len(at.Steps()) > 0 {
			diags.AddAttributeError(at, "Field Not In The Cluster's CRD", detail)
		} else {
			diags.AddError("Field Not In The Cluster's CRD", detail)
		}
	}
}

var listIndex = regexp.MustCompile(`^(.*?)((?:\[\d+\])+)$`)

// resolveField finds the attribute of a field path as the API server writes
// it (dotted, "[n]" for list items; map keys may hold dots) and its path of
// JSON names, map keys and list indexes.
func resolveField(a Attr, segs []string) ([]any, *Attr, bool) {
	if len(segs) == 0 || (len(segs) == 1 && segs[0] == "") {
		return nil, &a, true
	}
	switch a.Type {
	case Object:
		field, indexes := segs[0], []int(nil)
		if m := listIndex.FindStringSubmatch(field); m != nil {
			field = m[1]
			for _, i := range regexp.MustCompile(`\d+`).FindAllString(m[2], -1) {
				n, _ := strconv.Atoi(i)
				indexes = append(indexes, n)
			}
		}
		for _, sub := range a.Attrs {
			if sub.JSON != field {
				continue
			}
			steps, cur := []any{field}, sub
			for _, i := range indexes {
				if cur.Type != List {
					return nil, nil, false
				}
				steps, cur = append(steps, i), *cur.Elem
			}
			if rest, at, ok := resolveField(cur, segs[1:]); ok {
				return append(steps, rest...), at, true
			}
		}
	case Map:
		for n := 1; n <= len(segs); n++ {
			if rest, at, ok := resolveField(*a.Elem, segs[n:]); ok {
				return append([]any{strings.Join(segs[:n], ".")}, rest...), at, true
			}
		}
	}
	return nil, nil, false
}
