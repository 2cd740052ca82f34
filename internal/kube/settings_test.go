package kube

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"k8s.io/client-go/util/cert"
)

func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func ptr[T any](v T) *T { return &v }

// problem finds the one problem of a setting, failing when there is none.
func problem(t *testing.T, r *Resolved, field string, rule error) string {
	t.Helper()
	for _, p := range r.Problems {
		if p.Field == field && errors.Is(p, rule) {
			return p.Err.Error()
		}
	}
	t.Fatalf("no %q problem on %s; problems: %v", rule, field, r.Problems)
	return ""
}

func noProblems(t *testing.T, r *Resolved) {
	t.Helper()
	if len(r.Problems) > 0 {
		t.Fatalf("unexpected problems: %v", r.Problems)
	}
}

func TestResolvePrecedence(t *testing.T) {
	vars := map[string]string{"KUBE_HOST": "https://env:6443", "KUBE_TOKEN": "env-token", "KUBE_CTX": "env-ctx"}
	r := Resolve(Given{Host: ptr("https://attr:6443")}, env(vars))
	noProblems(t, r)
	if r.Settings.Host != "https://attr:6443" || r.Source["host"] != "the host attribute" {
		t.Fatalf("the attribute must win over KUBE_HOST: %q from %q", r.Settings.Host, r.Source["host"])
	}
	if r.Settings.Token != "env-token" || r.Source["token"] != "the environment variable KUBE_TOKEN" {
		t.Fatalf("a left-out token must come from KUBE_TOKEN: %q from %q", r.Settings.Token, r.Source["token"])
	}
	// An attribute set to "" is still set: the environment does not apply.
	if r := Resolve(Given{ConfigContext: ptr("")}, env(vars)); r.Settings.Context != "" || !r.set("config_context") {
		t.Fatalf("an empty attribute must not fall back to KUBE_CTX: %q", r.Settings.Context)
	}
	// A pending value reads neither the attribute nor the environment.
	r = Resolve(Given{Host: ptr("ignored"), Pending: []string{"host", "token"}}, env(vars))
	if r.Settings.Host != "" || r.Settings.Token != "" || r.set("host") || r.set("token") {
		t.Fatalf("pending settings must stay empty: %+v", r.Settings)
	}
}

func TestResolveKubeconfigPaths(t *testing.T) {
	dir := t.TempDir()
	a, b := writeConfig(t, "a", clientcmdapi.NewConfig()), writeConfig(t, "b", clientcmdapi.NewConfig())
	missing := filepath.Join(dir, "missing")
	all := map[string]string{"KUBE_CONFIG_PATH": a, "KUBE_CONFIG_PATHS": b, "KUBECONFIG": a}
	cases := []struct {
		name       string
		given      Given
		vars       map[string]string
		paths      []string
		field      string
		sourceText string
	}{
		{"config_path first", Given{ConfigPath: ptr(b)}, all, []string{b}, "config_path", "the config_path attribute"},
		{"then config_paths", Given{ConfigPaths: []string{b, a}}, all, []string{b, a}, "config_paths", "the config_paths attribute"},
		{"then KUBE_CONFIG_PATH", Given{}, all, []string{a}, "config_path", "the environment variable KUBE_CONFIG_PATH"},
		{"then KUBE_CONFIG_PATHS", Given{}, map[string]string{"KUBE_CONFIG_PATHS": b + string(filepath.ListSeparator) + a, "KUBECONFIG": a},
			[]string{b, a}, "config_paths", "the environment variable KUBE_CONFIG_PATHS"},
		{"then KUBECONFIG, missing files skipped", Given{}, map[string]string{"KUBECONFIG": missing + string(filepath.ListSeparator) + b},
			[]string{b}, "config_paths", "the environment variable KUBECONFIG"},
		{"none", Given{}, nil, nil, "config_path", ""},
	}
	for _, c := range cases {
		r := Resolve(c.given, env(c.vars))
		noProblems(t, r)
		if strings.Join(r.Settings.ConfigPaths, ",") != strings.Join(c.paths, ",") || r.pathsField != c.field || r.Source[c.field] != c.sourceText {
			t.Errorf("%s: paths %v from %s (%q), want %v from %s (%q)", c.name, r.Settings.ConfigPaths, r.pathsField, r.Source[r.pathsField],
				c.paths, c.field, c.sourceText)
		}
	}

	r := Resolve(Given{}, env(map[string]string{"KUBECONFIG": missing}))
	if msg := problem(t, r, "config_paths", ErrNoKubeconfig); !strings.Contains(msg, "None of the files in KUBECONFIG") {
		t.Fatalf("message %q", msg)
	}

	t.Setenv("HOME", dir)
	if r := Resolve(Given{ConfigPath: ptr("~/kube/config")}, env(nil)); r.Settings.ConfigPaths[0] != filepath.Join(dir, "kube/config") {
		t.Fatalf("~ is not expanded: %v", r.Settings.ConfigPaths)
	}
}

func TestResolveConflictsAndPartners(t *testing.T) {
	host := ptr("https://10.0.0.1:6443")
	cases := []struct {
		name   string
		given  Given
		vars   map[string]string
		field  string
		rule   error
		phrase string
	}{
		{"token and certificate", Given{Host: host, Token: ptr("t"), ClientCertificate: ptr("x"), ClientKey: ptr("y")}, nil,
			"token", ErrConflict, "token (from the token attribute) cannot be combined with client_certificate (from the client_certificate attribute)"},
		{"token from the environment and exec", Given{Host: host, Exec: &ExecSettings{Command: "x"}}, map[string]string{"KUBE_TOKEN": "t"},
			"token", ErrConflict, "token (from the environment variable KUBE_TOKEN) cannot be combined with exec (from the exec attribute)"},
		{"two kubeconfig settings", Given{ConfigPath: ptr("a"), ConfigPaths: []string{"b"}}, nil,
			"config_path", ErrConflict, "cannot be combined with config_paths"},
		{"insecure with a CA", Given{Host: host, Token: ptr("t"), Insecure: ptr(true), ClusterCACertificate: ptr("x")}, nil,
			"insecure", ErrConflict, "cannot be combined with cluster_ca_certificate"},
		{"in-cluster with host", Given{InCluster: ptr(true), Host: host}, nil, "in_cluster", ErrConflict, "cannot be combined with host"},
		{"username without password", Given{Host: host, Username: ptr("u")}, nil,
			"password", ErrIncomplete, "username (from the username attribute) needs password as well."},
		{"key without certificate", Given{Host: host}, map[string]string{"KUBE_CLIENT_KEY_DATA": "k"},
			"client_certificate", ErrIncomplete, "client_key (from the environment variable KUBE_CLIENT_KEY_DATA) needs client_certificate"},
		{"host not a URL", Given{Host: ptr("ftp://example.com"), Token: ptr("t")}, nil, "host", ErrURL, "scheme http, https and a host"},
		{"proxy not a URL", Given{Host: host, ProxyURL: ptr("proxy")}, nil, "proxy_url", ErrURL, "scheme http, https, socks5"},
		{"CA not PEM", Given{Host: host, ClusterCACertificate: ptr("not a pem")}, nil,
			"cluster_ca_certificate", ErrPEM, "is not a PEM-encoded certificate: no CERTIFICATE block found"},
		{"bad certificate inside PEM", Given{Host: host,
			ClusterCACertificate: ptr("-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n")}, nil,
			"cluster_ca_certificate", ErrPEM, "is not a PEM-encoded certificate"},
		{"key not PEM", Given{Host: host, ClientCertificate: ptr("x"), ClientKey: ptr("not a key")}, nil,
			"client_key", ErrPEM, "is not a PEM-encoded private key"},
		{"insecure not a boolean", Given{}, map[string]string{"KUBE_INSECURE": "maybe"}, "insecure", ErrEnvironment, `KUBE_INSECURE="maybe" must be true or false.`},
		{"negative QPS", Given{}, map[string]string{"HEDGEHOG_QPS": "-1"}, "qps", ErrEnvironment, "must be a non-negative number"},
		{"exec args not JSON", Given{}, map[string]string{"KUBE_EXEC_COMMAND": "x", "KUBE_EXEC_ARGS": "-a"}, "exec", ErrEnvironment,
			"KUBE_EXEC_ARGS must be JSON"},
		{"request timeout", Given{RequestTimeout: ptr("soon")}, nil, "request_timeout", ErrDuration,
			`request_timeout (from the request_timeout attribute) is "soon"; it must be a positive duration`},
		{"request timeout zero", Given{}, map[string]string{"HEDGEHOG_REQUEST_TIMEOUT": "0s"}, "request_timeout", ErrDuration,
			"(from the environment variable HEDGEHOG_REQUEST_TIMEOUT)"},
	}
	for _, c := range cases {
		r := Resolve(c.given, env(c.vars))
		if msg := problem(t, r, c.field, c.rule); !strings.Contains(msg, c.phrase) {
			t.Errorf("%s: %q does not say %q", c.name, msg, c.phrase)
		}
	}

	// insecure = false goes with a CA; valid PEM and URLs pass.
	certPEM, keyPEM, err := cert.GenerateSelfSignedCertKey("api.example.com", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	noProblems(t, Resolve(Given{Host: host, Insecure: ptr(false), ClusterCACertificate: ptr(string(certPEM)),
		ClientCertificate: ptr(string(certPEM)), ClientKey: ptr(string(keyPEM)), ProxyURL: ptr("socks5://127.0.0.1:1080")}, env(nil)))
}

func TestResolveOptionsAndExec(t *testing.T) {
	r := Resolve(Given{}, env(nil))
	if o := r.Options; o.RequestTimeout != DefaultRequestTimeout || o.MaxRetries != DefaultMaxRetries || o.QPS != DefaultQPS ||
		o.Burst != DefaultBurst {
		t.Fatalf("defaults: %+v", o)
	}
	r = Resolve(Given{MaxRetries: ptr(int64(0)), Burst: ptr(int64(5))},
		env(map[string]string{"HEDGEHOG_MAX_RETRIES": "7", "HEDGEHOG_QPS": "2.5", "HEDGEHOG_REQUEST_TIMEOUT": "2m"}))
	noProblems(t, r)
	if o := r.Options; o.MaxRetries != 0 || o.QPS != 2.5 || o.Burst != 5 || o.RequestTimeout != 2*time.Minute {
		t.Fatalf("attributes over environment: %+v", o)
	}

	r = Resolve(Given{Exec: &ExecSettings{Command: "get-token"}}, env(nil))
	if r.Settings.Exec.APIVersion != ExecAPIVersions[0] {
		t.Fatalf("exec API version default: %+v", r.Settings.Exec)
	}
	r = Resolve(Given{}, env(map[string]string{"KUBE_EXEC_COMMAND": "get-token", "KUBE_EXEC_API_VERSION": ExecAPIVersions[1],
		"KUBE_EXEC_ARGS": `["--a", "b"]`, "KUBE_EXEC_ENV": `{"K": "v"}`}))
	noProblems(t, r)
	if e := r.Settings.Exec; e.Command != "get-token" || e.APIVersion != ExecAPIVersions[1] || strings.Join(e.Args, " ") != "--a b" ||
		e.Env["K"] != "v" || r.Source["exec"] != "the environment variables KUBE_EXEC_*" {
		t.Fatalf("exec from the environment: %+v", e)
	}

	s := Resolve(Given{Token: ptr("tok"), Password: ptr("pw")}, env(map[string]string{"KUBE_CLIENT_KEY_DATA": "key"})).Settings
	if strings.Join(s.Secrets(), ",") != "tok,pw,key" {
		t.Fatalf("secrets: %v", s.Secrets())
	}
}

// TestResolvedConnect: a Connect error names the setting as given and where
// its value came from.
func TestResolvedConnect(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "none")
	_, err := Resolve(Given{ConfigPaths: []string{missing}}, env(nil)).Connect()
	var se *SettingError
	if !errors.As(err, &se) || se.Field != "config_paths" ||
		!strings.HasPrefix(se.Err.Error(), "config_paths (from the config_paths attribute): cannot read kubeconfig") {
		t.Fatalf("missing file: %v", err)
	}
	full := clientcmdapi.NewConfig()
	full.Clusters["c"] = &clientcmdapi.Cluster{Server: "https://10.0.0.1:6443"}
	full.Contexts["one"] = &clientcmdapi.Context{Cluster: "c"}
	path := writeConfig(t, "full", full)
	_, err = Resolve(Given{ConfigPath: ptr(path)}, env(map[string]string{"KUBE_CTX": "two"})).Connect()
	if !errors.As(err, &se) || se.Field != "config_context" ||
		!strings.HasPrefix(se.Err.Error(), `config_context (from the environment variable KUBE_CTX): context "two" is not in the kubeconfig`) {
		t.Fatalf("missing context: %v", err)
	}
	_, err = Resolve(Given{ConfigPath: ptr(path)}, env(nil)).Connect()
	if !errors.As(err, &se) || se.Field != "config_context" ||
		!strings.HasPrefix(se.Err.Error(), "config_context (from the kubeconfig): the kubeconfig") {
		t.Fatalf("no current context: %v", err)
	}
	full.CurrentContext = "one"
	path = writeConfig(t, "full", full)
	conn, err := Resolve(Given{ConfigPath: ptr(path)}, env(nil)).Connect()
	if err != nil || conn.REST.Host != "https://10.0.0.1:6443" {
		t.Fatalf("connect: %v", err)
	}
	if _, err := Resolve(Given{}, env(nil)).Connect(); !errors.Is(err, ErrNoConfig) {
		t.Fatalf("nothing configured: %v", err)
	}
}
