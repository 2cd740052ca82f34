package kube

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/util/wait"
)

// Admission webhooks sit between the API server and the store: a write that
// a webhook never judged was never stored. Two of their failures are not the
// write's fault and pass if the write is sent again:
//
//   - the API server could not call a webhook (HTTP 500 "failed calling
//     webhook"): its server is restarting (Hedgehog's fabric controller serves
//     its webhooks; upgrades restart it) or not running. Nothing was stored,
//     so any write may be sent again, until the operation's deadline.
//   - a webhook refused the write for an object it does not know ("vpc X not
//     found"), which the same run created a moment ago: Hedgehog's webhooks
//     read the cluster through an informer cache that lags behind; or for
//     state a controller has not written yet, in words that say so
//     ("vpcinfo not ready: vpc-02: retry later", the gateway's). Asked again
//     for a short while, they pass; a refusal that lasts is the answer.

// cacheLag is how long a refusal that names a missing object is asked
// again.
const cacheLag = 5 * time.Second

var (
	webhookCall   = regexp.MustCompile(`failed calling webhook "([^"]*)"`)
	missingObject = regexp.MustCompile(`(?i)\bnot found\b|\bdoes not exist\b|\bdoesn't exist\b|\bretry later\b`)
)

// IsWebhookUnreachable tells a write that the API server refused because it
// could not call an admission webhook: nothing was stored.
func IsWebhookUnreachable(err error) bool {
	var status apierrors.APIStatus
	if err == nil || !errors.As(err, &status) {
		return false
	}
	st := status.Status()
	return st.Code == http.StatusInternalServerError && webhookCall.MatchString(st.Message)
}

// refusesMissingObject tells an admission refusal that names an object the
// webhook did not find.
func refusesMissingObject(err error) bool {
	_, why, ok := AdmissionRefusal(err)
	return ok && missingObject.MatchString(why)
}

// WebhookUnreachableError is a write that no admission webhook could judge
// until the deadline: nothing was stored.
type WebhookUnreachableError struct {
	Webhook  string // the webhook the API server could not call
	Attempts int
	Since    time.Duration // from the first refusal to the last
	Last     error
}

func (e *WebhookUnreachableError) Error() string {
	return fmt.Sprintf("the API server could not call the admission webhook %q (%d attempts over %s): %v", e.Webhook,
		e.Attempts, e.Since.Round(time.Second), e.Last)
}

func (e *WebhookUnreachableError) Unwrap() error { return e.Last }

// admitted sends a write, and sends it again while the API server cannot
// call an admission webhook (until ctx ends) or, for cacheLag, while a
// webhook refuses it for an object it does not know yet. send must be safe
// to repeat after such refusals, which stored nothing.
func admitted[T any](ctx context.Context, send func() (T, error)) (T, error) {
	backoff := wait.Backoff{Duration: 250 * time.Millisecond, Factor: 1.6, Jitter: 0.3, Steps: 1 << 20, Cap: 5 * time.Second}
	start := time.Now()
	var first time.Time
	for attempt := 1; ; attempt++ {
		v, err := send()
		switch {
		case IsWebhookUnreachable(err):
			if first.IsZero() {
				first = time.Now()
			}
		case refusesMissingObject(err) && time.Since(start) < cacheLag:
		default:
			return v, err
		}
		select {
		case <-ctx.Done():
			if IsWebhookUnreachable(err) {
				name := ""
				if m := webhookCall.FindStringSubmatch(err.Error()); m != nil {
					name = m[1]
				}
				err = &WebhookUnreachableError{Webhook: name, Attempts: attempt, Since: time.Since(first), Last: err}
			}
			return v, err
		case <-time.After(backoff.Step()):
		}
	}
}
