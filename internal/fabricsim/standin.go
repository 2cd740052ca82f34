package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/kubernetes"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/crds"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

// StandInOptions tune the Hedgehog stand-in.
type StandInOptions struct {
	// Host is where the webhook listens, an address the cluster's API
	// server reaches (127.0.0.1 for a local control plane).
	Host string
	// AgentDelay is how long a simulated switch takes to apply a change.
	AgentDelay time.Duration
	Fabric     FabricConfig
	// CachedReads makes the webhook read the objects its rules need from
	// informers, as upstream's does, instead of asking the API server on
	// every request; a name it has not cached yet is still read from the API
	// server. The benchmarks use it: its cost is then upstream's, not the
	// stand-in's. Tests do not: a rule that reads a cache can miss an object
	// written a moment earlier.
	CachedReads bool
}

// StandIn is the Hedgehog stand-in on a cluster: the CRDs of the Hedgehog
// kinds (derived from their declarations), their admission webhook, and the
// simulated controller and switch agents. Tests and the demo use it; it is
// never part of the provider.
type StandIn struct {
	webhook *Webhook
	stop    context.CancelFunc
	done    chan struct{}
}

// StartStandIn installs and starts the stand-in.
func StartStandIn(ctx context.Context, dyn dynamic.Interface, typed kubernetes.Interface, opts StandInOptions) (*StandIn, error) {
	if err := InstallCRDs(ctx, dyn, hedgehog.Kinds()...); err != nil {
		return nil, err
	}
	runCtx, stop := context.WithCancel(context.Background())
	h := NewHedgehog(dyn, opts.Fabric)
	if opts.CachedReads {
		if err := h.store.useInformers(runCtx); err != nil {
			stop()
			return nil, err
		}
	}
	w, err := StartWebhook(ctx, typed, opts.Host, h)
	if err != nil {
		stop()
		return nil, err
	}
	if err := errors.Join(SeedSwitchProfiles(ctx, dyn), SeedInstallation(ctx, dyn)); err != nil {
		stop()
		_ = w.Stop(ctx)
		return nil, err
	}
	StartVPCInfos(runCtx, dyn, opts.Fabric)
	s := &StandIn{webhook: w, stop: stop, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = RunAgents(runCtx, dyn, AgentOptions{Delay: opts.AgentDelay})
	}()
	return s, nil
}

// Stop unregisters the webhook and stops the agents.
func (s *StandIn) Stop(ctx context.Context) error {
	s.stop()
	<-s.done
	return s.webhook.Stop(ctx)
}

// InstallCRDs installs the CRDs of kinds (derived from their declarations)
// and waits until they are served. CRDs that exist are left as they are.
func InstallCRDs(ctx context.Context, dyn dynamic.Interface, ks ...*kinds.Kind) error {
	api := dyn.Resource(crds.GVR)
	for _, k := range ks {
		crd := k.CRD()
		if _, err := api.Create(ctx, crd, metav1.CreateOptions{FieldManager: "hedgehog-stand-in"}); err != nil && !apierrors.IsAlreadyExists(err) {
			return fmt.Errorf("installing the CRD %s: %w", crd.GetName(), err)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	for _, k := range ks {
		name := k.CRD().GetName()
		for {
			u, err := api.Get(ctx, name, metav1.GetOptions{})
			if err == nil {
				if ok, _ := crds.Established(u); ok {
					break
				}
			}
			if ctx.Err() != nil {
				return errors.Join(fmt.Errorf("the CRD %s was not established in time", name), err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	return nil
}
