package provider_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/acctest"
)

// TestAccInvalidConfigurations plans invalid configurations of every
// resource, data source and the provider block: each must fail at plan, with
// a message that names the attribute and the rule.
func TestAccInvalidConfigurations(t *testing.T) {
	acctest.PreCheck(t)
	kubeconfig := fmt.Sprintf("config_path = %q", acctest.C.Kubeconfig)
	pem := "-----BEGIN CERTIFICATE-----\\nbm90IGEgY2VydA==\\n-----END CERTIFICATE-----\\n"
	provider := func(lines ...string) string {
		return acctest.Terraform + "provider \"hedgehog\" {\n  " + strings.Join(lines, "\n  ") + "\n}\n" +
			"data \"hedgehog_fabrics\" \"x\" {}\n"
	}
	fabric := func(body string) string {
		return acctest.Config("resource \"hedgehog_fabric\" \"x\" {\n  name = \"ok\"\n" + body + "\n}\n")
	}
	rbac := func(body string) string {
		return acctest.Config("resource \"hedgehog_rbac_setup\" \"x\" {\n" + body + "\n}\n")
	}
	data := func(body string) string { return acctest.Config(body) }
	crds := func(body string) string {
		return acctest.Config("resource \"hedgehog_crds\" \"x\" {\n" + body + "\n}\n")
	}

	cases := []struct {
		name    string
		config  string
		phrases []string
	}{
		// The provider block.
		{"token with client certificate", provider(`host = "https://127.0.0.1:6443"`, `token = "t"`, `client_certificate = "x"`, `client_key = "y"`),
			[]string{"Conflicting Connection Settings", "token (from the token attribute) cannot be combined with client_certificate"}},
		{"bad CA PEM", provider(`host = "https://127.0.0.1:6443"`, `token = "t"`, `cluster_ca_certificate = "not a pem"`),
			[]string{"Invalid PEM", "cluster_ca_certificate", "is not a PEM-encoded certificate"}},
		{"bad certificate inside PEM", provider(`host = "https://127.0.0.1:6443"`, `token = "t"`, `cluster_ca_certificate = "`+pem+`"`),
			[]string{"Invalid PEM", "cluster_ca_certificate", "is not a PEM-encoded certificate"}},
		{"certificate without key", provider(`host = "https://127.0.0.1:6443"`, `client_certificate = "x"`),
			[]string{"Incomplete Connection Settings", "client_certificate", "needs client_key"}},
		{"username without password", provider(`host = "https://127.0.0.1:6443"`, `username = "u"`),
			[]string{"Incomplete Connection Settings", "username", "needs password"}},
		{"context not in kubeconfig", provider(kubeconfig, `config_context = "nope"`),
			[]string{"Invalid Kubernetes Connection Setting", "config_context", `context "nope" is not in the kubeconfig`}},
		{"cluster not in kubeconfig", provider(kubeconfig, `config_context_cluster = "nope"`),
			[]string{"config_context_cluster", `cluster "nope" is not in the kubeconfig`}},
		{"unreadable kubeconfig", provider(`config_path = "/nonexistent/kubeconfig"`),
			[]string{"Invalid Kubernetes Connection Setting", "config_path", `cannot read kubeconfig "/nonexistent/kubeconfig"`}},
		{"config_path with config_paths", provider(kubeconfig, fmt.Sprintf("config_paths = [%q]", acctest.C.Kubeconfig)),
			[]string{"Conflicting Connection Settings", "config_path", "cannot be combined with config_paths"}},
		{"host not a URL", provider(`host = "ftp://example.com"`, `token = "t"`),
			[]string{"Invalid URL", "host", "scheme http, https"}},
		{"proxy not a URL", provider(kubeconfig, `proxy_url = "proxy"`),
			[]string{"Invalid URL", "proxy_url", "scheme http, https, socks5"}},
		{"request timeout", provider(kubeconfig, `request_timeout = "soon"`),
			[]string{"Invalid Duration", "request_timeout", "positive duration"}},
		{"max retries", provider(kubeconfig, `max_retries = 11`),
			[]string{"max_retries", "value must be between 0 and 10"}},
		{"namespace", provider(kubeconfig, `namespace = "Hedgehog_System"`),
			[]string{"Invalid Kubernetes Name", "namespace", "RFC 1123 label"}},
		{"API group", provider(kubeconfig, `fabric_api_group = "nodots"`),
			[]string{"Invalid API Group", "fabric_api_group", "DNS subdomain with at least one dot"}},
		{"API version", provider(kubeconfig, `fabric_api_version = "version1"`),
			[]string{"fabric_api_version", "must be a Kubernetes API version"}},
		{"in-cluster with host", provider(`in_cluster = true`, `host = "https://127.0.0.1:6443"`),
			[]string{"Conflicting Connection Settings", "in_cluster", "cannot be combined with host"}},
		{"insecure with CA", provider(`host = "https://127.0.0.1:6443"`, `token = "t"`, `insecure = true`, `cluster_ca_certificate = "x"`),
			[]string{"Conflicting Connection Settings", "insecure", "cannot be combined with cluster_ca_certificate"}},
		{"exec API version", provider(`host = "https://127.0.0.1:6443"`, `exec = { api_version = "v9", command = "x" }`),
			[]string{"exec.api_version", "value must be one of"}},
		{"qps", provider(kubeconfig, `qps = 0`), []string{"qps", "value must be at least 1"}},

		// hedgehog_fabric.
		{"fabric name", acctest.Config(`resource "hedgehog_fabric" "x" {
  name = "Fabric_1"
  asn  = 65000
}`), []string{"Invalid Kubernetes Name", "name", "RFC 1123 label"}},
		{"fabric ASN zero", fabric(`  asn = 0`), []string{"asn", "value must be between 1 and 4294967294"}},
		{"fabric ASN reserved", fabric(`  asn = 4294967295`), []string{"asn", "value must be between 1 and 4294967294"}},
		{"fabric ASN missing", fabric(``), []string{"Missing required argument", `"asn" is required`}},
		{"negative spine count", fabric("  asn = 65000\n  spine_count = -1"), []string{"spine_count", "value must be at least 0"}},
		{"negative leaf count", fabric("  asn = 65000\n  leaf_count = -2"), []string{"leaf_count", "value must be at least 0"}},
		{"fabric namespace", fabric("  asn = 65000\n  namespace = \"Prod\""), []string{"Invalid Kubernetes Name", "namespace", "RFC 1123 label"}},
		{"label key", fabric("  asn = 65000\n  labels = { \"bad key!\" = \"x\" }"),
			[]string{"Invalid Kubernetes Label Key", `label key "bad key!" is not valid`}},
		{"label value", fabric("  asn = 65000\n  labels = { site = \"" + strings.Repeat("a", 64) + "\" }"),
			[]string{"Invalid Kubernetes Label Value", `for key "site" is not valid`, "63"}},
		{"reserved label", fabric("  asn = 65000\n  labels = { \"hedgehog-terraform.github.io/managed\" = \"no\" }"),
			[]string{"Reserved Label", "set by the provider"}},
		{"annotation key", fabric("  asn = 65000\n  annotations = { \"-nope\" = \"x\" }"),
			[]string{"Invalid Kubernetes Annotation Key", `annotation key "-nope" is not valid`}},
		{"description too long", fabric("  asn = 65000\n  description = \"" + strings.Repeat("d", 1025) + "\""),
			[]string{"description", "string length must be at most 1024"}},
		{"timeout", fabric("  asn = 65000\n  timeouts = { create = \"forever\" }"),
			[]string{"Invalid Duration", "timeouts.create", `"forever" must be a positive duration`}},

		// hedgehog_rbac_setup.
		{"RBAC scope", rbac(`  scope = "global"`), []string{"scope", `value must be one of: ["cluster" "namespace"]`}},
		{"RBAC token type", rbac(`  token_type = "forever"`), []string{"token_type", `value must be one of: ["bound" "secret" "none"]`}},
		{"RBAC token lifetime", rbac(`  token_expiration_seconds = 60`), []string{"token_expiration_seconds", "between 600 and 31536000"}},
		{"RBAC renewal", rbac(`  token_renewal_percent = 100`), []string{"token_renewal_percent", "between 1 and 99"}},
		{"RBAC service account", rbac(`  service_account_name = "Bad!"`), []string{"Invalid Kubernetes Name", "service_account_name", "DNS subdomain"}},
		{"RBAC empty verbs", rbac(`  rules = [{ api_groups = [""], resources = ["pods"], verbs = [] }]`),
			[]string{"rules[0].verbs", "list must contain at least 1 elements"}},
		{"RBAC empty verb", rbac(`  rules = [{ api_groups = [""], resources = ["pods"], verbs = [""] }]`),
			[]string{"rules[0].verbs[0]", "string length must be at least 1"}},
		{"RBAC empty resource", rbac(`  rules = [{ api_groups = [""], resources = [""], verbs = ["get"] }]`),
			[]string{"rules[0].resources[0]", "string length must be at least 1"}},

		// hedgehog_crds has one setting, a bool: only its type can be wrong.
		{"crds delete_on_destroy", crds(`  delete_on_destroy = "sometimes"`), []string{"delete_on_destroy", "bool"}},

		// Data sources.
		{"fabric data source name", data(`data "hedgehog_fabric" "x" { name = "UPPER" }`),
			[]string{"Invalid Kubernetes Name", "name", "RFC 1123 label"}},
		{"label selector", data(`data "hedgehog_fabrics" "x" { label_selector = "tier in (" }`),
			[]string{"Invalid Selector", "label_selector", "must be a Kubernetes label selector"}},
		{"field selector", data(`data "hedgehog_fabrics" "x" { field_selector = "metadata.name" }`),
			[]string{"Invalid Selector", "field_selector", "must be a Kubernetes field selector"}},
		{"namespace with all namespaces", data(`data "hedgehog_fabrics" "x" {
  namespace      = "a"
  all_namespaces = true
}`), []string{"Invalid Attribute Combination", `"all_namespaces" cannot be specified when "namespace" is specified`}},
		{"health service account", data(`data "hedgehog_cluster_health" "x" { service_account = "nope" }`),
			[]string{"service_account", "must be <namespace>/<name>"}},
		{"health timeout", data(`data "hedgehog_cluster_health" "x" { check_timeout = "0s" }`),
			[]string{"Invalid Duration", "check_timeout", "positive duration"}},
		{"health nodes", data(`data "hedgehog_cluster_health" "x" { min_ready_nodes = -1 }`),
			[]string{"min_ready_nodes", "value must be at least 0"}},
	}
	for _, c := range cases {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.Factories,
				Steps: []resource.TestStep{{
					Config:      c.config,
					PlanOnly:    true,
					ExpectError: acctest.Error(c.phrases...),
				}},
			})
		})
	}
}
