package provider_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// TestAccHarness_webhookHost: the cluster's API server reaches a webhook
// served by the test process on acctest.C.WebhookHost — the address the
// Hedgehog stand-in admission webhook will listen on (loopback for the local
// control plane; on kind, the host's gateway address on the cluster's
// network, which the egress guard lets containers reach). A validating
// webhook registered by URL denies ConfigMaps of one namespace with its own
// message, and the test sees that message on a create.
func TestAccHarness_webhookHost(t *testing.T) {
	acctest.PreCheck(t)
	if acctest.C.WebhookHost == "" {
		t.Skip(acctest.SkipWebhookHostUnknown)
	}
	ns := acctest.Namespace(t)
	cert, caPEM := selfSigned(t, acctest.C.WebhookHost)
	ln, err := tls.Listen("tcp", net.JoinHostPort(acctest.C.WebhookHost, "0"), &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	if err != nil {
		t.Fatalf("listening on WebhookHost %s: %v", acctest.C.WebhookHost, err)
	}
	var calls atomic.Int32
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		var review admissionv1.AdmissionReview
		if err := json.NewDecoder(r.Body).Decode(&review); err != nil || review.Request == nil {
			http.Error(w, "not an AdmissionReview", http.StatusBadRequest)
			return
		}
		review.Response = &admissionv1.AdmissionResponse{UID: review.Request.UID, Allowed: false,
			Result: &metav1.Status{Message: "the stand-in webhook saw " + review.Request.Name}}
		review.Request = nil
		_ = json.NewEncoder(w).Encode(&review)
	})}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })

	ctx := context.Background()
	url := fmt.Sprintf("https://%s/validate", ln.Addr().String())
	none, fail := admissionregistrationv1.SideEffectClassNone, admissionregistrationv1.Fail
	timeout := int32(10)
	hook := &admissionregistrationv1.ValidatingWebhookConfiguration{
		ObjectMeta: metav1.ObjectMeta{Name: ns + ".webhook-host.acctest"},
		Webhooks: []admissionregistrationv1.ValidatingWebhook{{
			Name:                    "webhook-host.acctest.hedgehog-terraform.io",
			ClientConfig:            admissionregistrationv1.WebhookClientConfig{URL: &url, CABundle: caPEM},
			Rules:                   []admissionregistrationv1.RuleWithOperations{{Operations: []admissionregistrationv1.OperationType{admissionregistrationv1.Create}, Rule: admissionregistrationv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"configmaps"}}}},
			NamespaceSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"kubernetes.io/metadata.name": ns}},
			SideEffects:             &none,
			FailurePolicy:           &fail,
			TimeoutSeconds:          &timeout,
			AdmissionReviewVersions: []string{"v1"},
		}},
	}
	if _, err := acctest.C.Typed.AdmissionregistrationV1().ValidatingWebhookConfigurations().Create(ctx, hook, metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = acctest.C.Typed.AdmissionregistrationV1().ValidatingWebhookConfigurations().Delete(context.Background(), hook.Name, metav1.DeleteOptions{})
	})
	// The API server picks the registration up from its informer: until then
	// a create passes (and is deleted again).
	var last error
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(time.Second) {
		name := acctest.Name("cm")
		_, last = acctest.C.Typed.CoreV1().ConfigMaps(ns).Create(ctx, &corev1.ConfigMap{ObjectMeta: metav1.ObjectMeta{Name: name}}, metav1.CreateOptions{})
		if last == nil {
			_ = acctest.C.Typed.CoreV1().ConfigMaps(ns).Delete(ctx, name, metav1.DeleteOptions{})
			continue
		}
		if strings.Contains(last.Error(), "the stand-in webhook saw "+name) && calls.Load() > 0 {
			return
		}
		break
	}
	t.Fatalf("the API server should have called the webhook at %s and returned its denial; calls %d, last create: %v", url, calls.Load(), last)
}

// selfSigned is a serving certificate for an IP address, and its PEM as the
// CA bundle.
func selfSigned(t *testing.T, ip string) (tls.Certificate, []byte) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "acctest webhook"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP(ip)}, KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}
