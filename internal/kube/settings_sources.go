package kube

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Each reader below takes a setting from the configuration or, when it was
// left out, from its environment variables, and records where it came from.

func (r *Resolved) isPending(name string) bool { return slices.Contains(r.pending, name) }

func (r *Resolved) set(name string) bool { _, ok := r.Source[name]; return ok }

func (r *Resolved) str(name string, v *string, env ...string) string {
	switch {
	case r.isPending(name):
		return ""
	case v != nil:
		r.Source[name] = "the " + name + " attribute"
		return *v
	}
	for _, e := range env {
		if s := r.getenv(e); s != "" {
			r.Source[name] = "the environment variable " + e
			return s
		}
	}
	return ""
}

func (r *Resolved) boolean(name string, v *bool, env string) bool {
	switch {
	case r.isPending(name):
		return false
	case v != nil:
		r.Source[name] = "the " + name + " attribute"
		return *v
	}
	s := r.getenv(env)
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		r.problem(name, ErrEnvironment, "%s=%q must be true or false.", env, s)
	}
	r.Source[name] = "the environment variable " + env
	return b
}

func int64Ptr(v *int64) *float64 {
	if v == nil {
		return nil
	}
	f := float64(*v)
	return &f
}

func (r *Resolved) number(name string, v *float64, env string, def float64) float64 {
	switch {
	case r.isPending(name):
		return def
	case v != nil:
		return *v
	}
	s := r.getenv(env)
	if s == "" {
		return def
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f < 0 {
		r.problem(name, ErrEnvironment, "%s=%q must be a non-negative number.", env, s)
		return def
	}
	return f
}

func (r *Resolved) duration(name string, v *string, env string, def time.Duration) time.Duration {
	s := r.str(name, v, env)
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		r.problem(name, ErrDuration, "%s (from %s) is %q; it must be a positive duration such as 30s or 2m.", name, r.Source[name], s)
	}
	return d
}

func (r *Resolved) exec(given *ExecSettings) *ExecSettings {
	if r.isPending("exec") {
		return nil
	}
	if given != nil {
		out := *given
		if out.APIVersion == "" {
			out.APIVersion = ExecAPIVersions[0]
		}
		r.Source["exec"] = "the exec attribute"
		return &out
	}
	command := r.getenv("KUBE_EXEC_COMMAND")
	if command == "" {
		return nil
	}
	out := &ExecSettings{Command: command, APIVersion: r.getenv("KUBE_EXEC_API_VERSION")}
	if out.APIVersion == "" {
		out.APIVersion = ExecAPIVersions[0]
	}
	for _, v := range []struct {
		env    string
		target any
	}{{"KUBE_EXEC_ARGS", &out.Args}, {"KUBE_EXEC_ENV", &out.Env}} {
		if raw := r.getenv(v.env); raw != "" {
			if err := json.Unmarshal([]byte(raw), v.target); err != nil {
				r.problem("exec", ErrEnvironment,
					"%s must be JSON (a list of strings for KUBE_EXEC_ARGS, an object of strings for KUBE_EXEC_ENV): %v", v.env, err)
			}
		}
	}
	r.Source["exec"] = "the environment variables KUBE_EXEC_*"
	return out
}

// configPaths picks the kubeconfig files: config_path, config_paths,
// KUBE_CONFIG_PATH, KUBE_CONFIG_PATHS, then KUBECONFIG, whose missing files
// are skipped as kubectl skips them.
func (r *Resolved) configPaths(g Given) []string {
	var paths []string
	if g.ConfigPath != nil && g.ConfigPaths != nil {
		r.Source["config_paths"] = "the config_paths attribute"
	}
	switch {
	case r.isPending("config_path") || r.isPending("config_paths"):
	case g.ConfigPath != nil:
		paths = []string{*g.ConfigPath}
		r.Source["config_path"] = "the config_path attribute"
	case g.ConfigPaths != nil:
		r.pathsField = "config_paths"
		paths = slices.Clone(g.ConfigPaths)
		r.Source["config_paths"] = "the config_paths attribute"
	case r.getenv("KUBE_CONFIG_PATH") != "":
		paths = []string{r.getenv("KUBE_CONFIG_PATH")}
		r.Source["config_path"] = "the environment variable KUBE_CONFIG_PATH"
	case r.getenv("KUBE_CONFIG_PATHS") != "":
		r.pathsField = "config_paths"
		paths = filepath.SplitList(r.getenv("KUBE_CONFIG_PATHS"))
		r.Source["config_paths"] = "the environment variable KUBE_CONFIG_PATHS"
	case r.getenv("KUBECONFIG") != "":
		r.pathsField = "config_paths"
		for _, p := range filepath.SplitList(r.getenv("KUBECONFIG")) {
			if _, err := os.Stat(expandHome(p)); err == nil {
				paths = append(paths, p)
			}
		}
		r.Source["config_paths"] = "the environment variable KUBECONFIG"
		if len(paths) == 0 {
			r.problem("config_paths", ErrNoKubeconfig, "None of the files in KUBECONFIG=%q exists.", r.getenv("KUBECONFIG"))
		}
	}
	for i, p := range paths {
		paths[i] = expandHome(p)
	}
	return paths
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, strings.TrimPrefix(p, "~"))
		}
	}
	return p
}
