// The acceptance tests of hedgehog_access_token (longer than most files: the
// test that proves the token never reaches a plan file or the state runs the
// real CLI through a recording proxy and reads the saved plans' archives).

package provider_test

import (
	"archive/zip"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/wiring"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/rbac"
)

// needsEphemeral skips a test on a CLI without ephemeral resources
// (OpenTofu before 1.11, Terraform before 1.10), saying which it is.
func needsEphemeral(t *testing.T) {
	t.Helper()
	path := os.Getenv("TF_ACC_TERRAFORM_PATH")
	out, err := exec.Command(path, "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", path, err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("%s version -json: %v\n%s", path, err, out)
	}
	name, least := "Terraform", 10
	if strings.Contains(filepath.Base(path), "tofu") {
		name, least = "OpenTofu", 11
	}
	var major, minor int
	if _, err := fmt.Sscanf(v.Version, "%d.%d", &major, &minor); err != nil {
		t.Fatalf("%s version %q: %v", path, v.Version, err)
	}
	if major == 1 && minor < least {
		t.Skipf("%s: this CLI is %s %s", acctest.SkipNoEphemeral, name, v.Version)
	}
}

// tokenSetup is a setup without a token and an ephemeral token for its
// service account.
func tokenSetup(ns, sa string) string {
	return fmt.Sprintf(`
resource "hedgehog_rbac_setup" "test" {
  namespace            = %q
  service_account_name = %q
  role_name            = %q
  preset               = "vpc-editor"
  scope                = "namespace"
  token_type           = "none"
}

ephemeral "hedgehog_access_token" "sa" {
  namespace            = hedgehog_rbac_setup.test.namespace
  service_account_name = hedgehog_rbac_setup.test.service_account_name
  service_account_uid  = hedgehog_rbac_setup.test.service_account_uid
  expiration_seconds   = 600
}
`, ns, sa, sa)
}

// jwtPattern matches any JWT (a header that begins {"alg": …).
var jwtPattern = regexp.MustCompile(`eyJhbGciOi[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+`)

// TestAccAccessToken_feedsProvider: the ephemeral token configures a
// provider block (hedgehogsa: see saFactories) that creates what the service account's preset allows
// and is refused, in the API server's words naming the account, what it
// does not; the state holds no token.
func TestAccAccessToken_feedsProvider(t *testing.T) {
	acctest.PreCheck(t)
	needsEphemeral(t)
	ns, sa := acctest.Namespace(t), acctest.Name("sa")
	v4 := acctest.HedgehogName("ip")
	body := fmt.Sprintf(`
resource "hedgehog_ipv4_namespace" "ns" {
  provider = hedgehogsa
  name     = %q
  subnets  = ["10.78.0.0/16"]
}
`, v4)
	config := saConfig(`  host                   = ephemeral.hedgehog_access_token.sa.host
  cluster_ca_certificate = ephemeral.hedgehog_access_token.sa.ca_certificate
  token                  = ephemeral.hedgehog_access_token.sa.token
`, tokenSetup(ns, sa)+body)
	p := presetSetup{ns: ns, sa: sa}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: saFactories,
		CheckDestroy: func(s *terraform.State) error {
			return expectAll(rbacGone(ns, sa, false, false)(s), acctest.Gone(t, vpc.IPv4Namespace, v4)(s))
		},
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(rbacAddr, "token", ""),
					resource.TestCheckResourceAttr(rbacAddr, "kubeconfig", ""),
					func(s *terraform.State) error {
						if acctest.Object(t, vpc.IPv4Namespace, "default", v4) == nil {
							return fmt.Errorf("the provider with the ephemeral token did not create IPv4 namespace %s", v4)
						}
						for addr, r := range s.RootModule().Resources {
							for k, v := range r.Primary.Attributes {
								if jwtPattern.MatchString(v) {
									return fmt.Errorf("%s.%s holds a token", addr, k)
								}
							}
						}
						return nil
					},
				),
			},
			{
				Config: config + fmt.Sprintf(`
resource "hedgehog_vlan_namespace" "refused" {
  provider = hedgehogsa
  name     = %q
  ranges   = [{ from = 1000, to = 2999 }]
}
`, acctest.HedgehogName("vl")),
				ExpectError: p.refusedCreate(wiring.VLANNamespace.GVR(&kinds.Config{}).GroupResource()),
			},
		},
	})
}

// tokenProxy forwards requests to the API server as they come, credential
// included, and records the bearer tokens it saw and whether the API
// server accepted them: the test learns the ephemeral token's value this
// way, without it ever being in the test's configuration.
type tokenProxy struct {
	URL, CA string
	mu      sync.Mutex
	tokens  map[string]int // token → requests the API server answered below 400
}

func newTokenProxy(t *testing.T) *tokenProxy {
	t.Helper()
	upstream, err := url.Parse(acctest.C.REST.Host)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM([]byte(acctest.CACert(t)))
	p := &tokenProxy{tokens: map[string]int{}}
	reverse := &httputil.ReverseProxy{
		Rewrite:       func(r *httputil.ProxyRequest) { r.SetURL(upstream) },
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}},
		FlushInterval: -1,
		ModifyResponse: func(resp *http.Response) error {
			if token, ok := strings.CutPrefix(resp.Request.Header.Get("Authorization"), "Bearer "); ok {
				p.mu.Lock()
				if _, seen := p.tokens[token]; !seen {
					p.tokens[token] = 0
				}
				if resp.StatusCode < 400 {
					p.tokens[token]++
				}
				p.mu.Unlock()
			}
			return nil
		},
	}
	srv := httptest.NewTLSServer(reverse)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	p.CA = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}))
	return p
}

// seen are the tokens the proxy saw, with the requests each got answered.
func (p *tokenProxy) seen() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]int{}
	for k, v := range p.tokens {
		out[k] = v
	}
	return out
}

// planContents is every file inside a saved plan (a zip archive).
func planContents(t *testing.T, path string) map[string][]byte {
	t.Helper()
	r, err := zip.OpenReader(path)
	if err != nil {
		t.Fatalf("the plan file %s is not a zip archive: %v", path, err)
	}
	defer func() { _ = r.Close() }()
	out := map[string][]byte{}
	for _, f := range r.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = raw
	}
	if len(out) == 0 {
		t.Fatalf("the plan file %s is empty", path)
	}
	return out
}

// TestAccAccessToken_neverStored runs the real provider binary through the
// CLI with a saved plan: the ephemeral token is used for real requests (a
// proxy in front of the API server sees them, with the token, accepted),
// and it is in neither the saved plan nor the state — nor is any other
// token.
func TestAccAccessToken_neverStored(t *testing.T) {
	acctest.PreCheck(t)
	needsEphemeral(t)
	t.Parallel()
	proxy := newTokenProxy(t)
	cli := acctest.NewCLI(t)
	dir := t.TempDir()
	ns, sa := acctest.Namespace(t), acctest.Name("sa")
	names := []string{acctest.HedgehogName("ip"), acctest.HedgehogName("ip")}
	write := func(count int) {
		body := ""
		for i := range count {
			body += fmt.Sprintf(`
resource "hedgehog_ipv4_namespace" "ns%d" {
  provider = hedgehog.sa
  name     = %q
  subnets  = ["10.%d.0.0/16"]
}
`, i, names[i], 80+i)
		}
		// A real alias: the real binary runs one process per provider block.
		config := acctest.Provider() + tokenSetup(ns, sa) + fmt.Sprintf(`
provider "hedgehog" {
  alias                  = "sa"
  host                   = %q
  cluster_ca_certificate = %q
  token                  = ephemeral.hedgehog_access_token.sa.token
}
`, proxy.URL, proxy.CA) + body
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(config), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		if out, err := cli.Run(dir, "destroy", "-auto-approve", "-input=false"); err != nil {
			t.Errorf("destroy: %v\n%s", err, out)
		}
	})
	write(1)
	cli.MustRun(t, dir, "init", "-input=false")
	// First run: the service account does not exist at plan time (its UID
	// is unknown), so the token is issued during apply only.
	cli.MustRun(t, dir, "plan", "-input=false", "-out=first.tfplan")
	cli.MustRun(t, dir, "apply", "-input=false", "first.tfplan")
	// Second run: the token is issued during plan (to refresh through the
	// "sa" provider) and again during apply.
	write(2)
	cli.MustRun(t, dir, "plan", "-input=false", "-out=second.tfplan")
	cli.MustRun(t, dir, "apply", "-input=false", "second.tfplan")
	for _, name := range names {
		if acctest.Object(t, vpc.IPv4Namespace, "default", name) == nil {
			t.Fatalf("IPv4 namespace %s was not created through the proxy", name)
		}
	}

	seen := proxy.seen()
	accepted := 0
	for token, ok := range seen {
		c, err := rbac.ReadClaims(token)
		if err != nil || c.Subject != "system:serviceaccount:"+ns+":"+sa {
			t.Fatalf("the proxy saw a credential that is not the service account's token: %q (%v)", c.Subject, err)
		}
		if c.Expires.Sub(c.IssuedAt).Seconds() != 600 {
			t.Errorf("a token for %s, not expiration_seconds = 600", c.Expires.Sub(c.IssuedAt))
		}
		accepted += ok
	}
	// One token for the first apply, one for the second plan, one for its
	// apply.
	if len(seen) < 3 || accepted == 0 {
		t.Fatalf("the proxy saw %d tokens and %d accepted requests: the ephemeral token was not used", len(seen), accepted)
	}

	files := map[string][]byte{}
	for _, plan := range []string{"first.tfplan", "second.tfplan"} {
		for name, raw := range planContents(t, filepath.Join(dir, plan)) {
			files[plan+":"+name] = raw
		}
	}
	for _, name := range []string{"terraform.tfstate", "terraform.tfstate.backup"} {
		raw, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil && name == "terraform.tfstate" {
			t.Fatal(err)
		}
		files[name] = raw
	}
	for name, raw := range files {
		for token := range seen {
			if bytes.Contains(raw, []byte(token)) {
				t.Errorf("%s holds the ephemeral token", name)
			}
		}
		if m := jwtPattern.Find(raw); m != nil {
			t.Errorf("%s holds a token: %.40s…", name, m)
		}
	}
	if !bytes.Contains(files["terraform.tfstate"], []byte(names[1])) {
		t.Fatal("the state does not hold what was applied: the search above searched the wrong file")
	}
}
