package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
)

// TestUpGateway is make demo GATEWAY=1: up -hedgehog -gateway starts the
// stand-in with the fabric running Hedgehog's gateway, so it admits a
// gateway group (the stand-in refuses every gateway object otherwise), and
// says so.
func TestUpGateway(t *testing.T) {
	_, dir, out := upLocal(t, "-hedgehog", "-crds=false", "-gateway")
	if !strings.Contains(out, "gateway on") {
		t.Errorf("up should say the stand-in runs the gateway:\n%s", out)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", filepath.Join(dir, "kubeconfig"))
	if err != nil {
		t.Fatal(err)
	}
	group := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": gateway.GatewayGroup.APIVersion(nil), "kind": gateway.GatewayGroup.Kind,
		"metadata": map[string]any{"name": "default", "namespace": "default"}, "spec": map[string]any{}}}
	_, err = dynamic.NewForConfigOrDie(cfg).Resource(gateway.GatewayGroup.GVR(nil)).Namespace("default").
		Create(context.Background(), group, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("with -gateway the stand-in should admit a gateway group: %v", err)
	}
}
