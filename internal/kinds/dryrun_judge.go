package kinds

import (
	"context"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

// What the plan makes of a dry run's refusal: an error where the cluster
// would refuse the write at apply for reasons this run does not change, a
// skip (a warning, counted by its summary) where it cannot tell.

// skipReason is why a planned write was not checked. Each has a summary of
// its own, so that the CLI folds the warnings of one reason into one ("and N
// more similar warnings").
type skipReason struct{ title, why string }

var (
	skipUnknown = skipReason{"Values Known Only After Apply",
		"some of its values are known only after apply (they come from objects that this run creates)"}
	skipReplaced = skipReason{"Replaced Object",
		"it replaces an object of the same name, which is deleted first"}
	skipKind = skipReason{"Kind Not Yet Served",
		"the API server does not serve its kind yet (its CRD is not installed, or not in this version)"}
	skipNamespace = skipReason{"Namespace Not Yet Created", "its namespace does not exist yet"}
	skipNoDryRun  = skipReason{"Webhook Without Dry Run",
		"an admission webhook that the write calls does not support dry runs (it declares side effects)"}
	skipForbidden = skipReason{"No Permission To Write",
		"the provider's credentials may not make this write (a dry run needs the write's own permission; read-only " +
			"credentials plan without the check)"}
	skipThisRun = skipReason{"Depends On This Run",
		"the cluster refuses it now, but objects that this run creates, changes or deletes first may be the reason: %s"}
	skipInUse = skipReason{"Still In Use By Managed Objects",
		"the cluster refuses to delete it while objects that this provider created use it (%s); this run may delete " +
			"them first"}
	skipFailed = skipReason{"Dry Run Failed", "the dry run failed"}
)

func (r *Resource) skip(diags *diag.Diagnostics, reason skipReason, verb, namespace, name string, err error, args ...any) {
	why := reason.why
	if len(args) > 0 {
		why = fmt.Sprintf(why, args...)
	}
	detail := fmt.Sprintf("The plan did not have the cluster check the %s of %s %q in namespace %q: %s. The cluster judges "+
		"it when it is applied.", verb, r.kind.Kind, name, namespace, why)
	if err != nil {
		_, explained := r.cfg.Client.Explain(err, r.kind.objects(r.cfg).Target(verb, namespace, name))
		detail += "\n\n" + explained
	}
	diags.AddWarning("Plan Not Checked: "+reason.title, detail)
}

// judgeWrite turns a refused dry run of a create or update into an error or
// a skip.
func (r *Resource) judgeWrite(ctx context.Context, p *PlanChecks, d dryRun, spec map[string]any, err error, diags *diag.Diagnostics) {
	ns, name := d.obj.GetNamespace(), d.obj.GetName()
	switch {
	case kube.IsAdmissionDenied(err):
		_, why, _ := kube.AdmissionRefusal(err)
		if by := p.explains(r.kind.Kind, ns, name, spec, why); by != "" {
			r.skip(diags, skipThisRun, d.verb, ns, name, err, by)
			return
		}
		r.refused(d, spec, err, "The rule depends on other objects in the cluster: change the configuration as the message "+
			"says, or those objects, then plan again.", diags)
	case len(kube.UnknownFields(err)) > 0:
		r.unknownFields(kube.UnknownFields(err), err, diags)
	case kube.IsAlreadyExists(err):
		// An object this provider created is the one Terraform replaces (a
		// tainted resource is planned as a create); another is in the way.
		api := r.kind.objects(r.cfg)
		if u, err := api.Get(ctx, ns, name); err == nil && u.GetLabels()[ManagedLabel] == "true" {
			r.skip(diags, skipReplaced, d.verb, ns, name, nil)
			return
		}
		diags.Append(r.alreadyExists(ctx, api, ns, name))
	case kube.IsKindNotFound(err):
		r.skip(diags, skipKind, d.verb, ns, name, nil)
	case kube.IsNamespaceNotFound(err):
		r.skip(diags, skipNamespace, d.verb, ns, name, nil)
	case kube.IsDryRunUnsupported(err):
		r.skip(diags, skipNoDryRun, d.verb, ns, name, err)
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err):
		r.skip(diags, skipForbidden, d.verb, ns, name, err)
	case apierrors.IsInvalid(err), apierrors.IsConflict(err), apierrors.IsBadRequest(err):
		// The CRD's own validation, a field manager conflict, a malformed
		// object: nothing in this run changes them.
		r.explain(diags, err, d.verb, ns, name)
	default:
		r.skip(diags, skipFailed, d.verb, ns, name, err)
	}
}

// refused reports a webhook's refusal at plan, on the attribute its message
// names when the kind can tell (Kind.Locate).
func (r *Resource) refused(d dryRun, spec map[string]any, err error, what string, diags *diag.Diagnostics) {
	who, why, _ := kube.AdmissionRefusal(err)
	detail := fmt.Sprintf("The cluster refuses the %s of %s %q in namespace %q (a dry run of it, sent while planning, "+
		"was refused): %s\n\n%s\n\nRefused by %s.", d.verb, r.kind.Kind, d.obj.GetName(), d.obj.GetNamespace(), why, what, who)
	if r.kind.Locate != nil && spec != nil {
		if steps := r.kind.Locate(why, spec); steps != nil {
			if at, _ := r.kind.attrPath(steps); len(at.Steps()) > 0 {
				diags.AddAttributeError(at, "Refused by Admission Webhook", "Attribute "+at.String()+": "+detail)
				return
			}
		}
	}
	diags.AddError("Refused by Admission Webhook", detail)
}

// judgeDelete turns a refused dry run of a delete into an error or a skip.
// Hedgehog refuses to delete what other objects use: when all of those are
// this provider's, this run may well delete them first (Terraform orders
// deletes by references); when another tool made one, it is in the way.
func (r *Resource) judgeDelete(ctx context.Context, p *PlanChecks, d dryRun, err error, diags *diag.Diagnostics) {
	ns, name := d.obj.GetNamespace(), d.obj.GetName()
	switch {
	case kube.IsAdmissionDenied(err):
		managed, others := r.users(ctx, p, ns, name)
		if len(others) == 0 && len(managed) > 0 {
			r.skip(diags, skipInUse, d.verb, ns, name, err, strings.Join(managed, ", "))
			return
		}
		what := "Delete what still uses it first, or keep it."
		if len(others) > 0 {
			what = fmt.Sprintf("Still using it, and not created by this provider (so no plan deletes them): %s. Delete "+
				"those first (with the tool that made them), or keep this object.", strings.Join(others, ", "))
		}
		r.refused(d, nil, err, what, diags)
	case kube.IsKindNotFound(err):
		r.skip(diags, skipKind, d.verb, ns, name, nil)
	case kube.IsDryRunUnsupported(err):
		r.skip(diags, skipNoDryRun, d.verb, ns, name, err)
	case apierrors.IsForbidden(err), apierrors.IsUnauthorized(err):
		r.skip(diags, skipForbidden, d.verb, ns, name, err)
	default:
		r.skip(diags, skipFailed, d.verb, ns, name, err)
	}
}

// explains names the objects that this run writes or deletes and that may
// be why the cluster refuses an object: those its spec names (in values or
// map keys, "<name>/<rest>" included), those the refusal's message names (a
// webhook's default may name them: a switch's VLAN namespace "default"),
// and the objects of its own kind that this run deletes (a renamed object's
// predecessor still holds its VLAN). Empty when there are none.
func (p *PlanChecks) explains(kind, namespace, name string, spec map[string]any, message string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	found := map[string]bool{}
	note := func(k, n, what string) {
		if k != kind || n != name {
			found[fmt.Sprintf("%s %q (%s in this run)", k, n, what)] = true
		}
	}
	named := func(n string) {
		for _, k := range p.writes[namespace][n] {
			note(k, n, "created or changed")
		}
		for _, k := range p.deletes[namespace][n] {
			note(k, n, "deleted")
		}
	}
	names(spec, named)
	for _, word := range strings.FieldsFunc(message, func(r rune) bool { return strings.ContainsRune(" \t\n\"'`,;:()[]{}", r) }) {
		names(strings.TrimSuffix(word, "."), named)
	}
	for n, ks := range p.deletes[namespace] {
		for _, k := range ks {
			if k == kind {
				note(k, n, "deleted")
			}
		}
	}
	out := make([]string, 0, len(found))
	for f := range found {
		out = append(out, f)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

// names calls fn with every name a spec may use to point at another object:
// its strings and map keys, and the part of each before a "/" (a port
// "leaf-01/E1/1", a subnet "vpc-1/default").
func names(j any, fn func(string)) {
	str := func(s string) {
		fn(s)
		if before, _, ok := strings.Cut(s, "/"); ok {
			fn(before)
		}
	}
	switch x := j.(type) {
	case string:
		str(x)
	case map[string]any:
		for k, v := range x {
			str(k)
			names(v, fn)
		}
	case []any:
		for _, v := range x {
			names(v, fn)
		}
	}
}

// mentions tells whether a spec names name.
func mentions(spec any, name string) bool {
	found := false
	names(spec, func(n string) { found = found || n == name })
	return found
}

// listing is every object of one kind in one namespace, read once per plan
// (only when a delete was refused).
type listing struct {
	once sync.Once
	objs []*unstructured.Unstructured
}

func (p *PlanChecks) list(ctx context.Context, c *Config, k *Kind, namespace string) []*unstructured.Unstructured {
	gvr := k.GVR(c)
	key := gvr.String() + "/" + namespace
	p.mu.Lock()
	l := p.listings[key]
	if l == nil {
		l = &listing{}
		p.listings[key] = l
	}
	p.mu.Unlock()
	l.once.Do(func() {
		// Kinds that are not served or may not be listed have no users to
		// offer.
		l.objs, _ = c.Client.Objects(gvr, k.Kind, "").List(ctx, namespace, metav1.ListOptions{})
	})
	return l.objs
}

// users are the objects that name the object namespace/name in their spec:
// those this provider created (its label) and the others.
func (r *Resource) users(ctx context.Context, p *PlanChecks, namespace, name string) (managed, others []string) {
	for _, k := range r.cfg.Kinds {
		if k.ReadOnly {
			continue
		}
		for _, u := range p.list(ctx, r.cfg, k, namespace) {
			if (k == r.kind && u.GetName() == name) || !mentions(u.Object["spec"], name) {
				continue
			}
			who := fmt.Sprintf("%s %q", k.Kind, u.GetName())
			if u.GetLabels()[ManagedLabel] == "true" {
				managed = append(managed, who)
			} else {
				others = append(others, who)
			}
		}
	}
	return managed, others
}

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
