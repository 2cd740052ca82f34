// Command execplugin is a client-go credential plugin for the acceptance
// tests: it prints an ExecCredential with the token read from a file, and
// appends a line to a log file so that tests can tell it ran.
//
//	execplugin -token-file PATH [-log PATH]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
)

func main() {
	tokenFile := flag.String("token-file", "", "file holding the bearer token")
	logFile := flag.String("log", "", "file to append one line to per run")
	flag.Parse()
	token, err := os.ReadFile(*tokenFile)
	if err != nil {
		fmt.Fprintln(os.Stderr, "execplugin:", err)
		os.Exit(1)
	}
	if *logFile != "" {
		f, err := os.OpenFile(*logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
		if err == nil {
			_, _ = fmt.Fprintf(f, "ran with KUBERNETES_EXEC_INFO=%t\n", os.Getenv("KUBERNETES_EXEC_INFO") != "")
			_ = f.Close()
		}
	}
	_ = json.NewEncoder(os.Stdout).Encode(map[string]any{
		"apiVersion": "client.authentication.k8s.io/v1",
		"kind":       "ExecCredential",
		"status":     map[string]any{"token": strings.TrimSpace(string(token))},
	})
}
