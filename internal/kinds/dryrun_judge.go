package kinds

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	apierrors "k8s.io/apimachinery/pkg/api/errors"

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
	skipRecord = skipReason{"Created Fields Not Yet Recorded",
		"the update stops setting a field that this provider set when it created the object (%s); the update records " +
			"the created fields as applied before it applies, so that the field is removed, and a dry run cannot make that " +
			"record first: it would judge an object that keeps the field"}
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
