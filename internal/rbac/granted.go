package rbac

import (
	"context"
	"fmt"
	"strings"
	"time"

	authorizationv1 "k8s.io/api/authorization/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
)

// GrantWait bounds how long Reconcile waits for the API server's authorizer
// to apply a new or changed role.
const GrantWait = time.Minute

// NotGrantedError: the role and binding were written, but the API server
// did not grant what they say within GrantWait.
type NotGrantedError struct {
	Review string // the access review that was still denied
	Reason string // the authorizer's reason, if it gave one
}

func (e *NotGrantedError) Error() string {
	return fmt.Sprintf("after %s the API server still denies %s (%s)", GrantWait, e.Review, e.Reason)
}

// waitGranted asks the API server, by SubjectAccessReview, until it allows
// the service account the first verb of each rule. The RBAC authorizer
// learns of a new binding a moment after it is stored; a client that uses
// the token at once — a provider block configured from this setup's outputs
// in the same run — would be refused in between. There is nothing to watch
// for that moment: the reviews are asked again with a growing interval. An
// identity that may not create access reviews skips the wait.
func (s *Setup) waitGranted(ctx context.Context, rules []rbacv1.PolicyRule) error {
	reviews := s.Client.Typed.AuthorizationV1().SubjectAccessReviews()
	groups := []string{"system:serviceaccounts", "system:serviceaccounts:" + s.Namespace, "system:authenticated"}
	ctx, cancel := context.WithTimeout(ctx, GrantWait)
	defer cancel()
	for _, r := range rules {
		attrs := reviewOf(r, s.RoleNS())
		var last *authorizationv1.SubjectAccessReview
		backoff := wait.Backoff{Duration: 50 * time.Millisecond, Factor: 2, Cap: 2 * time.Second, Steps: 1 << 20}
		err := wait.ExponentialBackoffWithContext(ctx, backoff, func(ctx context.Context) (bool, error) {
			review, err := reviews.Create(ctx, &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
				User: s.Subject(), Groups: groups, ResourceAttributes: attrs}}, metav1.CreateOptions{})
			if err != nil {
				return false, err
			}
			last = review
			return review.Status.Allowed, nil
		})
		switch {
		case err == nil:
		case apierrors.IsForbidden(err) || apierrors.IsNotFound(err):
			return nil
		case last != nil && ctx.Err() != nil:
			return &NotGrantedError{Review: describe(attrs), Reason: last.Status.Reason}
		default:
			return apiError(err, "create", "SubjectAccessReview", "subjectaccessreviews.authorization.k8s.io", "", "")
		}
	}
	return nil
}

// reviewOf is the access review of a rule's first verb on its first
// resource (and name), in namespace.
func reviewOf(r rbacv1.PolicyRule, namespace string) *authorizationv1.ResourceAttributes {
	first := func(l []string) string {
		if len(l) == 0 {
			return ""
		}
		return l[0]
	}
	resource, sub, _ := strings.Cut(first(r.Resources), "/")
	return &authorizationv1.ResourceAttributes{Namespace: namespace, Verb: first(r.Verbs), Group: first(r.APIGroups),
		Resource: resource, Subresource: sub, Name: first(r.ResourceNames)}
}

func describe(a *authorizationv1.ResourceAttributes) string {
	what := a.Resource
	if a.Subresource != "" {
		what += "/" + a.Subresource
	}
	if a.Group != "" {
		what += "." + a.Group
	}
	return fmt.Sprintf("%s %s in namespace %q", a.Verb, what, a.Namespace)
}
