package provider

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// recorder is a provider server that keeps the context of its last call.
type recorder struct {
	tfprotov6.ProviderServer
	ctx   context.Context
	block chan struct{} // when set, a call waits for its context to end
}

func (r *recorder) ReadResource(ctx context.Context, _ *tfprotov6.ReadResourceRequest) (*tfprotov6.ReadResourceResponse, error) {
	r.ctx = ctx
	if r.block != nil {
		close(r.block)
		<-ctx.Done()
	}
	return &tfprotov6.ReadResourceResponse{}, nil
}

type key struct{}

func TestPerCallContexts(t *testing.T) {
	rec := &recorder{}
	s := perCall{rec}
	caller := context.WithValue(context.Background(), key{}, "the caller's logger")
	if _, err := s.ReadResource(caller, &tfprotov6.ReadResourceRequest{}); err != nil {
		t.Fatal(err)
	}
	if rec.ctx.Value(key{}) != nil {
		t.Error("the call's context carries the caller's values (which the framework would keep until the provider stops)")
	}
	if rec.ctx.Err() == nil {
		t.Error("the call's context did not end with the call")
	}

	// Terraform cancels a call (Ctrl-C, StopProvider): the call sees it.
	rec.block = make(chan struct{})
	caller, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		_, _ = s.ReadResource(caller, &tfprotov6.ReadResourceRequest{})
		close(done)
	}()
	<-rec.block
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("cancelling the caller's context did not end the call's")
	}
}
