// Command terraform-provider-hedgehog is the hedgehog Terraform provider.
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	rdebug "runtime/debug"
	"runtime/pprof"
	"strings"

	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/generate"
	"github.com/hedgehog-terraform/terraform-provider-hedgehog/internal/provider"
)

// version is set by the release build (goreleaser's -X main.version=…).
var version = "dev"

func main() {
	// Terraform starts providers without arguments; `generate` is for people.
	if len(os.Args) > 1 && os.Args[1] == "generate" {
		os.Exit(generate.Main(os.Args[2:], os.Stdout, os.Stderr))
	}
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider for a debugger (delve) and print its reattach configuration")
	flag.Parse()

	opts := provider.Options{LogsOff: quietSDKLogs()}
	collectLess()
	defer profile()()
	if err := provider.Serve(version, opts, debug); err != nil {
		log.Fatal(err)
	}
}

// collectLess lets the heap grow to five times what is live before the
// garbage collector runs (GOGC=400), unless GOGC says otherwise. A provider
// process lives for one Terraform command, and the plugin framework's
// per-attribute work allocates several times each resource's size on every
// call: at the default (100) collection took a quarter of the provider's CPU
// time in a plan of 1300 resources; at 400, a tenth, for about 60 MB more
// peak memory there.
func collectLess() {
	if os.Getenv("GOGC") == "" {
		rdebug.SetGCPercent(400)
	}
}

// profile writes a CPU profile of this process into the directory named by
// HEDGEHOG_CPUPROFILE, for performance work (see the README).
func profile() (stop func()) {
	dir := os.Getenv("HEDGEHOG_CPUPROFILE")
	if dir == "" {
		return func() {}
	}
	f, err := os.Create(filepath.Join(dir, fmt.Sprintf("cpu-%d.pprof", os.Getpid())))
	if err != nil {
		log.Printf("HEDGEHOG_CPUPROFILE: %v", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		log.Printf("HEDGEHOG_CPUPROFILE: %v", err)
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}

// quietSDKLogs turns the plugin SDK's own logging off unless some TF_LOG*
// variable asks for logs. Those loggers default to TRACE and write JSON lines
// for every RPC, which the CLI throws away when nobody asked for them: about
// half of a framework provider's per-resource cost. TF_LOG=TRACE (or any
// other TF_LOG* setting) still gets every line.
func quietSDKLogs() bool {
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "TF_LOG") && name != "TF_LOG_PATH" {
			return false
		}
	}
	for _, name := range []string{"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK", "TF_LOG_PROVIDER"} {
		_ = os.Setenv(name, "off")
	}
	return true
}
