package provider_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// connects is a configuration that proves a connection: it lists the
// fabrics of a namespace that holds one, which needs a working identity.
func connects(t *testing.T, provider string) resource.TestCase {
	ns := acctest.Namespace(t)
	name := acctest.Name("fab")
	applyAs(t, ns, name, "acctest", map[string]any{"name": name, "asn": 65001})
	return resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		PreCheck:                 func() { acctest.PreCheck(t) },
		Steps: []resource.TestStep{{
			Config: acctest.Terraform + provider + fmt.Sprintf(`
data "hedgehog_fabrics" "here" {
  namespace = %q
}
`, ns),
			ConfigStateChecks: []statecheck.StateCheck{
				statecheck.ExpectKnownValue("data.hedgehog_fabrics.here", tfjsonpath.New("names"),
					knownvalue.ListExact([]knownvalue.Check{knownvalue.StringExact(name)})),
			},
		}},
	}
}

func hcl(s string) string { return fmt.Sprintf("%q", s) }

// adminKubeconfig loads the test cluster's admin kubeconfig.
func adminKubeconfig(t *testing.T) *clientcmdapi.Config {
	t.Helper()
	cfg, err := clientcmd.LoadFromFile(acctest.C.Kubeconfig)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func writeKubeconfig(t *testing.T, name string, cfg *clientcmdapi.Config) string {
	t.Helper()
	raw, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	return acctest.WriteFile(t, name, string(raw))
}

// noClientCertificate says why a test that needs the admin identity's client
// certificate cannot run.
const noClientCertificate = acctest.SkipNoClientCert

// adminCredentials are the admin identity's client certificate and key; ok
// is false when its kubeconfig has none (the caller decides what to skip).
func adminCredentials(t *testing.T) (cert, key string, ok bool) {
	cfg := adminKubeconfig(t)
	auth := cfg.AuthInfos[cfg.Contexts[cfg.CurrentContext].AuthInfo]
	return string(auth.ClientCertificateData), string(auth.ClientKeyData), len(auth.ClientCertificateData) > 0
}

func TestAccProvider_kubeconfig(t *testing.T) {
	acctest.PreCheck(t)
	resource.ParallelTest(t, connects(t, fmt.Sprintf("provider \"hedgehog\" {\n  config_path = %s\n}\n", hcl(acctest.C.Kubeconfig))))
}

func TestAccProvider_nonDefaultContext(t *testing.T) {
	acctest.PreCheck(t)
	cfg := adminKubeconfig(t)
	good := cfg.CurrentContext
	// The current context points at a port where nothing listens.
	cfg.Clusters["nowhere"] = &clientcmdapi.Cluster{Server: "https://127.0.0.1:1"}
	cfg.Contexts["broken"] = &clientcmdapi.Context{Cluster: "nowhere", AuthInfo: cfg.Contexts[good].AuthInfo}
	cfg.CurrentContext = "broken"
	path := writeKubeconfig(t, "kubeconfig", cfg)
	resource.ParallelTest(t, connects(t, fmt.Sprintf("provider \"hedgehog\" {\n  config_path = %s\n  config_context = %s\n}\n", hcl(path), hcl(good))))
}

func TestAccProvider_mergedKubeconfigs(t *testing.T) {
	acctest.PreCheck(t)
	cfg := adminKubeconfig(t)
	ctx := cfg.Contexts[cfg.CurrentContext]
	// One file has the cluster and the context, the other the user.
	first := clientcmdapi.NewConfig()
	first.Clusters[ctx.Cluster] = cfg.Clusters[ctx.Cluster]
	first.Contexts[cfg.CurrentContext] = ctx
	first.CurrentContext = cfg.CurrentContext
	second := clientcmdapi.NewConfig()
	second.AuthInfos[ctx.AuthInfo] = cfg.AuthInfos[ctx.AuthInfo]
	a, b := writeKubeconfig(t, "a", first), writeKubeconfig(t, "b", second)
	resource.ParallelTest(t, connects(t, fmt.Sprintf("provider \"hedgehog\" {\n  config_paths = [%s, %s]\n}\n", hcl(a), hcl(b))))
}

func TestAccProvider_hostAndToken(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	token := acctest.ServiceAccountToken(t, ns, "admin", "cluster-admin")
	resource.ParallelTest(t, connects(t, fmt.Sprintf("provider \"hedgehog\" {\n  host = %s\n  token = %s\n  cluster_ca_certificate = %s\n}\n",
		hcl(acctest.C.REST.Host), hcl(token), hcl(acctest.CACert(t)))))
}

func TestAccProvider_hostAndClientCertificate(t *testing.T) {
	acctest.PreCheck(t)
	cert, key, ok := adminCredentials(t)
	if !ok {
		t.Skip(noClientCertificate)
	}
	resource.ParallelTest(t, connects(t, fmt.Sprintf(
		"provider \"hedgehog\" {\n  host = %s\n  client_certificate = %s\n  client_key = %s\n  cluster_ca_certificate = %s\n}\n",
		hcl(acctest.C.REST.Host), hcl(cert), hcl(key), hcl(acctest.CACert(t)))))
}

func TestAccProvider_insecure(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	token := acctest.ServiceAccountToken(t, ns, "admin", "cluster-admin")
	resource.ParallelTest(t, connects(t, fmt.Sprintf("provider \"hedgehog\" {\n  host = %s\n  token = %s\n  insecure = true\n}\n",
		hcl(acctest.C.REST.Host), hcl(token))))
}

// TestAccProvider_proxyURL connects through an HTTP CONNECT proxy and checks
// that the proxy really carried the connection.
func TestAccProvider_proxyURL(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	token := acctest.ServiceAccountToken(t, ns, "admin", "cluster-admin")
	var tunnels atomic.Int32
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect || r.Host != strings.TrimPrefix(acctest.C.REST.Host, "https://") {
			http.Error(w, "this proxy only tunnels to the test's API server", http.StatusForbidden)
			return
		}
		upstream, err := net.Dial("tcp", r.Host)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		conn, _, err := http.NewResponseController(w).Hijack()
		if err != nil {
			_ = upstream.Close()
			return
		}
		tunnels.Add(1)
		_, _ = conn.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		go func() { _, _ = io.Copy(upstream, conn); _ = upstream.Close() }()
		go func() { _, _ = io.Copy(conn, upstream); _ = conn.Close() }()
	}))
	defer proxy.Close()
	resource.ParallelTest(t, connects(t, fmt.Sprintf(
		"provider \"hedgehog\" {\n  host = %s\n  token = %s\n  cluster_ca_certificate = %s\n  proxy_url = %s\n}\n",
		hcl(acctest.C.REST.Host), hcl(token), hcl(acctest.CACert(t)), hcl(proxy.URL))))
	if tunnels.Load() == 0 {
		t.Error("the provider reached the API server without going through proxy_url")
	}
}

func TestAccProvider_execPlugin(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	tokenFile := acctest.WriteFile(t, "token", acctest.ServiceAccountToken(t, ns, "admin", "cluster-admin"))
	log := acctest.WriteFile(t, "exec.log", "")
	tc := connects(t, fmt.Sprintf(`provider "hedgehog" {
  host                   = %s
  cluster_ca_certificate = %s
  exec = {
    api_version = "client.authentication.k8s.io/v1"
    command     = %s
    args        = ["-token-file", %s, "-log", %s]
  }
}
`, hcl(acctest.C.REST.Host), hcl(acctest.CACert(t)), hcl(acctest.ExecPlugin(t)), hcl(tokenFile), hcl(log)))
	tc.Steps[0].Check = func(*terraform.State) error {
		raw, _ := os.ReadFile(log)
		if !strings.Contains(string(raw), "ran with") {
			return fmt.Errorf("the exec plugin never ran")
		}
		return nil
	}
	resource.ParallelTest(t, tc)
}

// The environment-variable tests change the process environment, so they
// do not run in parallel with others.

func TestAccProvider_kubeconfigEnv(t *testing.T) {
	acctest.PreCheck(t)
	t.Setenv("KUBECONFIG", "/nonexistent/kubeconfig"+string(os.PathListSeparator)+acctest.C.Kubeconfig)
	resource.Test(t, connects(t, "provider \"hedgehog\" {}\n"))
}

func TestAccProvider_environmentOnly(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	t.Setenv("KUBE_HOST", acctest.C.REST.Host)
	t.Setenv("KUBE_TOKEN", acctest.ServiceAccountToken(t, ns, "admin", "cluster-admin"))
	t.Setenv("KUBE_CLUSTER_CA_CERT_DATA", acctest.CACert(t))
	t.Setenv("HEDGEHOG_NAMESPACE", ns)
	tc := connects(t, "provider \"hedgehog\" {}\n")
	resource.Test(t, tc)
}

func TestAccProvider_noConfiguration(t *testing.T) {
	acctest.PreCheck(t)
	for _, v := range []string{"KUBECONFIG", "KUBE_CONFIG_PATH", "KUBE_CONFIG_PATHS", "KUBE_HOST", "KUBE_IN_CLUSTER", "KUBE_TOKEN"} {
		t.Setenv(v, "")
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{{
			Config: acctest.Terraform + "provider \"hedgehog\" {}\n\ndata \"hedgehog_fabrics\" \"all\" {}\n",
			ExpectError: acctest.Error("No Kubernetes Connection Configured", "It looked at:",
				"config_path, config_paths, host and in_cluster", "KUBE_CONFIG_PATH, KUBE_CONFIG_PATHS, KUBECONFIG, KUBE_HOST and KUBE_IN_CLUSTER",
				"never falls back"),
		}},
	})
}

func TestAccProvider_unknownHostStillPlans(t *testing.T) {
	acctest.PreCheck(t)
	ns := acctest.Namespace(t)
	token := acctest.ServiceAccountToken(t, ns, "admin", "cluster-admin")
	name := acctest.Name("fab")
	// The host comes from a resource that does not exist yet, as when the
	// cluster is created in the same run.
	cfg := acctest.Terraform + fmt.Sprintf(`
resource "terraform_data" "cluster" {
  input = %s
}

provider "hedgehog" {
  host                   = terraform_data.cluster.output
  token                  = %s
  cluster_ca_certificate = %s
  namespace              = %s
}

resource "hedgehog_fabric" "test" {
  name = %s
  asn  = 65050
}
`, hcl(acctest.C.REST.Host), hcl(token), hcl(acctest.CACert(t)), hcl(ns), hcl(name))
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		CheckDestroy:             gone(t, ns, name),
		Steps: []resource.TestStep{
			{Config: cfg, PlanOnly: true, ExpectNonEmptyPlan: true},
			{
				Config: cfg,
				Check: inCluster(t, ns, name, func(u *unstructured.Unstructured) error {
					return expect(u, int64(65050), "spec", "asn")
				}),
			},
		},
	})
}

// TestAccProvider_permissionDenied: an identity minted by the local control
// plane, with no rights, gets the 403 diagnostic — who, which verb, which
// resource, which namespace, and what to do.
func TestAccProvider_permissionDenied(t *testing.T) {
	acctest.PreCheck(t)
	local := acctest.NeedLocal(t)
	ns := acctest.Namespace(t)
	user, err := local.MintUser("fabric-viewer", "netops")
	if err != nil {
		t.Fatal(err)
	}
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.Factories,
		Steps: []resource.TestStep{{
			Config: acctest.Terraform + fmt.Sprintf("provider \"hedgehog\" {\n  config_path = %q\n}\n", user.Kubeconfig) +
				fabricBlock(ns, "denied", "asn = 65000"),
			ExpectError: acctest.Error("Kubernetes Permission Denied",
				fmt.Sprintf(`"fabric-viewer" may not create fabrics.wiring.githedgehog.com in namespace %q (HTTP 403), so the provider could not create Fabric "denied" in namespace %q.`, ns, ns),
				"Grant that verb with an RBAC rule — the hedgehog_rbac_setup resource creates a role with what this provider needs — or configure an identity that has it.",
				fmt.Sprintf(`API server: fabrics.wiring.githedgehog.com is forbidden: User "fabric-viewer" cannot create resource "fabrics" in API group "wiring.githedgehog.com" in the namespace %q`, ns)),
		}},
	})
}
