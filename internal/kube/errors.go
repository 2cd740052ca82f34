package kube

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"regexp"
	"strings"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilnet "k8s.io/apimachinery/pkg/util/net"
)

// Target says what a failed call was about, for the explanation.
type Target struct {
	Verb      string // get, list, watch, create, patch, delete …
	Kind      string // e.g. Fabric
	Resource  string // plural with group, e.g. fabrics.wiring.githedgehog.com
	Version   string // the version the provider asked for
	Namespace string // empty for cluster-scoped objects
	Name      string
}

func (t Target) object() string {
	s := t.Kind
	if t.Name != "" {
		s += fmt.Sprintf(" %q", t.Name)
	}
	if t.Namespace != "" {
		s += fmt.Sprintf(" in namespace %q", t.Namespace)
	}
	return s
}

// IsKindNotFound tells a 404 for the kind itself (the CRD is missing or the
// version is not served) from a 404 for one object.
func IsKindNotFound(err error) bool {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Code != http.StatusNotFound {
		return false
	}
	d := status.Status().Details
	return d == nil || d.Name == ""
}

// MayHaveHappened tells whether a failed request may still have been carried
// out by the API server: the connection broke, or the server failed, after
// the request was sent. A clear refusal (4xx other than 429) did not happen.
func MayHaveHappened(err error) bool {
	var notStored *NotStoredError
	if IsWebhookUnreachable(err) || errors.As(err, &notStored) {
		return false // refused before the store, or read back as absent
	}
	var status apierrors.APIStatus
	if errors.As(err, &status) {
		code := status.Status().Code
		return code >= 500 || code == http.StatusTooManyRequests
	}
	var (
		maybe *MaybeDoneError
		open  *UnavailableError
	)
	if errors.As(err, &maybe) {
		return true
	}
	return !errors.As(err, &open) && !neverSent(err)
}

// neverSent: no address, or no listener, so the request left nothing behind.
func neverSent(err error) bool {
	var dns *net.DNSError
	return errors.As(err, &dns) || utilnet.IsConnectionRefused(err)
}

// IsObjectNotFound is a 404 for an object of a kind the server does serve.
func IsObjectNotFound(err error) bool {
	return apierrors.IsNotFound(err) && !IsKindNotFound(err)
}

var forbidden = regexp.MustCompile(`User "([^"]*)" cannot (\S+) resource "([^"]*)"(?: in API group "([^"]*)")?(?: in the namespace "([^"]*)")?`)

// Explain turns an error from a call into a summary and a detail that say what
// happened and what to do; the detail ends with the API server's own words.
func (c *Client) Explain(err error, t Target) (summary, detail string) {
	var unavailable *UnavailableError
	if errors.As(err, &unavailable) {
		return "Kubernetes API Server Unavailable", fmt.Sprintf(
			"Could not %s %s: %v\n\nCheck that the cluster is running and reachable from here (host, proxy_url), then run again.",
			t.Verb, t.object(), err)
	}
	var status apierrors.APIStatus
	if !errors.As(err, &status) {
		return c.explainTransport(err, t)
	}
	st := status.Status()
	if IsWebhookUnreachable(err) {
		return webhookUnreachable(err, t)
	}
	switch {
	case IsAdmissionDenied(err):
		return admissionDenied(st.Message, t)
	case st.Code == http.StatusUnauthorized:
		return "Kubernetes Credentials Rejected", fmt.Sprintf(
			"The API server at %s rejected %s (HTTP 401) while trying to %s %s. The credential is wrong, expired or not known to this cluster: "+
				"renew it (a new token, a current kubeconfig) or check which context and user the provider uses.\n\nAPI server: %s",
			c.Host, c.Identity, t.Verb, t.object(), st.Message)
	case st.Code == http.StatusForbidden:
		// The API server's own words say exactly who was refused what.
		who, verb, resource, namespace := c.Identity, t.Verb, t.Resource, t.Namespace
		if m := forbidden.FindStringSubmatch(st.Message); m != nil {
			who, verb, resource, namespace = fmt.Sprintf("%q", m[1]), m[2], m[3], m[5]
			if m[4] != "" {
				resource += "." + m[4]
			}
		}
		where := "cluster-wide"
		if namespace != "" {
			where = fmt.Sprintf("in namespace %q", namespace)
		}
		return "Kubernetes Permission Denied", fmt.Sprintf(
			"%s may not %s %s %s (HTTP 403), so the provider could not %s %s. Grant that verb with an RBAC rule — the "+
				"hedgehog_rbac_setup resource creates a role with what this provider needs — or configure an identity that has it."+
				"\n\nAPI server: %s",
			who, verb, resource, where, t.Verb, t.object(), st.Message)
	case IsKindNotFound(err):
		group := t.Resource
		if i := strings.Index(group, "."); i >= 0 {
			group = group[i+1:]
		}
		return fmt.Sprintf("%s Kind Not Served", t.Kind), fmt.Sprintf(
			"The API server at %s does not serve %s in version %s: the CustomResourceDefinition %s is not installed, or it does not serve %s. "+
				"Install it with the hedgehog_crds resource (it can sit in the same configuration as the %s resources) and check the "+
				"provider's fabric_api_group (%s) and fabric_api_version (%s).\n\nAPI server: %s",
			c.Host, t.Resource, t.Version, t.Resource, t.Version, t.Kind, group, t.Version, st.Message)
	case st.Code == http.StatusConflict && st.Reason == metav1.StatusReasonConflict && conflictCauses(st) != "":
		return "Field Manager Conflict", fmt.Sprintf(
			"Applying %s conflicts with fields that another field manager owns:\n%s\nSet force_conflicts = true to take those fields over, "+
				"or stop the other manager from setting them.\n\nAPI server: %s", t.object(), conflictCauses(st), st.Message)
	case st.Code == http.StatusConflict && st.Reason == metav1.StatusReasonAlreadyExists:
		return "Object Already Exists", fmt.Sprintf("%s already exists.\n\nAPI server: %s", t.object(), st.Message)
	case st.Code == http.StatusConflict:
		return "Concurrent Modification", fmt.Sprintf(
			"%s changed between the provider's read and its write. Run the plan again to see the current object.\n\nAPI server: %s",
			t.object(), st.Message)
	case st.Code == http.StatusUnprocessableEntity:
		return "Invalid " + t.Kind, fmt.Sprintf("The API server rejected %s:\n%s\nAPI server: %s", t.object(), invalidCauses(st), st.Message)
	case st.Code == http.StatusTooManyRequests || st.Code >= 500:
		return "Kubernetes API Server Error", fmt.Sprintf(
			"Could not %s %s: the API server answered HTTP %d after every retry. It is overloaded or failing; run again later.\n\nAPI server: %s",
			t.Verb, t.object(), st.Code, st.Message)
	}
	return "Kubernetes API Error", fmt.Sprintf("Could not %s %s (HTTP %d, %s).\n\nAPI server: %s", t.Verb, t.object(), st.Code, st.Reason, st.Message)
}

func (c *Client) explainTransport(err error, t Target) (string, string) {
	var (
		unknownCA x509.UnknownAuthorityError
		hostname  x509.HostnameError
		invalid   x509.CertificateInvalidError
		record    tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknownCA):
		return "Kubernetes TLS Verification Failed", fmt.Sprintf(
			"The certificate of the API server at %s is not signed by a trusted certificate authority. Set cluster_ca_certificate "+
				"(or the kubeconfig's certificate-authority) to the cluster's CA. insecure = true would skip verification, which lets "+
				"anyone in the network path impersonate the cluster.\n\nError: %v", c.Host, err)
	case errors.As(err, &hostname):
		return "Kubernetes TLS Verification Failed", fmt.Sprintf(
			"The certificate of the API server at %s is not valid for that name. Use a host name the certificate covers, or set "+
				"tls_server_name to one it does.\n\nError: %v", c.Host, err)
	case errors.As(err, &invalid):
		return "Kubernetes TLS Verification Failed", fmt.Sprintf(
			"The certificate of the API server at %s is not valid (expired or not yet valid, or not for server use).\n\nError: %v", c.Host, err)
	case errors.As(err, &record):
		return "Kubernetes TLS Handshake Failed", fmt.Sprintf(
			"The server at %s does not speak TLS: check that host starts with https:// and names the API server's secure port.\n\nError: %v",
			c.Host, err)
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return "Kubernetes Request Timed Out", fmt.Sprintf(
			"Could not %s %s in time: %v\n\nRaise the timeout, or check that the API server is healthy.", t.Verb, t.object(), err)
	}
	return "Cannot Reach the Kubernetes API Server", fmt.Sprintf(
		"Could not %s %s at %s: %v\n\nCheck host (or the kubeconfig's server), that the API server is running, and proxy_url if a proxy is needed.",
		t.Verb, t.object(), c.Host, err)
}

func conflictCauses(st metav1.Status) string {
	if st.Details == nil {
		return ""
	}
	var b strings.Builder
	for _, c := range st.Details.Causes {
		if c.Type == metav1.CauseTypeFieldManagerConflict {
			fmt.Fprintf(&b, "  - %s: %s\n", c.Field, c.Message)
		}
	}
	return b.String()
}

func invalidCauses(st metav1.Status) string {
	if st.Details == nil || len(st.Details.Causes) == 0 {
		return ""
	}
	var b strings.Builder
	for _, c := range st.Details.Causes {
		fmt.Fprintf(&b, "  - %s: %s\n", c.Field, c.Message)
	}
	return b.String()
}

// ConflictManagers lists the field managers named in a server-side apply
// conflict.
func ConflictManagers(err error) []string {
	var status apierrors.APIStatus
	if !errors.As(err, &status) || status.Status().Details == nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range status.Status().Details.Causes {
		if c.Type != metav1.CauseTypeFieldManagerConflict {
			continue
		}
		if m := conflictManager.FindStringSubmatch(c.Message); m != nil && !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	return out
}

var conflictManager = regexp.MustCompile(`conflict with "([^"]*)"`)

var admissionMessage = regexp.MustCompile(`admission webhook "([^"]*)" denied the request: (?s)(.*)`)

// admissionDenied explains a refusal by an admission webhook: the rule it
// names needed the cluster's other objects, so no plan could check it.
func admissionDenied(message string, t Target) (string, string) {
	who, why := "an admission webhook", message
	if m := admissionMessage.FindStringSubmatch(message); m != nil {
		who, why = fmt.Sprintf("the admission webhook %q", m[1]), m[2]
	}
	what := "The rule depends on other objects in the cluster, so the plan could not check it: change the configuration " +
		"as the message says, then apply again."
	if t.Verb == "delete" {
		what = "The object is most likely still in use by others (Hedgehog refuses to delete what other objects reference): " +
			"delete those first, or let Terraform order the deletes by referring to this resource from theirs."
	}
	return "Refused by Admission Webhook", fmt.Sprintf("The cluster refused to %s %s: %s\n\n%s\n\nRefused by %s.",
		t.Verb, t.object(), why, what, who)
}

// webhookUnreachable explains a write that the API server refused because
// it could not call an admission webhook.
func webhookUnreachable(err error, t Target) (string, string) {
	name, tried := "", ""
	if m := webhookCall.FindStringSubmatch(err.Error()); m != nil {
		name = m[1]
	}
	var e *WebhookUnreachableError
	if errors.As(err, &e) {
		tried = fmt.Sprintf(" The provider asked again %d times over %s, until the operation's timeout.", e.Attempts,
			e.Since.Round(time.Second))
	}
	return "Admission Webhook Unreachable", fmt.Sprintf(
		"The API server could not call the admission webhook %q, which must judge every write of %s, so it refused to %s "+
			"%s: nothing was stored.%s The webhook's server is restarting or not running: on a Hedgehog fabric it is the "+
			"fabric controller (kubectl -n fab get pods; upgrades restart it). Once it answers, apply again (or raise "+
			"timeouts to ride out a restart).\n\nAPI server: %s", name, t.Resource, t.Verb, t.object(), tried, apiMessage(err))
}

func apiMessage(err error) string {
	var st apierrors.APIStatus
	if errors.As(err, &st) {
		return st.Status().Message
	}
	return err.Error()
}

// AdmissionRefusal splits the refusal of an admission webhook into who
// refused (`the admission webhook "name"`) and its own words; ok is false
// for other errors.
func AdmissionRefusal(err error) (who, why string, ok bool) {
	var status apierrors.APIStatus
	if !IsAdmissionDenied(err) || !errors.As(err, &status) {
		return "", "", false
	}
	message := status.Status().Message
	if m := admissionMessage.FindStringSubmatch(message); m != nil {
		return fmt.Sprintf("the admission webhook %q", m[1]), m[2], true
	}
	return "an admission policy", message, true
}
