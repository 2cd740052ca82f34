package kube

import (
	"errors"
	"fmt"
	"time"
)

// Defaults of the client settings.
const (
	DefaultRequestTimeout = 30 * time.Second
	DefaultMaxRetries     = 3
	// DefaultQPS and DefaultBurst leave room for Terraform's -parallelism=50
	// with several requests per resource: the client never throttles itself.
	DefaultQPS   = 1000
	DefaultBurst = 2000
)

// ExecAPIVersions are the ExecCredential versions a credential plugin may
// speak; the first is the default.
var ExecAPIVersions = []string{"client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"}

// Given is what the provider configuration says about the connection, each
// field named as the configuration names it. A nil field was left out, so its
// environment variables apply. A name in Pending has a value that is not known
// yet (it depends on something not created yet): neither that value nor its
// environment variables are used.
type Given struct {
	ConfigPath            *string
	ConfigPaths           []string // nil when left out
	ConfigContext         *string
	ConfigContextCluster  *string
	ConfigContextAuthInfo *string
	Host                  *string
	Token                 *string
	Username              *string
	Password              *string
	ClientCertificate     *string
	ClientKey             *string
	ClusterCACertificate  *string
	Insecure              *bool
	TLSServerName         *string
	ProxyURL              *string
	Exec                  *ExecSettings // an empty APIVersion means the default
	InCluster             *bool

	RequestTimeout *string
	MaxRetries     *int64
	QPS            *float64
	Burst          *int64

	Pending []string
}

// The rules a resolved setting can break; errors.Is tells which one a
// *SettingError from Resolve broke.
var (
	ErrEnvironment  = errors.New("invalid environment variable")
	ErrNoKubeconfig = errors.New("no kubeconfig found")
	ErrConflict     = errors.New("conflicting connection settings")
	ErrIncomplete   = errors.New("incomplete connection settings")
	ErrPEM          = errors.New("invalid PEM")
	ErrURL          = errors.New("invalid URL")
	ErrDuration     = errors.New("invalid duration")
)

// ruleError is a readable message that errors.Is matches to its rule.
type ruleError struct {
	rule error
	msg  string
}

func (e *ruleError) Error() string        { return e.msg }
func (e *ruleError) Is(target error) bool { return target == e.rule }

// Resolved is the outcome of Resolve: the settings, the client options they
// set, where each came from, and what is wrong with them.
type Resolved struct {
	Settings Settings
	// Options carries the request timeout, retries, QPS and burst only.
	Options Options
	// Source says where each setting that was set came from, such as "the
	// host attribute" or "the environment variable KUBE_HOST".
	Source map[string]string
	// Problems name each setting that breaks a rule (see ErrConflict and
	// the other rules); the settings cannot be used while there are any.
	Problems []*SettingError

	getenv func(string) string
	// pathsField names the setting that gave the kubeconfig files.
	pathsField string
	pending    []string
}

// Resolve reads each setting from the configuration or, when it was left
// out, from its environment variables (getenv is os.Getenv outside tests), in
// the documented order, and checks each value and their combination. It
// reads no file but to skip KUBECONFIG entries that do not exist.
func Resolve(g Given, getenv func(string) string) *Resolved {
	r := &Resolved{Source: map[string]string{}, getenv: getenv, pathsField: "config_path", pending: g.Pending}
	r.Settings = Settings{
		Context:              r.str("config_context", g.ConfigContext, "KUBE_CTX"),
		ContextCluster:       r.str("config_context_cluster", g.ConfigContextCluster, "KUBE_CTX_CLUSTER"),
		ContextAuthInfo:      r.str("config_context_auth_info", g.ConfigContextAuthInfo, "KUBE_CTX_AUTH_INFO"),
		Host:                 r.str("host", g.Host, "KUBE_HOST"),
		Token:                r.str("token", g.Token, "KUBE_TOKEN"),
		Username:             r.str("username", g.Username, "KUBE_USER"),
		Password:             r.str("password", g.Password, "KUBE_PASSWORD"),
		ClientCertificate:    r.str("client_certificate", g.ClientCertificate, "KUBE_CLIENT_CERT_DATA"),
		ClientKey:            r.str("client_key", g.ClientKey, "KUBE_CLIENT_KEY_DATA"),
		ClusterCACertificate: r.str("cluster_ca_certificate", g.ClusterCACertificate, "KUBE_CLUSTER_CA_CERT_DATA"),
		Insecure:             r.boolean("insecure", g.Insecure, "KUBE_INSECURE"),
		TLSServerName:        r.str("tls_server_name", g.TLSServerName, "KUBE_TLS_SERVER_NAME"),
		ProxyURL:             r.str("proxy_url", g.ProxyURL, "KUBE_PROXY_URL"),
		InCluster:            r.boolean("in_cluster", g.InCluster, "KUBE_IN_CLUSTER"),
	}
	r.Settings.Exec = r.exec(g.Exec)
	r.Settings.ConfigPaths = r.configPaths(g)
	r.Options = Options{
		MaxRetries:     int(r.number("max_retries", int64Ptr(g.MaxRetries), "HEDGEHOG_MAX_RETRIES", DefaultMaxRetries)),
		QPS:            float32(r.number("qps", g.QPS, "HEDGEHOG_QPS", DefaultQPS)),
		Burst:          int(r.number("burst", int64Ptr(g.Burst), "HEDGEHOG_BURST", DefaultBurst)),
		RequestTimeout: r.duration("request_timeout", g.RequestTimeout, "HEDGEHOG_REQUEST_TIMEOUT", DefaultRequestTimeout),
	}
	r.validate()
	return r
}

// Connect turns the settings into a REST config. A *SettingError names the
// setting as the configuration gave it (config_path or config_paths) and says
// where its value came from.
func (r *Resolved) Connect() (*Connection, error) {
	conn, err := r.Settings.Connect()
	var se *SettingError
	if !errors.As(err, &se) {
		return conn, err
	}
	field := se.Field
	if field == "config_path" {
		field = r.pathsField
	}
	source := r.Source[field]
	if source == "" {
		source = "the kubeconfig"
	}
	return nil, &SettingError{Field: field, Err: fmt.Errorf("%s (from %s): %w", field, source, se.Err)}
}

// Secrets are the values that logs must never show.
func (s Settings) Secrets() []string {
	var out []string
	for _, v := range []string{s.Token, s.Password, s.ClientKey} {
		if v != "" {
			out = append(out, v)
		}
	}
	return out
}

func (r *Resolved) problem(field string, rule error, format string, args ...any) {
	r.Problems = append(r.Problems, &SettingError{Field: field, Err: &ruleError{rule: rule, msg: fmt.Sprintf(format, args...)}})
}
