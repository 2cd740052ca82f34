package acctest

import (
	"crypto/tls"
	"encoding/pem"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"k8s.io/client-go/rest"
)

// Fault is one way the proxy can misbehave.
type Fault string

// The faults the proxy injects.
const (
	Reset       Fault = "reset"       // close the connection without an answer
	Error500    Fault = "500"         // answer 500 without forwarding
	Error503    Fault = "503"         // answer 503 without forwarding
	TooMany429  Fault = "429"         // answer 429 with Retry-After: 1
	Latency     Fault = "latency"     // forward after a delay
	BlackHole   Fault = "black-hole"  // never answer
	ResetAfter  Fault = "reset-after" // forward, then close the connection without passing the answer on
	Error500Fwd Fault = "500-after"   // forward, then answer 500 instead of the API server's answer
)

// FaultProxy sits between the provider and the API server: it terminates TLS
// with a CA of its own, forwards requests with the cluster's admin identity,
// and injects faults at random, at a given rate.
type FaultProxy struct {
	URL    string
	CA     string // PEM of the proxy's CA, for cluster_ca_certificate
	server *httptest.Server

	mu       sync.Mutex
	rate     float64
	faults   []Fault
	latency  time.Duration
	injected map[Fault]int
	seen     int
	turn     int
	// Before runs before a request is forwarded (after the fault choice).
	Before func(r *http.Request)
	// Answer, when set, sees the API server's answer before it is passed
	// on (it may wrap the body to act on what streams through).
	Answer func(r *http.Response)

	Requests  atomic.Int64 // every request that reached the proxy
	Forwarded atomic.Int64
}

// NewFaultProxy starts a proxy in front of the API server of cfg; it stops
// when the test ends.
func NewFaultProxy(t *testing.T, cfg *rest.Config) *FaultProxy {
	t.Helper()
	upstream, err := url.Parse(cfg.Host)
	if err != nil {
		t.Fatal(err)
	}
	transport, err := rest.TransportFor(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := &FaultProxy{injected: map[Fault]int{}, latency: 300 * time.Millisecond}
	reverse := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(upstream)
			r.Out.Header.Del("Authorization") // the upstream identity is the admin's client certificate
		},
		Transport:     transport,
		FlushInterval: -1, // watches stream
		ModifyResponse: func(r *http.Response) error {
			if p.Answer != nil {
				p.Answer(r)
			}
			return nil
		},
	}
	p.server = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.Requests.Add(1)
		fault := p.pick()
		switch fault {
		case Reset:
			hangUp(w)
			return
		case Error500, Error503:
			code := map[Fault]int{Error500: 500, Error503: 503}[fault]
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"injected by the fault proxy","code":` + map[int]string{500: "500", 503: "503"}[code] + `}`))
			return
		case TooMany429:
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusTooManyRequests)
			_, _ = w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"injected by the fault proxy","reason":"TooManyRequests","code":429}`))
			return
		case BlackHole:
			<-r.Context().Done()
			return
		case Latency:
			time.Sleep(p.latency)
		}
		if p.Before != nil {
			p.Before(r)
		}
		p.Forwarded.Add(1)
		switch fault {
		case ResetAfter, Error500Fwd:
			// The API server does the work; the client never learns it.
			rec := httptest.NewRecorder()
			reverse.ServeHTTP(rec, r)
			if fault == ResetAfter {
				hangUp(w)
				return
			}
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		reverse.ServeHTTP(w, r)
	}))
	// HTTP/1.1 only, so that a reset is a real closed connection.
	p.server.TLS = &tls.Config{NextProtos: []string{"http/1.1"}}
	p.server.StartTLS()
	t.Cleanup(p.server.Close)
	p.URL = p.server.URL
	p.CA = string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.server.Certificate().Raw}))
	return p
}

func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		return
	}
	if tcp, ok := conn.(*tls.Conn); ok {
		if raw, ok := tcp.NetConn().(*net.TCPConn); ok {
			_ = raw.SetLinger(0) // RST, not FIN
		}
	}
	_ = conn.Close()
}

// Inject sets the share of requests (0..1) that meet a fault. The faults take
// turns, so that each kind is injected as often as the others, and the share
// is exact rather than left to chance.
func (p *FaultProxy) Inject(rate float64, faults ...Fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rate, p.faults = rate, faults
}

func (p *FaultProxy) pick() Fault {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.faults) == 0 || p.rate <= 0 {
		return ""
	}
	p.seen++
	// Every 1/rate-th request, the next fault in turn.
	every := int(1/p.rate + 0.5)
	if p.seen%every != 0 {
		return ""
	}
	f := p.faults[p.turn%len(p.faults)]
	p.turn++
	p.injected[f]++
	return f
}

// Injected counts the faults injected so far, by kind.
func (p *FaultProxy) Injected() map[Fault]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[Fault]int, len(p.injected))
	for k, v := range p.injected {
		out[k] = v
	}
	return out
}
