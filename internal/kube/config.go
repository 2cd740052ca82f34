// Package kube is the Kubernetes client underneath every resource of the
// provider: it turns connection settings into a REST config, keeps one HTTP
// client per provider instance, retries what is safe to retry, stops calling a
// dead API server, and explains API failures in words a user can act on.
//
// It knows nothing of Terraform: the provider hands it the values its
// configuration gives (Given), Resolve adds the environment variables and
// checks them, and the provider turns errors into diagnostics.
package kube

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"k8s.io/client-go/rest"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Settings are the resolved connection settings of one provider instance.
type Settings struct {
	// ConfigPaths are kubeconfig files merged in order (the first file to set
	// a value wins, as with KUBECONFIG).
	ConfigPaths []string
	// Context, ContextCluster and ContextAuthInfo select from the kubeconfig.
	Context         string
	ContextCluster  string
	ContextAuthInfo string

	Host                 string
	Token                string
	Username             string
	Password             string
	ClientCertificate    string // PEM
	ClientKey            string // PEM
	ClusterCACertificate string // PEM
	Insecure             bool
	TLSServerName        string
	ProxyURL             string
	Exec                 *ExecSettings

	// InCluster uses the pod's service account; it excludes every other way.
	InCluster bool
}

// ExecSettings describe a client-go credential plugin.
type ExecSettings struct {
	APIVersion string
	Command    string
	Args       []string
	Env        map[string]string
}

// ErrNoConfig means that nothing said where the cluster is.
var ErrNoConfig = errors.New("no Kubernetes connection is configured")

// SettingError is a problem with one setting; Field names the setting as the
// provider's configuration calls it.
type SettingError struct {
	Field string
	Err   error
}

func (e *SettingError) Error() string { return e.Field + ": " + e.Err.Error() }
func (e *SettingError) Unwrap() error { return e.Err }

func settingErr(field, format string, args ...any) error {
	return &SettingError{Field: field, Err: fmt.Errorf(format, args...)}
}

// Connection is a ready REST config plus a description of who it speaks for.
type Connection struct {
	REST *rest.Config
	// Identity says which credential is used and where it came from, for
	// error messages; it never holds a secret.
	Identity string
}

// Connect resolves the settings into a REST config. It reads kubeconfig
// files but does not contact the cluster.
func (s Settings) Connect() (*Connection, error) {
	if s.InCluster {
		cfg, err := rest.InClusterConfig()
		if err != nil {
			return nil, settingErr("in_cluster", "in-cluster configuration is not available here: %w", err)
		}
		return &Connection{REST: cfg, Identity: "the pod's service account (in-cluster configuration)"}, nil
	}

	overrides := s.overrides()
	if len(s.ConfigPaths) > 0 {
		return s.fromKubeconfig(overrides)
	}
	if s.Host == "" {
		return nil, ErrNoConfig
	}
	cfg, err := clientcmd.NewDefaultClientConfig(*clientcmdapi.NewConfig(), overrides).ClientConfig()
	if err != nil {
		return nil, settingErr("host", "%w", err)
	}
	return &Connection{REST: cfg, Identity: describeAuth(cfg) + " from the provider configuration"}, nil
}

func (s Settings) fromKubeconfig(overrides *clientcmd.ConfigOverrides) (*Connection, error) {
	var readable []string
	for _, p := range s.ConfigPaths {
		if _, err := os.Stat(p); err != nil {
			return nil, settingErr("config_path", "cannot read kubeconfig %q: %w", p, err)
		}
		readable = append(readable, p)
	}
	rules := &clientcmd.ClientConfigLoadingRules{Precedence: readable}
	raw, err := rules.Load()
	if err != nil {
		return nil, settingErr("config_path", "cannot load kubeconfig: %w", err)
	}

	context := raw.CurrentContext
	if s.Context != "" {
		context = s.Context
		if _, ok := raw.Contexts[context]; !ok {
			return nil, settingErr("config_context", "context %q is not in the kubeconfig (%s); it has: %s",
				context, strings.Join(readable, ", "), keys(raw.Contexts))
		}
	}
	if s.ContextCluster != "" {
		if _, ok := raw.Clusters[s.ContextCluster]; !ok {
			return nil, settingErr("config_context_cluster", "cluster %q is not in the kubeconfig; it has: %s",
				s.ContextCluster, keys(raw.Clusters))
		}
	}
	if s.ContextAuthInfo != "" {
		if _, ok := raw.AuthInfos[s.ContextAuthInfo]; !ok {
			return nil, settingErr("config_context_auth_info", "user %q is not in the kubeconfig; it has: %s",
				s.ContextAuthInfo, keys(raw.AuthInfos))
		}
	}
	if context == "" && s.Host == "" {
		return nil, settingErr("config_context", "the kubeconfig (%s) has no current-context; set config_context to one of: %s",
			strings.Join(readable, ", "), keys(raw.Contexts))
	}

	cfg, err := clientcmd.NewNonInteractiveClientConfig(*raw, context, overrides, rules).ClientConfig()
	if err != nil {
		return nil, settingErr("config_path", "kubeconfig %s, context %q: %w", strings.Join(readable, ", "), context, err)
	}
	identity := fmt.Sprintf("%s from kubeconfig %s (context %q)", describeAuth(cfg), strings.Join(readable, ", "), context)
	return &Connection{REST: cfg, Identity: identity}, nil
}

func (s Settings) overrides() *clientcmd.ConfigOverrides {
	o := &clientcmd.ConfigOverrides{CurrentContext: s.Context}
	o.Context.Cluster = s.ContextCluster
	o.Context.AuthInfo = s.ContextAuthInfo
	o.ClusterInfo.Server = s.Host
	o.ClusterInfo.InsecureSkipTLSVerify = s.Insecure
	o.ClusterInfo.TLSServerName = s.TLSServerName
	o.ClusterInfo.ProxyURL = s.ProxyURL
	if s.ClusterCACertificate != "" {
		o.ClusterInfo.CertificateAuthorityData = []byte(s.ClusterCACertificate)
	}
	o.AuthInfo.Token = s.Token
	o.AuthInfo.Username = s.Username
	o.AuthInfo.Password = s.Password
	if s.ClientCertificate != "" {
		o.AuthInfo.ClientCertificateData = []byte(s.ClientCertificate)
	}
	if s.ClientKey != "" {
		o.AuthInfo.ClientKeyData = []byte(s.ClientKey)
	}
	if e := s.Exec; e != nil {
		exec := &clientcmdapi.ExecConfig{
			APIVersion:      e.APIVersion,
			Command:         e.Command,
			Args:            e.Args,
			InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
		}
		for _, k := range sortedKeys(e.Env) {
			exec.Env = append(exec.Env, clientcmdapi.ExecEnvVar{Name: k, Value: e.Env[k]})
		}
		o.AuthInfo.Exec = exec
	}
	return o
}

// describeAuth names the kind of credential in cfg without revealing it.
func describeAuth(cfg *rest.Config) string {
	switch {
	case cfg.ExecProvider != nil:
		return fmt.Sprintf("the exec credential plugin %q", cfg.ExecProvider.Command)
	case cfg.BearerToken != "" || cfg.BearerTokenFile != "":
		return "a bearer token"
	case len(cfg.CertData) > 0 || cfg.CertFile != "":
		return "a client certificate"
	case cfg.Username != "":
		return fmt.Sprintf("basic authentication as %q", cfg.Username)
	case cfg.AuthProvider != nil:
		return fmt.Sprintf("the auth provider %q", cfg.AuthProvider.Name)
	default:
		return "no credentials (anonymous)"
	}
}

func keys[V any](m map[string]V) string {
	if len(m) == 0 {
		return "(none)"
	}
	return strings.Join(sortedKeys(m), ", ")
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Options tune the client built from a Connection.
type Options struct {
	// RequestTimeout bounds one attempt of a request (watches excepted).
	RequestTimeout time.Duration
	// MaxRetries is how many times a failed request is tried again.
	MaxRetries int
	QPS        float32
	Burst      int
	// UserAgent identifies the provider to the API server.
	UserAgent string
	// Log receives one line per request; nil means no logging.
	Log LogFunc
	// Warn receives warnings the API server attaches to responses.
	Warn func(ctx context.Context, message string)
}
