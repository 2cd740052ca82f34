package kube

import (
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/url"
	"slices"
	"strings"

	"k8s.io/client-go/util/keyutil"
)

// validate checks the combination of the resolved settings: what cannot go
// together, what needs a partner, and the content of PEM and URL values.
func (r *Resolved) validate() {
	conflict := func(a, b string) {
		if r.set(a) && r.set(b) {
			r.problem(a, ErrConflict, "%s (from %s) cannot be combined with %s (from %s): they are two different ways to "+
				"authenticate or to trust the server. Keep one.", a, r.Source[a], b, r.Source[b])
		}
	}
	conflict("config_path", "config_paths")
	for _, pair := range [][2]string{
		{"token", "client_certificate"}, {"token", "username"}, {"token", "exec"},
		{"exec", "client_certificate"}, {"exec", "username"}, {"username", "client_certificate"},
	} {
		conflict(pair[0], pair[1])
	}
	s := r.Settings
	if s.Insecure {
		conflict("insecure", "cluster_ca_certificate")
	}
	together := func(a, b string) {
		if r.set(a) != r.set(b) {
			missing, present := a, b
			if r.set(a) {
				missing, present = b, a
			}
			r.problem(missing, ErrIncomplete, "%s (from %s) needs %s as well.", present, r.Source[present], missing)
		}
	}
	together("username", "password")
	together("client_certificate", "client_key")
	if s.InCluster {
		for _, other := range []string{"config_path", "config_paths", "config_context", "config_context_cluster",
			"config_context_auth_info", "host", "token", "username", "password", "client_certificate", "client_key",
			"cluster_ca_certificate", "insecure", "tls_server_name", "exec"} {
			conflict("in_cluster", other)
		}
	}

	r.pem("client_certificate", s.ClientCertificate, "CERTIFICATE")
	r.pem("cluster_ca_certificate", s.ClusterCACertificate, "CERTIFICATE")
	r.pem("client_key", s.ClientKey, "PRIVATE KEY")
	r.url("host", s.Host, "http", "https")
	r.url("proxy_url", s.ProxyURL, "http", "https", "socks5")
}

func (r *Resolved) pem(name, value, kind string) {
	if value == "" {
		return
	}
	fail := func(why string) {
		r.problem(name, ErrPEM, "%s (from %s) is not a PEM-encoded %s: %s. Give the PEM text itself (for a file, use "+
			"file(\"...\")), including the -----BEGIN and -----END lines.", name, r.Source[name], strings.ToLower(kind), why)
	}
	if kind == "PRIVATE KEY" {
		if _, err := keyutil.ParsePrivateKeyPEM([]byte(value)); err != nil {
			fail(err.Error())
		}
		return
	}
	rest := []byte(value)
	found := false
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			fail(err.Error())
			return
		}
		found = true
	}
	if !found {
		fail("no CERTIFICATE block found")
	}
}

func (r *Resolved) url(name, value string, schemes ...string) {
	if value == "" {
		return
	}
	u, err := url.Parse(value)
	if err == nil && (u.Host == "" || !slices.Contains(schemes, u.Scheme)) {
		err = fmt.Errorf("it must be a URL with scheme %s and a host", strings.Join(schemes, ", "))
	}
	if err != nil {
		r.problem(name, ErrURL, "%s (from %s) is %q: %v.", name, r.Source[name], value, err)
	}
}
