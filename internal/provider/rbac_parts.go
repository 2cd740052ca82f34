package provider

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/validation"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

var validationIsDNS1123Subdomain = validation.IsDNS1123Subdomain

// rbacTimeout bounds waiting for the token controller and for a namespace
// to be gone.
const rbacTimeout = 5 * time.Minute

// setup does the Kubernetes side of one hedgehog_rbac_setup.
type setup struct {
	c         *kinds.Config
	ns        string
	sa        string
	role      string
	scope     string
	tokenType string
	labels    map[string]string
}

func (r *rbacResource) setup(m rbacModel) *setup {
	s := &setup{c: r.cfg, ns: m.Namespace.ValueString(), sa: m.ServiceAccountName.ValueString(),
		role: m.RoleName.ValueString(), scope: m.Scope.ValueString(), tokenType: m.TokenType.ValueString(),
		labels: map[string]string{kinds.ManagedLabel: "true"}}
	for k, v := range m.Labels.Elements() {
		if str, ok := v.(types.String); ok {
			s.labels[k] = str.ValueString()
		}
	}
	return s
}

func (s *setup) secretName() string { return s.sa + "-token" }

func (s *setup) explain(diags *diag.Diagnostics, err error, verb, kind, resource, namespace, name string) {
	summary, detail := s.c.Client.Explain(err, kube.Target{Verb: verb, Kind: kind, Resource: resource, Namespace: namespace, Name: name})
	diags.AddError(summary, detail)
}

// existing lists the objects (other than the namespace, which is shared)
// that already have this setup's names.
func (s *setup) existing(ctx context.Context, diags *diag.Diagnostics) []string {
	core, rbac := s.c.Client.Typed.CoreV1(), s.c.Client.Typed.RbacV1()
	get := metav1.GetOptions{}
	type check struct {
		what string
		get  func() error
	}
	checks := []check{{fmt.Sprintf("ServiceAccount %s/%s", s.ns, s.sa),
		func() error { _, err := core.ServiceAccounts(s.ns).Get(ctx, s.sa, get); return err }}}
	if s.scope == scopeCluster {
		checks = append(checks,
			check{"ClusterRole " + s.role, func() error { _, err := rbac.ClusterRoles().Get(ctx, s.role, get); return err }},
			check{"ClusterRoleBinding " + s.role, func() error { _, err := rbac.ClusterRoleBindings().Get(ctx, s.role, get); return err }})
	} else {
		checks = append(checks,
			check{fmt.Sprintf("Role %s/%s", s.ns, s.role), func() error { _, err := rbac.Roles(s.ns).Get(ctx, s.role, get); return err }},
			check{fmt.Sprintf("RoleBinding %s/%s", s.ns, s.role),
				func() error { _, err := rbac.RoleBindings(s.ns).Get(ctx, s.role, get); return err }})
	}
	if s.tokenType == tokenSecret {
		checks = append(checks, check{fmt.Sprintf("Secret %s/%s", s.ns, s.secretName()),
			func() error { _, err := core.Secrets(s.ns).Get(ctx, s.secretName(), get); return err }})
	}
	var out []string
	for _, c := range checks {
		switch err := c.get(); {
		case err == nil:
			out = append(out, c.what)
		case !apierrors.IsNotFound(err):
			s.explain(diags, err, "get", c.what, "", s.ns, "")
			return nil
		}
	}
	return out
}

// reconcile creates or updates every part and returns the state; after a
// failure it returns what exists so far.
func (s *setup) reconcile(ctx context.Context, plan rbacModel, prior *rbacModel, diags *diag.Diagnostics) *rbacModel {
	state := plan
	state.ID = types.StringValue(rbacID(plan))
	state.Host = types.StringValue(s.c.Client.Host)
	state.NamespaceCreated = types.BoolValue(prior != nil && prior.NamespaceCreated.ValueBool())
	uids := map[string]string{}
	finish := func() *rbacModel {
		s.fill(ctx, &state, uids, diags)
		return &state
	}
	fm := s.c.FieldManager
	apply := metav1.ApplyOptions{FieldManager: fm, Force: true}
	core, rbac := s.c.Client.Typed.CoreV1(), s.c.Client.Typed.RbacV1()

	ns, err := core.Namespaces().Get(ctx, s.ns, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err) && !plan.CreateNamespace.ValueBool():
		diags.AddAttributeError(path.Root("namespace"), "Namespace Not Found",
			fmt.Sprintf("The namespace %q does not exist and create_namespace is false: create it, or set create_namespace = true.", s.ns))
		return nil
	case apierrors.IsNotFound(err):
		ns, err = core.Namespaces().Apply(ctx, corev1ac.Namespace(s.ns).WithLabels(s.labels), apply)
		if err != nil {
			s.explain(diags, err, "create", "Namespace", "namespaces", "", s.ns)
			return nil
		}
		state.NamespaceCreated = types.BoolValue(true)
	case err != nil:
		s.explain(diags, err, "get", "Namespace", "namespaces", "", s.ns)
		return nil
	case ns.DeletionTimestamp != nil:
		diags.AddError("Namespace Is Being Deleted",
			fmt.Sprintf("The namespace %q is terminating; wait until it is gone, then apply again.", s.ns))
		return nil
	}
	uids["namespace"] = string(ns.UID)

	sa, err := core.ServiceAccounts(s.ns).Apply(ctx, corev1ac.ServiceAccount(s.sa, s.ns).WithLabels(s.labels), apply)
	if err != nil {
		s.explain(diags, err, "create", "ServiceAccount", "serviceaccounts", s.ns, s.sa)
		return finish()
	}
	uids["service_account"] = string(sa.UID)
	state.ServiceAccountUID = types.StringValue(string(sa.UID))

	var rules []ruleModel
	diags.Append(plan.Rules.ElementsAs(ctx, &rules, false)...)
	var policy []*rbacv1ac.PolicyRuleApplyConfiguration
	for _, r := range rules {
		policy = append(policy, rbacv1ac.PolicyRule().WithAPIGroups(r.APIGroups...).WithResources(r.Resources...).
			WithVerbs(r.Verbs...).WithResourceNames(r.ResourceNames...))
	}
	subject := rbacv1ac.Subject().WithKind("ServiceAccount").WithName(s.sa).WithNamespace(s.ns)
	if s.scope == scopeCluster {
		role, err := rbac.ClusterRoles().Apply(ctx, rbacv1ac.ClusterRole(s.role).WithLabels(s.labels).WithRules(policy...), apply)
		if err != nil {
			s.explain(diags, err, "create", "ClusterRole", "clusterroles.rbac.authorization.k8s.io", "", s.role)
			return finish()
		}
		uids["role"] = string(role.UID)
		binding, err := rbac.ClusterRoleBindings().Apply(ctx, rbacv1ac.ClusterRoleBinding(s.role).WithLabels(s.labels).
			WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("ClusterRole").WithName(s.role)).
			WithSubjects(subject), apply)
		if err != nil {
			s.explain(diags, err, "create", "ClusterRoleBinding", "clusterrolebindings.rbac.authorization.k8s.io", "", s.role)
			return finish()
		}
		uids["role_binding"] = string(binding.UID)
	} else {
		role, err := rbac.Roles(s.ns).Apply(ctx, rbacv1ac.Role(s.role, s.ns).WithLabels(s.labels).WithRules(policy...), apply)
		if err != nil {
			s.explain(diags, err, "create", "Role", "roles.rbac.authorization.k8s.io", s.ns, s.role)
			return finish()
		}
		uids["role"] = string(role.UID)
		binding, err := rbac.RoleBindings(s.ns).Apply(ctx, rbacv1ac.RoleBinding(s.role, s.ns).WithLabels(s.labels).
			WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("Role").WithName(s.role)).
			WithSubjects(subject), apply)
		if err != nil {
			s.explain(diags, err, "create", "RoleBinding", "rolebindings.rbac.authorization.k8s.io", s.ns, s.role)
			return finish()
		}
		uids["role_binding"] = string(binding.UID)
	}

	ctx, cancel := context.WithTimeout(ctx, rbacTimeout)
	defer cancel()
	if s.tokenType == tokenSecret {
		secret, err := core.Secrets(s.ns).Apply(ctx, corev1ac.Secret(s.secretName(), s.ns).WithLabels(s.labels).
			WithType(corev1.SecretTypeServiceAccountToken).
			WithAnnotations(map[string]string{corev1.ServiceAccountNameKey: s.sa}), apply)
		if err != nil {
			s.explain(diags, err, "create", "Secret", "secrets", s.ns, s.secretName())
			return finish()
		}
		uids["token_secret"] = string(secret.UID)
		token, ca, err := s.waitToken(ctx)
		if err != nil {
			diags.AddError("Service Account Token Not Issued", fmt.Sprintf(
				"The Secret %s/%s was created, but the cluster's token controller did not fill in its token: %v. "+
					"kube-controller-manager must run with its service-account token controller; token_type = \"bound\" "+
					"needs no controller.", s.ns, s.secretName(), err))
			return finish()
		}
		state.Token, state.TokenExpiresAt, state.SecretName = types.StringValue(token), types.StringValue(""), types.StringValue(s.secretName())
		state.CACertificate = types.StringValue(ca)
		return finish()
	}

	state.SecretName = types.StringValue("")
	reuse := prior != nil && prior.Token.ValueString() != "" && prior.ServiceAccountUID.Equal(state.ServiceAccountUID) &&
		!tokenDue(prior, plan.TokenRenewalPercent.ValueInt64(), time.Now()) && prior.TokenExpirationSeconds.Equal(plan.TokenExpirationSeconds)
	if reuse {
		state.Token, state.TokenExpiresAt = prior.Token, prior.TokenExpiresAt
		return finish()
	}
	seconds := plan.TokenExpirationSeconds.ValueInt64()
	tr, err := core.ServiceAccounts(s.ns).CreateToken(ctx, s.sa,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &seconds}}, metav1.CreateOptions{})
	if err != nil {
		s.explain(diags, err, "create", "TokenRequest", "serviceaccounts/token", s.ns, s.sa)
		return finish()
	}
	state.Token = types.StringValue(tr.Status.Token)
	state.TokenExpiresAt = types.StringValue(tr.Status.ExpirationTimestamp.UTC().Format(time.RFC3339))
	return finish()
}

// waitToken watches the token Secret until the token controller fills it.
func (s *setup) waitToken(ctx context.Context) (token, ca string, err error) {
	api := s.c.Client.Objects(schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, "Secret", "")
	u, err := api.WaitFor(ctx, s.ns, s.secretName(), func(u *unstructured.Unstructured) (bool, error) {
		if u == nil {
			return false, fmt.Errorf("the Secret was deleted")
		}
		t, _, _ := unstructured.NestedString(u.Object, "data", "token")
		return t != "", nil
	})
	if err != nil {
		return "", "", err
	}
	secret := &corev1.Secret{}
	if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, secret); err != nil {
		return "", "", err
	}
	return string(secret.Data["token"]), string(secret.Data["ca.crt"]), nil
}

// fill completes the computed attributes: object UIDs, CA, kubeconfig.
func (s *setup) fill(ctx context.Context, state *rbacModel, uids map[string]string, diags *diag.Diagnostics) {
	all := map[string]string{}
	for _, p := range s.parts() {
		all[p] = uids[p]
	}
	m, d := types.MapValueFrom(ctx, types.StringType, all)
	diags.Append(d...)
	state.ObjectUIDs = m
	if state.ServiceAccountUID.IsUnknown() || state.ServiceAccountUID.IsNull() {
		state.ServiceAccountUID = types.StringValue(uids["service_account"])
	}
	if state.CACertificate.IsUnknown() || state.CACertificate.IsNull() || state.CACertificate.ValueString() == "" {
		state.CACertificate = types.StringValue(s.providerCA())
	}
	for _, v := range []*types.String{&state.Token, &state.TokenExpiresAt, &state.SecretName} {
		if v.IsUnknown() || v.IsNull() {
			*v = types.StringValue("")
		}
	}
	state.Kubeconfig = types.StringValue("")
	if state.Token.ValueString() != "" {
		kc, err := s.kubeconfig(state.Token.ValueString(), state.CACertificate.ValueString())
		if err != nil {
			diags.AddError("Cannot Write the Kubeconfig", err.Error())
			return
		}
		state.Kubeconfig = types.StringValue(kc)
	}
}

func (s *setup) parts() []string {
	if s.tokenType == tokenSecret {
		return partNames
	}
	return partNames[:4]
}

func (s *setup) providerCA() string {
	tls := s.c.Client.REST.TLSClientConfig
	if len(tls.CAData) > 0 {
		return string(tls.CAData)
	}
	if tls.CAFile != "" {
		if raw, err := os.ReadFile(tls.CAFile); err == nil {
			return string(raw)
		}
	}
	return ""
}

func (s *setup) kubeconfig(token, ca string) (string, error) {
	name := s.sa + "@" + strings.TrimPrefix(strings.TrimPrefix(s.c.Client.Host, "https://"), "http://")
	cfg := clientcmdapi.NewConfig()
	cluster := &clientcmdapi.Cluster{Server: s.c.Client.Host, CertificateAuthorityData: []byte(ca)}
	if ca == "" {
		cluster.InsecureSkipTLSVerify = s.c.Client.REST.Insecure
	}
	cfg.Clusters[name] = cluster
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Token: token}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name, Namespace: s.ns}
	cfg.CurrentContext = name
	raw, err := clientcmd.Write(*cfg)
	return string(raw), err
}

// read refreshes the state from the cluster. A part that is gone reads as
// an empty UID (the plan then re-creates it); the role's rules are read back
// so that edits made elsewhere show as a difference.
func (s *setup) read(ctx context.Context, state *rbacModel, diags *diag.Diagnostics) {
	core, rbac := s.c.Client.Typed.CoreV1(), s.c.Client.Typed.RbacV1()
	uids := map[string]string{}
	found := func(part string, meta metav1.Object, err error, kind, resource, namespace, name string) bool {
		switch {
		case err == nil && meta.GetDeletionTimestamp() == nil:
			uids[part] = string(meta.GetUID())
			return true
		case err == nil || apierrors.IsNotFound(err):
			return false
		}
		s.explain(diags, err, "get", kind, resource, namespace, name)
		return false
	}
	ns, err := core.Namespaces().Get(ctx, s.ns, metav1.GetOptions{})
	found("namespace", ns, err, "Namespace", "namespaces", "", s.ns)
	sa, err := core.ServiceAccounts(s.ns).Get(ctx, s.sa, metav1.GetOptions{})
	if found("service_account", sa, err, "ServiceAccount", "serviceaccounts", s.ns, s.sa) {
		state.ServiceAccountUID = types.StringValue(string(sa.UID))
	}
	var rules []rbacv1.PolicyRule
	if s.scope == scopeCluster {
		role, err := rbac.ClusterRoles().Get(ctx, s.role, metav1.GetOptions{})
		if found("role", role, err, "ClusterRole", "clusterroles.rbac.authorization.k8s.io", "", s.role) {
			rules = role.Rules
		}
		b, err := rbac.ClusterRoleBindings().Get(ctx, s.role, metav1.GetOptions{})
		found("role_binding", b, err, "ClusterRoleBinding", "clusterrolebindings.rbac.authorization.k8s.io", "", s.role)
	} else {
		role, err := rbac.Roles(s.ns).Get(ctx, s.role, metav1.GetOptions{})
		if found("role", role, err, "Role", "roles.rbac.authorization.k8s.io", s.ns, s.role) {
			rules = role.Rules
		}
		b, err := rbac.RoleBindings(s.ns).Get(ctx, s.role, metav1.GetOptions{})
		found("role_binding", b, err, "RoleBinding", "rolebindings.rbac.authorization.k8s.io", s.ns, s.role)
	}
	secret, err := core.Secrets(s.ns).Get(ctx, s.secretName(), metav1.GetOptions{})
	imported := state.Token.IsNull()
	if imported && err == nil && secret.Type == corev1.SecretTypeServiceAccountToken {
		s.tokenType, state.TokenType = tokenSecret, types.StringValue(tokenSecret)
	} else if imported {
		s.tokenType, state.TokenType = tokenBound, types.StringValue(tokenBound)
	}
	if s.tokenType == tokenSecret && found("token_secret", secret, err, "Secret", "secrets", s.ns, s.secretName()) {
		state.Token = types.StringValue(string(secret.Data["token"]))
		state.SecretName = types.StringValue(s.secretName())
		if ca := string(secret.Data["ca.crt"]); ca != "" {
			state.CACertificate = types.StringValue(ca)
		}
	}
	if diags.HasError() {
		return
	}
	if rules != nil {
		list := make([]ruleModel, 0, len(rules))
		for _, r := range rules {
			list = append(list, ruleModel{APIGroups: r.APIGroups, Resources: r.Resources, Verbs: r.Verbs, ResourceNames: r.ResourceNames})
		}
		v, d := types.ListValueFrom(ctx, ruleType, list)
		diags.Append(d...)
		state.Rules = v
	}
	if imported {
		state.Host = types.StringValue(s.c.Client.Host)
	}
	s.fill(ctx, state, uids, diags)
}

// destroy deletes the parts, the binding first, and the namespace when this
// resource created it — after checking that nothing else lives there.
func (s *setup) destroy(ctx context.Context, state rbacModel, diags *diag.Diagnostics) {
	ctx, cancel := context.WithTimeout(ctx, rbacTimeout)
	defer cancel()
	deleteNamespace := state.NamespaceCreated.ValueBool()
	if deleteNamespace && !state.ForceDestroyNamespace.ValueBool() {
		others, err := s.foreignObjects(ctx, state)
		if err != nil {
			diags.AddError("Cannot Check the Namespace", fmt.Sprintf(
				"Before deleting the namespace %q that it created, hedgehog_rbac_setup checks that it holds nothing else, and "+
					"that check failed: %v. Set force_destroy_namespace = true to delete it regardless.", s.ns, err))
			return
		}
		if len(others) > 0 {
			diags.AddError("Namespace Holds Other Objects", fmt.Sprintf(
				"hedgehog_rbac_setup created the namespace %q, and destroying it would delete the namespace, but it holds objects "+
					"that this resource did not create:\n  - %s\n\nDelete or move them first (destroy the hedgehog_fabric resources "+
					"that live there), or set force_destroy_namespace = true to delete them with the namespace. Nothing was deleted.",
				s.ns, strings.Join(others, "\n  - ")))
			return
		}
	}
	core, rbac := s.c.Client.Typed.CoreV1(), s.c.Client.Typed.RbacV1()
	opts := metav1.DeleteOptions{}
	type step struct {
		kind, resource, namespace, name string
		del                             func() error
	}
	var steps []step
	add := func(kind, resource, namespace, name string, del func() error) {
		steps = append(steps, step{kind, resource, namespace, name, del})
	}
	if s.scope == scopeCluster {
		add("ClusterRoleBinding", "clusterrolebindings.rbac.authorization.k8s.io", "", s.role,
			func() error { return rbac.ClusterRoleBindings().Delete(ctx, s.role, opts) })
		add("ClusterRole", "clusterroles.rbac.authorization.k8s.io", "", s.role,
			func() error { return rbac.ClusterRoles().Delete(ctx, s.role, opts) })
	} else {
		add("RoleBinding", "rolebindings.rbac.authorization.k8s.io", s.ns, s.role,
			func() error { return rbac.RoleBindings(s.ns).Delete(ctx, s.role, opts) })
		add("Role", "roles.rbac.authorization.k8s.io", s.ns, s.role, func() error { return rbac.Roles(s.ns).Delete(ctx, s.role, opts) })
	}
	if s.tokenType == tokenSecret {
		add("Secret", "secrets", s.ns, s.secretName(), func() error { return core.Secrets(s.ns).Delete(ctx, s.secretName(), opts) })
	}
	add("ServiceAccount", "serviceaccounts", s.ns, s.sa, func() error { return core.ServiceAccounts(s.ns).Delete(ctx, s.sa, opts) })
	if deleteNamespace {
		add("Namespace", "namespaces", "", s.ns, func() error { return core.Namespaces().Delete(ctx, s.ns, opts) })
	}
	for _, st := range steps {
		if err := st.del(); err != nil && !apierrors.IsNotFound(err) {
			s.explain(diags, err, "delete", st.kind, st.resource, st.namespace, st.name)
			return
		}
	}
	if !deleteNamespace {
		return
	}
	api := s.c.Client.Objects(schema.GroupVersionResource{Version: "v1", Resource: "namespaces"}, "Namespace", "")
	if _, err := api.WaitFor(ctx, "", s.ns, func(u *unstructured.Unstructured) (bool, error) { return u == nil, nil }); err != nil {
		diags.AddError("Namespace Not Gone", fmt.Sprintf(
			"The namespace %q was deleted but is still terminating after %s: %v. Its remaining objects or finalizers hold it; "+
				"kube-controller-manager's namespace controller must be running.", s.ns, rbacTimeout, err))
	}
}

// foreignObjects lists what lives in the namespace besides this setup's own
// objects and what Kubernetes puts in every namespace.
func (s *setup) foreignObjects(ctx context.Context, state rbacModel) ([]string, error) {
	ours := map[string]bool{}
	for _, v := range state.ObjectUIDs.Elements() {
		if uid, ok := v.(types.String); ok {
			ours[uid.ValueString()] = true
		}
	}
	lists, err := s.c.Client.Typed.Discovery().ServerPreferredNamespacedResources()
	if err != nil && len(lists) == 0 {
		return nil, err
	}
	var out []string
	for _, list := range lists {
		gv, err := schema.ParseGroupVersion(list.GroupVersion)
		if err != nil {
			continue
		}
		for _, res := range list.APIResources {
			if !slices.Contains(res.Verbs, "list") || res.Name == "events" || strings.Contains(res.Name, "/") {
				continue
			}
			items, err := s.c.Client.Metadata.Resource(gv.WithResource(res.Name)).Namespace(s.ns).List(ctx, metav1.ListOptions{})
			if err != nil {
				return nil, fmt.Errorf("listing %s: %w", res.Name, err)
			}
			for _, it := range items.Items {
				switch {
				case ours[string(it.UID)],
					res.Name == "serviceaccounts" && it.Name == "default",
					res.Name == "configmaps" && it.Name == "kube-root-ca.crt":
					continue
				}
				out = append(out, fmt.Sprintf("%s %s", res.Kind, it.Name))
			}
		}
	}
	sort.Strings(out)
	return out, nil
}
