package rbac

import (
	"context"
	"errors"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// Observed is a setup as the cluster has it.
type Observed struct {
	// UIDs are the UIDs of the parts that exist and are not being deleted.
	UIDs map[string]string
	// Rules are the role's; nil when the role is gone.
	Rules []rbacv1.PolicyRule
	// Token is the token Secret's, with TokenSecret, when the Secret exists.
	Token *Token
}

// Read reads every part. With imported set, the setup's token type is not
// known yet: Read sets it from what the cluster has (TokenSecret when a
// service-account-token Secret of the setup's name exists).
func (s *Setup) Read(ctx context.Context, imported bool) (*Observed, error) {
	core, rbac := s.Client.Typed.CoreV1(), s.Client.Typed.RbacV1()
	obs := &Observed{UIDs: map[string]string{}}
	var errs []error
	found := func(part string, meta metav1.Object, err error, kind, resource, namespace, name string) bool {
		switch {
		case err == nil && meta.GetDeletionTimestamp() == nil:
			obs.UIDs[part] = string(meta.GetUID())
			return true
		case err == nil || apierrors.IsNotFound(err):
			return false
		}
		errs = append(errs, apiError(err, "get", kind, resource, namespace, name))
		return false
	}
	ns, err := core.Namespaces().Get(ctx, s.Namespace, metav1.GetOptions{})
	found("namespace", ns, err, "Namespace", "namespaces", "", s.Namespace)
	sa, err := core.ServiceAccounts(s.Namespace).Get(ctx, s.ServiceAccount, metav1.GetOptions{})
	found("service_account", sa, err, "ServiceAccount", "serviceaccounts", s.Namespace, s.ServiceAccount)
	if s.Scope == ScopeCluster {
		role, err := rbac.ClusterRoles().Get(ctx, s.Role, metav1.GetOptions{})
		if found("role", role, err, "ClusterRole", "clusterroles.rbac.authorization.k8s.io", "", s.Role) {
			obs.Rules = role.Rules
		}
		b, err := rbac.ClusterRoleBindings().Get(ctx, s.Role, metav1.GetOptions{})
		found("role_binding", b, err, "ClusterRoleBinding", "clusterrolebindings.rbac.authorization.k8s.io", "", s.Role)
	} else {
		ns := s.RoleNS()
		role, err := rbac.Roles(ns).Get(ctx, s.Role, metav1.GetOptions{})
		if found("role", role, err, "Role", "roles.rbac.authorization.k8s.io", ns, s.Role) {
			obs.Rules = role.Rules
		}
		b, err := rbac.RoleBindings(ns).Get(ctx, s.Role, metav1.GetOptions{})
		found("role_binding", b, err, "RoleBinding", "rolebindings.rbac.authorization.k8s.io", ns, s.Role)
	}
	secret, err := core.Secrets(s.Namespace).Get(ctx, s.SecretName(), metav1.GetOptions{})
	if imported {
		s.TokenType = TokenBound
		if err == nil && secret.Type == corev1.SecretTypeServiceAccountToken {
			s.TokenType = TokenSecret
		}
	}
	if s.TokenType == TokenSecret && found("token_secret", secret, err, "Secret", "secrets", s.Namespace, s.SecretName()) {
		obs.Token = &Token{Value: string(secret.Data["token"]), SecretName: s.SecretName(), CA: string(secret.Data["ca.crt"])}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return obs, nil
}
