package kube

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/metadata"
	"k8s.io/client-go/rest"
	"k8s.io/client-go/util/flowcontrol"
)

// Client is the one connection of a provider instance: every resource and
// data source shares its HTTP client (and so its HTTP/2 connection).
type Client struct {
	Host     string
	Identity string
	REST     *rest.Config
	HTTP     *http.Client
	Dynamic  dynamic.Interface
	Metadata metadata.Interface
	Typed    kubernetes.Interface

	mu    sync.Mutex
	kinds map[objectsKey]*Objects
	rest  map[schema.GroupVersion]*rest.RESTClient
}

// New builds the client. It does not contact the API server: the first
// request does (and runs an exec credential plugin, if one is configured).
func New(conn *Connection, opts Options) (*Client, error) {
	cfg := rest.CopyConfig(conn.REST)
	cfg.QPS = opts.QPS
	cfg.Burst = opts.Burst
	if opts.QPS > 0 {
		cfg.RateLimiter = &limiter{RateLimiter: flowcontrol.NewTokenBucketRateLimiter(opts.QPS, opts.Burst), opts: opts}
	}
	cfg.UserAgent = opts.UserAgent
	// The transport bounds each attempt itself; rest.Config.Timeout would
	// bound all retries together.
	cfg.Timeout = 0
	cfg.WarningHandlerWithContext = warnings{opts.Warn}

	host := cfg.Host
	if u, err := url.Parse(cfg.Host); err == nil && u.Host != "" {
		host = u.Host
	}
	cfg.Wrap(func(rt http.RoundTripper) http.RoundTripper { return newTransport(rt, host, opts) })

	httpClient, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return nil, fmt.Errorf("cannot build an HTTP client for %s: %w", cfg.Host, err)
	}
	dyn, err := dynamic.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, err
	}
	typed, err := kubernetes.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, err
	}
	meta, err := metadata.NewForConfigAndClient(cfg, httpClient)
	if err != nil {
		return nil, err
	}
	return &Client{
		Host:     cfg.Host,
		Identity: conn.Identity,
		REST:     cfg,
		HTTP:     httpClient,
		Dynamic:  dyn,
		Metadata: meta,
		Typed:    typed,
	}, nil
}

// Session returns a client that shares this one's connection but starts with
// no snapshots: the provider takes one per Terraform operation (each
// ConfigureProvider call), so that no read is served from an earlier one.
func (c *Client) Session() *Client {
	return &Client{Host: c.Host, Identity: c.Identity, REST: c.REST, HTTP: c.HTTP,
		Dynamic: c.Dynamic, Metadata: c.Metadata, Typed: c.Typed}
}

// limiter is client-go's token bucket, telling when it held a request back:
// the defaults are meant never to throttle Terraform's parallelism.
type limiter struct {
	flowcontrol.RateLimiter
	opts Options
}

func (l *limiter) Wait(ctx context.Context) error {
	if l.TryAccept() {
		return nil
	}
	if l.opts.Log != nil {
		l.opts.Log(ctx, "client-side throttling", map[string]any{"qps": l.opts.QPS, "burst": l.opts.Burst, "level": "warn"})
	}
	return l.RateLimiter.Wait(ctx)
}

type warnings struct{ warn func(context.Context, string) }

func (w warnings) HandleWarningHeaderWithContext(ctx context.Context, code int, _ string, message string) {
	if code == 299 && message != "" && w.warn != nil {
		w.warn(ctx, message)
	}
}
