package kube

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"

	utilnet "k8s.io/apimachinery/pkg/util/net"
)

// The errors the transport returns in its own words: none of them may look
// like something client-go's own retry layer repeats, and each must keep what
// MayHaveHappened needs to know.

// UnavailableError is returned without calling the API server once it failed
// breakerThreshold attempts in a row. It has no Unwrap, and its text words
// the first failure in the transport's own terms (see ConnectionLostError):
// client-go would otherwise take it for a reset connection and repeat the
// request, up to ten times, against a breaker that is known to be open.
type UnavailableError struct {
	Host     string
	Failures uint32
	First    error
}

func (e *UnavailableError) Error() string {
	return fmt.Sprintf("the API server at %s failed %d attempts in a row, so it is not called again for %s; the first failure was: %s",
		e.Host, e.Failures, breakerOpen, plainWords(e.First))
}

// ConnectionLostError is the transport's answer when its last attempt lost
// the connection after the request was sent: reset, closed, cut, or no
// answer in time. client-go's own retry layer recognises such failures by
// type (ECONNRESET, net.Error timeouts) and by text ("connection reset by
// peer", "use of closed network connection" …), and would repeat the whole
// request — each time with all of this transport's attempts — up to ten more
// times. So this error does not unwrap to the network error and says what
// happened in its own words; Cause keeps the original for whoever needs it,
// and errors.Is still sees through it (context.DeadlineExceeded, for one).
type ConnectionLostError struct {
	Attempts int
	Cause    error
}

func (e *ConnectionLostError) Error() string {
	if e.Attempts == 1 {
		return plainWords(e.Cause)
	}
	return fmt.Sprintf("%s (%d attempts)", plainWords(e.Cause), e.Attempts)
}

func (e *ConnectionLostError) Is(target error) bool { return errors.Is(e.Cause, target) }

// retriedByClientGo is what client-go's Request.request and Request.Watch
// retry by themselves.
func retriedByClientGo(err error) bool {
	return utilnet.IsConnectionReset(err) || utilnet.IsProbableEOF(err) || utilnet.IsHTTP2ConnectionLost(err) ||
		utilnet.IsTimeout(err)
}

// plainWords describes a failure without the phrases client-go matches on.
func plainWords(err error) string {
	if err == nil {
		return "unknown"
	}
	what := ""
	switch msg := strings.ToLower(err.Error()); {
	case utilnet.IsConnectionReset(err) || strings.Contains(msg, "connection reset by peer"):
		what = "the connection was reset (ECONNRESET)"
	case strings.Contains(msg, "goaway"):
		what = "the server closed the HTTP/2 connection (GOAWAY)"
	case strings.Contains(msg, "http2: client connection lost"):
		what = "the HTTP/2 connection was lost"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(msg, "closed network connection"),
		strings.Contains(msg, "broken connection"):
		what = "the connection closed before the answer was complete"
	default:
		var timeout interface{ Timeout() bool }
		if errors.As(err, &timeout) && timeout.Timeout() && !errors.Is(err, context.DeadlineExceeded) {
			what = "the connection timed out"
			break
		}
		return err.Error()
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Addr != nil {
		return fmt.Sprintf("%s %s %s: %s", op.Op, op.Net, op.Addr, what)
	}
	return what
}

// MaybeDoneError is a request whose last attempt never reached the API
// server (refused, unknown host, breaker open) while an earlier attempt did,
// and lost its answer: the request may have been carried out all the same.
// MayHaveHappened says so; the rest of the explanation comes from Last.
type MaybeDoneError struct {
	Attempts int
	Last     error
}

func (e *MaybeDoneError) Error() string {
	return fmt.Sprintf("%s (after %d attempts; an earlier one reached the API server and its answer was lost, so the request "+
		"may have been carried out)", plainWords(e.Last), e.Attempts)
}

func (e *MaybeDoneError) Unwrap() error { return e.Last }
