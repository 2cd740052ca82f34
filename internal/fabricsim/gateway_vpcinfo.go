package fabricsim

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/dynamic/dynamicinformer"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/util/workqueue"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/gateway"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/meta"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/hedgehog/vpc"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/kinds"
)

var vpcInfoBehaviour = Behaviour{
	Kind: gateway.VPCInfo,
	Cross: func(_ context.Context, s *Store, u *unstructured.Unstructured) error {
		if !s.Fabric.GatewayEnabled {
			return Bare(errors.New("gateway support is not enabled"))
		}
		var info vpcInfoSpec
		if err := decodeSpec(Spec(u), &info); err != nil {
			return Bare(err)
		}
		if info.VNI == 0 {
			return Bare(errors.New("VPCInfo VNI must be set and non-zero"))
		}
		for _, name := range slices.Sorted(maps.Keys(info.Subnets)) {
			if sn := info.Subnets[name]; sn != nil {
				if _, err := netip.ParsePrefix(sn.CIDR); err != nil {
					return Bare(fmt.Errorf("invalid CIDR %s for subnet %s: %w", sn.CIDR, name, err))
				}
			}
		}
		return nil
	},
}

// VPCInfoFieldManager is the simulated controller's name in managedFields.
const VPCInfoFieldManager = "hedgehog-vpcinfo-controller"

// StartVPCInfos runs, when the fabric enables the gateway, the part of
// Hedgehog's controller that writes VPCInfo until ctx ends: one per VPC (its
// name, its subnets) and one per External (`ext.<name>`, the one subnet
// `external: 0.0.0.0/0`), each owned by its VPC or External (the garbage
// collector deletes it with them), with a VNI and, once written, the
// status.internalID that makes it ready.
func StartVPCInfos(ctx context.Context, client dynamic.Interface, fabric FabricConfig) {
	if fabric.GatewayEnabled {
		go func() { _ = runVPCInfos(ctx, client) }()
	}
}

func runVPCInfos(ctx context.Context, client dynamic.Interface) error {
	factory := dynamicinformer.NewFilteredDynamicSharedInformerFactory(client, 0, meta.Namespace, nil)
	queue := workqueue.NewTypedDelayingQueue[string]()
	defer queue.ShutDown()
	stores := map[*kinds.Kind]cache.Store{}
	for _, k := range []*kinds.Kind{vpc.VPC, vpc.External, gateway.VPCInfo} {
		inf := factory.ForResource(k.GVR(nil)).Informer()
		if _, err := inf.AddEventHandler(cache.ResourceEventHandlerFuncs{
			AddFunc:    func(any) { queue.Add("sync") },
			UpdateFunc: func(any, any) { queue.Add("sync") },
			DeleteFunc: func(any) { queue.Add("sync") },
		}); err != nil {
			return err
		}
		stores[k] = inf.GetStore()
	}
	factory.Start(ctx.Done())
	factory.WaitForCacheSync(ctx.Done())
	go func() {
		<-ctx.Done()
		queue.ShutDown()
	}()
	for {
		key, shutdown := queue.Get()
		if shutdown {
			return ctx.Err()
		}
		if err := syncVPCInfos(ctx, client.Resource(gateway.VPCInfo.GVR(nil)).Namespace(meta.Namespace), stores); err != nil &&
			ctx.Err() == nil {
			queue.AddAfter(key, retryAfter)
		}
		queue.Done(key)
	}
}

// retryAfter is how soon a failed sync runs again.
const retryAfter = 500 * time.Millisecond

// syncVPCInfos makes the VPCInfos what the VPCs and Externals say.
func syncVPCInfos(ctx context.Context, api dynamic.ResourceInterface, stores map[*kinds.Kind]cache.Store) error {
	have := map[string]*unstructured.Unstructured{}
	used := map[int64]bool{}
	for _, o := range stores[gateway.VPCInfo].List() {
		u, ok := o.(*unstructured.Unstructured)
		if !ok {
			continue
		}
		have[u.GetName()] = u
		if vni, ok := meta.Int(Spec(u), "vni"); ok {
			used[vni] = true
		}
	}
	var errs []error
	for _, k := range []*kinds.Kind{vpc.VPC, vpc.External} {
		for _, o := range stores[k].List() {
			owner, ok := o.(*unstructured.Unstructured)
			if !ok || owner.GetDeletionTimestamp() != nil {
				continue
			}
			errs = append(errs, writeVPCInfo(ctx, api, owner, have, used))
		}
	}
	return errors.Join(errs...)
}

// writeVPCInfo creates or updates the VPCInfo of a VPC or an External, and
// marks it ready.
func writeVPCInfo(ctx context.Context, api dynamic.ResourceInterface, owner *unstructured.Unstructured,
	have map[string]*unstructured.Unstructured, used map[int64]bool) error {
	name, subnets := owner.GetName(), map[string]any{}
	if owner.GetKind() == "External" {
		name = "ext." + name
		subnets["external"] = map[string]any{"cidr": "0.0.0.0/0"}
	} else {
		vpcSubnets, _ := meta.Map(Spec(owner), "subnets")
		for sn, v := range vpcSubnets {
			subnet, _ := v.(map[string]any)
			cidr, _ := meta.Str(subnet, "subnet")
			subnets[sn] = map[string]any{"cidr": cidr}
		}
	}
	current := have[name]
	var vni int64
	if current != nil {
		vni, _ = meta.Int(Spec(current), "vni")
	}
	if vni == 0 {
		for vni = 100; used[vni]; vni += 100 {
		}
		used[vni] = true
	}
	spec := map[string]any{"vni": vni, "subnets": subnets}
	ref := []any{map[string]any{"apiVersion": owner.GetAPIVersion(), "kind": owner.GetKind(), "name": owner.GetName(),
		"uid": string(owner.GetUID()), "controller": true, "blockOwnerDeletion": true}}
	var err error
	switch {
	case current == nil:
		u := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": gateway.VPCInfo.APIVersion(nil), "kind": "VPCInfo",
			"metadata": map[string]any{"name": name, "namespace": meta.Namespace, "ownerReferences": ref},
			"spec":     spec,
		}}
		current, err = api.Create(ctx, u, metav1.CreateOptions{FieldManager: VPCInfoFieldManager})
	case !reflect.DeepEqual(jsonForm(Spec(current)), jsonForm(spec)):
		u := current.DeepCopy()
		u.Object["spec"] = spec
		current, err = api.Update(ctx, u, metav1.UpdateOptions{FieldManager: VPCInfoFieldManager})
	}
	if err != nil {
		if apierrors.IsAlreadyExists(err) || apierrors.IsConflict(err) {
			return err // the cache is behind: the next sync sees it
		}
		return fmt.Errorf("writing VPCInfo %s: %w", name, err)
	}
	if id, _, _ := unstructured.NestedString(current.Object, "status", "internalID"); id == "" {
		u := current.DeepCopy()
		_ = unstructured.SetNestedField(u.Object, fmt.Sprintf("v%04x", vni), "status", "internalID")
		_, err = api.UpdateStatus(ctx, u, metav1.UpdateOptions{FieldManager: VPCInfoFieldManager})
	}
	return err
}

// jsonForm compares specs whatever their numbers' Go types (fmt prints
// maps in key order, and int and int64 alike).
func jsonForm(v any) string { return fmt.Sprint(v) }
