package rbac

import (
	"context"
	"errors"
	"fmt"
	"time"

	authenticationv1 "k8s.io/api/authentication/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	corev1ac "k8s.io/client-go/applyconfigurations/core/v1"
	rbacv1ac "k8s.io/client-go/applyconfigurations/rbac/v1"
)

// Want is what Reconcile makes.
type Want struct {
	// CreateNamespace allows creating the namespace when it does not exist.
	CreateNamespace bool
	Rules           []rbacv1.PolicyRule
	// TokenSeconds is the lifetime of a new bound token.
	TokenSeconds int64
	// Keep is a bound token still good enough to keep; it is kept when the
	// service account it was issued for (its claims say) is still the same
	// object. Nil requests a new one.
	Keep *BoundToken
	// DropSecretUID is the UID of the token Secret of a setup that no
	// longer uses one: it is deleted, which revokes its long-lived token.
	DropSecretUID string
	// OldRole is the Role and RoleBinding of a namespace-scoped setup whose
	// objects namespace changed: they are deleted once the new ones exist.
	OldRole *RoleRef
}

// BoundToken is a bound token issued before.
type BoundToken struct {
	Value     string
	ExpiresAt string // RFC 3339
}

// RoleRef names a namespaced Role and RoleBinding of a setup by UID.
type RoleRef struct {
	Namespace, RoleUID, BindingUID string
}

// Result is what Reconcile made, as far as it went.
type Result struct {
	// UIDs are the UIDs of the parts made, by part (see Parts).
	UIDs map[string]string
	// NamespaceCreated tells that this reconcile created the namespace.
	NamespaceCreated bool
	// Token is nil until a token is there.
	Token *Token
	// NotGranted is set when the API server did not yet grant what the
	// role says when Reconcile returned.
	NotGranted *NotGrantedError
}

// Token is the service account's token.
type Token struct {
	Value      string
	ExpiresAt  string // RFC 3339; empty for a Secret token
	SecretName string // empty for a bound token
	CA         string // the Secret's ca.crt; empty for a bound token
}

// Errors of Reconcile besides *APIError.
var (
	ErrNamespaceNotFound    = errors.New("the namespace does not exist")
	ErrNamespaceTerminating = errors.New("the namespace is being deleted")
)

// TokenNotIssuedError: the token Secret was created, but the token
// controller did not fill it in.
type TokenNotIssuedError struct {
	Namespace, Secret string
	Err               error
}

func (e *TokenNotIssuedError) Error() string {
	return fmt.Sprintf("the token controller did not fill in the token of Secret %s/%s: %v", e.Namespace, e.Secret, e.Err)
}
func (e *TokenNotIssuedError) Unwrap() error { return e.Err }

// Reconcile creates or updates every part, with server-side apply, and gets
// a token. After a failure it returns what was made so far, with the error;
// a nil Result means nothing was made.
func (s *Setup) Reconcile(ctx context.Context, want Want) (*Result, error) {
	apply := metav1.ApplyOptions{FieldManager: s.FieldManager, Force: true}
	core := s.Client.Typed.CoreV1()
	res := &Result{UIDs: map[string]string{}}

	ns, err := core.Namespaces().Get(ctx, s.Namespace, metav1.GetOptions{})
	switch {
	case apierrors.IsNotFound(err) && !want.CreateNamespace:
		return nil, ErrNamespaceNotFound
	case apierrors.IsNotFound(err):
		ns, err = core.Namespaces().Apply(ctx, corev1ac.Namespace(s.Namespace).WithLabels(s.Labels), apply)
		if err != nil {
			return nil, apiError(err, "create", "Namespace", "namespaces", "", s.Namespace)
		}
		res.NamespaceCreated = true
	case err != nil:
		return nil, apiError(err, "get", "Namespace", "namespaces", "", s.Namespace)
	case ns.DeletionTimestamp != nil:
		return nil, ErrNamespaceTerminating
	}
	res.UIDs["namespace"] = string(ns.UID)

	sa, err := core.ServiceAccounts(s.Namespace).Apply(ctx,
		corev1ac.ServiceAccount(s.ServiceAccount, s.Namespace).WithLabels(s.Labels), apply)
	if err != nil {
		return res, apiError(err, "create", "ServiceAccount", "serviceaccounts", s.Namespace, s.ServiceAccount)
	}
	res.UIDs["service_account"] = string(sa.UID)
	if err := s.applyRole(ctx, want.Rules, res, apply); err != nil {
		return res, err
	}
	if err := s.dropOld(ctx, want); err != nil {
		return res, err
	}

	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	if err := s.waitGranted(ctx, want.Rules); err != nil {
		if !errors.As(err, &res.NotGranted) {
			return res, err
		}
	}
	switch s.TokenType {
	case TokenNone:
		return res, nil
	case TokenSecret:
		secret, err := core.Secrets(s.Namespace).Apply(ctx, corev1ac.Secret(s.SecretName(), s.Namespace).WithLabels(s.Labels).
			WithType(corev1.SecretTypeServiceAccountToken).
			WithAnnotations(map[string]string{corev1.ServiceAccountNameKey: s.ServiceAccount}), apply)
		if err != nil {
			return res, apiError(err, "create", "Secret", "secrets", s.Namespace, s.SecretName())
		}
		res.UIDs["token_secret"] = string(secret.UID)
		token, ca, err := s.waitToken(ctx)
		if err != nil {
			return res, &TokenNotIssuedError{Namespace: s.Namespace, Secret: s.SecretName(), Err: err}
		}
		res.Token = &Token{Value: token, SecretName: s.SecretName(), CA: ca}
		return res, nil
	}

	if k := want.Keep; k != nil {
		if c, err := ReadClaims(k.Value); err == nil && c.ServiceAccountUID == string(sa.UID) {
			res.Token = &Token{Value: k.Value, ExpiresAt: k.ExpiresAt}
			return res, nil
		}
	}
	token, err := s.RequestToken(ctx, want.TokenSeconds, nil)
	if err != nil {
		return res, err
	}
	res.Token = token
	return res, nil
}

// RequestToken issues a TokenRequest token for the service account, valid
// for seconds (the API server may shorten it) and for the audiences (none:
// the API server's own).
func (s *Setup) RequestToken(ctx context.Context, seconds int64, audiences []string) (*Token, error) {
	tr, err := s.Client.Typed.CoreV1().ServiceAccounts(s.Namespace).CreateToken(ctx, s.ServiceAccount,
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &seconds, Audiences: audiences}},
		metav1.CreateOptions{})
	if err != nil {
		return nil, apiError(err, "create", "TokenRequest", "serviceaccounts/token", s.Namespace, s.ServiceAccount)
	}
	return &Token{Value: tr.Status.Token, ExpiresAt: tr.Status.ExpirationTimestamp.UTC().Format(time.RFC3339)}, nil
}

// dropOld deletes what a changed setup no longer uses: the token Secret and
// a Role and RoleBinding left in the former objects namespace. Each goes
// only while it is still the object this setup made (by UID).
func (s *Setup) dropOld(ctx context.Context, want Want) error {
	core, rbac := s.Client.Typed.CoreV1(), s.Client.Typed.RbacV1()
	only := func(uid string) metav1.DeleteOptions {
		u := types.UID(uid)
		return metav1.DeleteOptions{Preconditions: &metav1.Preconditions{UID: &u}}
	}
	gone := func(err error) bool { return err == nil || apierrors.IsNotFound(err) || apierrors.IsConflict(err) }
	if want.DropSecretUID != "" && s.TokenType != TokenSecret {
		if err := core.Secrets(s.Namespace).Delete(ctx, s.SecretName(), only(want.DropSecretUID)); !gone(err) {
			return apiError(err, "delete", "Secret", "secrets", s.Namespace, s.SecretName())
		}
	}
	if o := want.OldRole; o != nil && o.Namespace != s.RoleNS() {
		if err := rbac.RoleBindings(o.Namespace).Delete(ctx, s.Role, only(o.BindingUID)); !gone(err) {
			return apiError(err, "delete", "RoleBinding", "rolebindings.rbac.authorization.k8s.io", o.Namespace, s.Role)
		}
		if err := rbac.Roles(o.Namespace).Delete(ctx, s.Role, only(o.RoleUID)); !gone(err) {
			return apiError(err, "delete", "Role", "roles.rbac.authorization.k8s.io", o.Namespace, s.Role)
		}
	}
	return nil
}

// applyRole applies the role and its binding to the service account.
func (s *Setup) applyRole(ctx context.Context, rules []rbacv1.PolicyRule, res *Result, apply metav1.ApplyOptions) error {
	rbac := s.Client.Typed.RbacV1()
	var policy []*rbacv1ac.PolicyRuleApplyConfiguration
	for _, r := range rules {
		policy = append(policy, rbacv1ac.PolicyRule().WithAPIGroups(r.APIGroups...).WithResources(r.Resources...).
			WithVerbs(r.Verbs...).WithResourceNames(r.ResourceNames...))
	}
	subject := rbacv1ac.Subject().WithKind("ServiceAccount").WithName(s.ServiceAccount).WithNamespace(s.Namespace)
	if s.Scope == ScopeCluster {
		role, err := rbac.ClusterRoles().Apply(ctx, rbacv1ac.ClusterRole(s.Role).WithLabels(s.Labels).WithRules(policy...), apply)
		if err != nil {
			return apiError(err, "create", "ClusterRole", "clusterroles.rbac.authorization.k8s.io", "", s.Role)
		}
		res.UIDs["role"] = string(role.UID)
		binding, err := rbac.ClusterRoleBindings().Apply(ctx, rbacv1ac.ClusterRoleBinding(s.Role).WithLabels(s.Labels).
			WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("ClusterRole").WithName(s.Role)).
			WithSubjects(subject), apply)
		if err != nil {
			return apiError(err, "create", "ClusterRoleBinding", "clusterrolebindings.rbac.authorization.k8s.io", "", s.Role)
		}
		res.UIDs["role_binding"] = string(binding.UID)
		return nil
	}
	ns := s.RoleNS()
	role, err := rbac.Roles(ns).Apply(ctx, rbacv1ac.Role(s.Role, ns).WithLabels(s.Labels).WithRules(policy...), apply)
	if err != nil {
		return apiError(err, "create", "Role", "roles.rbac.authorization.k8s.io", ns, s.Role)
	}
	res.UIDs["role"] = string(role.UID)
	binding, err := rbac.RoleBindings(ns).Apply(ctx, rbacv1ac.RoleBinding(s.Role, ns).WithLabels(s.Labels).
		WithRoleRef(rbacv1ac.RoleRef().WithAPIGroup(rbacv1.GroupName).WithKind("Role").WithName(s.Role)).
		WithSubjects(subject), apply)
	if err != nil {
		return apiError(err, "create", "RoleBinding", "rolebindings.rbac.authorization.k8s.io", ns, s.Role)
	}
	res.UIDs["role_binding"] = string(binding.UID)
	return nil
}

// waitToken watches the token Secret until the token controller fills it.
func (s *Setup) waitToken(ctx context.Context) (token, ca string, err error) {
	api := s.Client.Objects(schema.GroupVersionResource{Version: "v1", Resource: "secrets"}, "Secret", "")
	u, err := api.WaitFor(ctx, s.Namespace, s.SecretName(), func(u *unstructured.Unstructured) (bool, error) {
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
