package provider_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"k8s.io/client-go/tools/clientcmd"
	"k8s.io/client-go/util/cert"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// TestAccSecurity_noSecretsInTraceLogs runs apply, plan and destroy with
// TF_LOG=TRACE through the real CLI and provider binary, authenticating with a
// token, a client certificate and an exec plugin in turn, and searches the
// whole log and the CLI's output for the configuration's secrets and for the
// token that hedgehog_rbac_setup obtained. Without a client certificate in the
// cluster's admin kubeconfig, only that case is skipped.
func TestAccSecurity_noSecretsInTraceLogs(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	ns := acctest.Namespace(t)
	token := acctest.ServiceAccountToken(t, ns, "admin", "cluster-admin")
	execToken := acctest.ServiceAccountToken(t, ns, "exec-admin", "cluster-admin")
	certPEM, keyPEM, haveCert := adminCredentials(t)
	ca := acctest.CACert(t)
	tokenFile := acctest.WriteFile(t, "token", execToken)

	type method struct {
		name     string
		provider string
		secrets  []string
		skip     string
	}
	methods := []method{
		{name: "token", provider: fmt.Sprintf("host = %q\n  token = %q\n  cluster_ca_certificate = %q", acctest.C.REST.Host, token, ca),
			secrets: []string{token}},
		{name: "client_certificate", skip: noClientCertificate},
		{name: "exec", provider: fmt.Sprintf("host = %q\n  cluster_ca_certificate = %q\n  exec = {\n    command = %q\n    args = [\"-token-file\", %q]\n  }",
			acctest.C.REST.Host, ca, acctest.ExecPlugin(t), tokenFile), secrets: []string{execToken}},
	}
	if haveCert {
		methods[1] = method{name: "client_certificate", provider: fmt.Sprintf(
			"host = %q\n  client_certificate = %q\n  client_key = %q\n  cluster_ca_certificate = %q",
			acctest.C.REST.Host, certPEM, keyPEM, ca), secrets: []string{pemBody(t, keyPEM)}}
	}
	for _, m := range methods {
		t.Run(m.name, func(t *testing.T) {
			if m.skip != "" {
				t.Skip(m.skip)
			}
			logFile := filepath.Join(t.TempDir(), "trace.log")
			cli := acctest.NewCLI(t, "TF_LOG=TRACE", "TF_LOG_PATH="+logFile)
			work := t.TempDir()
			name := acctest.Name("sec")
			config := acctest.Terraform + fmt.Sprintf("provider \"hedgehog\" {\n  %s\n  namespace = %q\n}\n", m.provider, ns) + fmt.Sprintf(`
resource "hedgehog_fabric" "f" {
  name = %q
  asn  = 65000
}

resource "hedgehog_rbac_setup" "r" {
  service_account_name = %q
  role_name            = %q
  scope                = "namespace"
}

output "kubeconfig" {
  value     = hedgehog_rbac_setup.r.kubeconfig
  sensitive = true
}
`, name, name, name)
			if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
				t.Fatal(err)
			}
			var output strings.Builder
			output.WriteString(cli.MustRun(t, work, "init", "-input=false"))
			output.WriteString(cli.MustRun(t, work, "apply", "-auto-approve", "-input=false"))
			// The token the rbac setup obtained (by default a bound
			// TokenRequest token, which only the state holds), read from
			// its kubeconfig output; that output is not part of what is
			// searched below.
			kc, err := clientcmd.Load([]byte(cli.MustRun(t, work, "output", "-raw", "kubeconfig")))
			issued := ""
			if err == nil {
				for _, auth := range kc.AuthInfos {
					issued = auth.Token
				}
			}
			if issued == "" {
				t.Fatalf("the rbac setup's kubeconfig output holds no token (%v): the test would prove nothing", err)
			}
			secrets := append([]string{issued}, m.secrets...)
			output.WriteString(cli.MustRun(t, work, "plan", "-input=false"))
			output.WriteString(cli.MustRun(t, work, "destroy", "-auto-approve", "-input=false"))

			raw, err := os.ReadFile(logFile)
			if err != nil {
				t.Fatal(err)
			}
			log := string(raw)
			if !strings.Contains(log, "Kubernetes API request") || !strings.Contains(log, "tf_provider_addr") ||
				!strings.Contains(log, "serviceaccounts") {
				t.Fatalf("the TRACE log lacks the provider's request lines (%d bytes): the test would prove nothing", len(raw))
			}
			for i, secret := range secrets {
				what := "the rbac setup's token"
				if i > 0 {
					what = "a " + m.name + " secret"
				}
				if strings.Contains(log, secret) {
					t.Errorf("%s appears in the TRACE log", what)
				}
				if strings.Contains(output.String(), secret) {
					t.Errorf("%s appears in the CLI output", what)
				}
			}
			if !t.Failed() {
				t.Logf("%s: %d bytes of TRACE log, none of %d secrets in it or in the output", m.name, len(raw), len(secrets))
			}
		})
	}
}

func pemBody(t *testing.T, p string) string {
	t.Helper()
	block, _ := pem.Decode([]byte(p))
	if block == nil {
		t.Fatal("not PEM")
	}
	// A long run of the base64 body: unmistakable when it leaks.
	lines := strings.Split(strings.TrimSpace(p), "\n")
	return lines[1]
}

// TestAccSecurity_tls: a CA that did not sign the API server's certificate
// fails with a clear TLS error; leaving the CA out does not imply insecure;
// insecure = true works and logs a warning.
func TestAccSecurity_tls(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	token := acctest.ServiceAccountToken(t, ns, "admin", "cluster-admin")
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	other, err := cert.NewSelfSignedCACert(cert.Config{CommonName: "some-other-ca"}, key)
	if err != nil {
		t.Fatal(err)
	}
	wrongCA := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: other.Raw}))
	data := fmt.Sprintf("\ndata \"hedgehog_fabrics\" \"x\" {\n  namespace = %q\n}\n", ns)
	provider := func(lines ...string) string {
		return acctest.Terraform + fmt.Sprintf("provider \"hedgehog\" {\n  host = %q\n  token = %q\n  %s\n}\n",
			acctest.C.REST.Host, token, strings.Join(lines, "\n  ")) + data
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{
			{
				Config:      provider(fmt.Sprintf("cluster_ca_certificate = %q", wrongCA)),
				ExpectError: acctest.Error("Kubernetes TLS Verification Failed", "not signed by a trusted certificate authority", "cluster_ca_certificate"),
			},
			{
				Config:      provider(),
				ExpectError: acctest.Error("Kubernetes TLS Verification Failed", "not signed by a trusted certificate authority"),
			},
		},
	})

	// insecure = true: works, with a warning in the provider's log.
	logFile := filepath.Join(t.TempDir(), "warn.log")
	cli := acctest.NewCLI(t, "TF_LOG_PROVIDER=WARN", "TF_LOG_PATH="+logFile)
	work := t.TempDir()
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(provider("insecure = true")), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.MustRun(t, work, "init", "-input=false")
	cli.MustRun(t, work, "plan", "-input=false")
	raw, _ := os.ReadFile(logFile)
	if !strings.Contains(string(raw), "TLS verification of the API server is off") {
		t.Fatalf("no warning about insecure = true in the provider log:\n%s", raw)
	}
}

// TestAccLoad applies 1000 fabrics with -parallelism=50 through the real CLI
// and provider: no error, no client-side throttling, a healthy API server,
// an empty plan, and a destroy that removes them all.
func TestAccLoad(t *testing.T) {
	acctest.PreCheck(t)
	t.Parallel()
	ns := acctest.Namespace(t)
	logFile := filepath.Join(t.TempDir(), "provider.log")
	cli := acctest.NewCLI(t, "TF_LOG_PROVIDER=WARN", "TF_LOG_PATH="+logFile)
	work := t.TempDir()
	config := acctest.Terraform + fmt.Sprintf("provider \"hedgehog\" {\n  config_path = %q\n}\n", acctest.C.Kubeconfig) +
		manyFabrics(ns, 1000, 65000)
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.MustRun(t, work, "init", "-input=false")
	start := time.Now()
	cli.MustRun(t, work, "apply", "-auto-approve", "-input=false", "-parallelism=50")
	applied := time.Since(start)
	if n := len(acctest.Fabrics(t, ns)); n != 1000 {
		t.Fatalf("%d fabrics in the cluster after the apply, want 1000", n)
	}
	raw, err := acctest.C.Typed.Discovery().RESTClient().Get().AbsPath("/readyz").DoRaw(context.Background())
	if err != nil || string(raw) != "ok" {
		t.Fatalf("the API server is not healthy after the load: %s %v", raw, err)
	}
	if out, err := cli.Run(work, "plan", "-detailed-exitcode", "-input=false", "-parallelism=50"); err != nil {
		t.Fatalf("the plan after the apply is not empty:\n%s", out)
	}
	start = time.Now()
	cli.MustRun(t, work, "destroy", "-auto-approve", "-input=false", "-parallelism=50")
	destroyed := time.Since(start)
	if n := len(acctest.Fabrics(t, ns)); n != 0 {
		t.Fatalf("%d fabrics left after destroy", n)
	}
	log, _ := os.ReadFile(logFile)
	if strings.Contains(string(log), "client-side throttling") {
		t.Fatal("the provider throttled itself under -parallelism=50")
	}
	t.Logf("1000 fabrics, -parallelism=50: apply %s, destroy %s", applied.Round(100*time.Millisecond), destroyed.Round(100*time.Millisecond))
}
