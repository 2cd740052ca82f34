package rbac

import (
	"errors"
	"strings"
	"testing"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kube"
)

func TestDue(t *testing.T) {
	now := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339) }
	cases := []struct {
		name      string
		expiresAt string
		percent   int64
		want      bool
	}{
		{"fresh", at(600 * time.Second), 30, false},
		{"just above the threshold", at(181 * time.Second), 30, false},
		{"below the threshold", at(179 * time.Second), 30, true},
		{"expired", at(-time.Second), 30, true},
		{"99 % after a few seconds", at(593 * time.Second), 99, true},
		{"unreadable", "soon", 30, true},
		{"empty (a Secret token)", "", 30, true},
	}
	for _, c := range cases {
		if got := Due(c.expiresAt, 600, c.percent, now); got != c.want {
			t.Errorf("%s: Due = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestKubeconfig(t *testing.T) {
	s := &Setup{Namespace: "netbox", ServiceAccount: "plugin",
		Client: &kube.Client{Host: "https://10.0.0.1:6443", REST: &rest.Config{Host: "https://10.0.0.1:6443"}}}
	raw, err := s.Kubeconfig("the-token", "CA PEM")
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.Load([]byte(raw))
	if err != nil {
		t.Fatalf("the kubeconfig does not load: %v", err)
	}
	ctx := cfg.Contexts[cfg.CurrentContext]
	if cfg.CurrentContext != "plugin@10.0.0.1:6443" || ctx.Namespace != "netbox" {
		t.Fatalf("context %q: %+v", cfg.CurrentContext, ctx)
	}
	cluster, user := cfg.Clusters[ctx.Cluster], cfg.AuthInfos[ctx.AuthInfo]
	if cluster.Server != "https://10.0.0.1:6443" || string(cluster.CertificateAuthorityData) != "CA PEM" ||
		cluster.InsecureSkipTLSVerify || user.Token != "the-token" {
		t.Fatalf("cluster %+v, user %+v", cluster, user)
	}

	// Without a CA, the kubeconfig verifies TLS exactly when the provider does.
	for _, insecure := range []bool{false, true} {
		s.Client.REST.Insecure = insecure
		raw, _ := s.Kubeconfig("t", "")
		cfg, _ := clientcmd.Load([]byte(raw))
		if got := cfg.Clusters[cfg.CurrentContext].InsecureSkipTLSVerify; got != insecure {
			t.Errorf("insecure provider %v: kubeconfig insecure %v", insecure, got)
		}
	}
}

func TestParts(t *testing.T) {
	s := &Setup{ServiceAccount: "plugin", TokenType: TokenSecret}
	if strings.Join(s.Parts(), ",") != "namespace,service_account,role,role_binding,token_secret" || s.SecretName() != "plugin-token" {
		t.Fatalf("secret token: %v, %s", s.Parts(), s.SecretName())
	}
	s.TokenType = TokenBound
	if strings.Join(s.Parts(), ",") != "namespace,service_account,role,role_binding" {
		t.Fatalf("bound token: %v", s.Parts())
	}
}

func TestBuiltIn(t *testing.T) {
	for _, c := range []struct {
		resource, name string
		want           bool
	}{
		{"serviceaccounts", "default", true}, {"configmaps", "kube-root-ca.crt", true},
		{"serviceaccounts", "plugin", false}, {"configmaps", "default", false}, {"fabrics", "kube-root-ca.crt", false},
	} {
		if got := builtIn(c.resource, c.name); got != c.want {
			t.Errorf("builtIn(%s, %s) = %v", c.resource, c.name, got)
		}
	}
}

func TestErrors(t *testing.T) {
	a, b := errors.New("a"), errors.New("b")
	if got := Errors(errors.Join(a, b)); len(got) != 2 || got[0] != a || got[1] != b {
		t.Fatalf("joined: %v", got)
	}
	if got := Errors(a); len(got) != 1 || got[0] != a {
		t.Fatalf("single: %v", got)
	}
	if got := Errors(nil); got != nil {
		t.Fatalf("nil: %v", got)
	}
	var api *APIError
	err := apiError(a, "get", "Role", "roles.rbac.authorization.k8s.io", "ns", "r")
	if !errors.As(err, &api) || api.Target.Verb != "get" || api.Target.Name != "r" || !errors.Is(err, a) {
		t.Fatalf("APIError: %v", err)
	}
}
