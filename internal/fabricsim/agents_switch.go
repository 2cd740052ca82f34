package fabricsim

import (
	"fmt"
	"maps"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/rand"
)

// switchAgent is the simulated agent on one switch, as upstream's
// pkg/agent/agent.go behaves: it keeps the generation it last applied (its
// config file); for a new generation it first reports the attempt
// (lastAttemptGen, Applied=False ApplyPending), applies it for Delay, then
// reports it applied (lastAppliedGen, Applied=True ApplySucceeded). When
// applying fails it exits; restarted, under a new runID, it resets
// lastAttemptGen and lastAppliedGen to the generation it last applied, and
// tries again. It reports a heartbeat every HeartbeatInterval.
type switchAgent struct {
	uid        types.UID // the Agent it runs for: a new Agent is a new switch
	runID      string
	current    int64     // the generation it last applied
	trying     int64     // the generation it is applying; 0: none
	failing    bool      // the generation it is applying fails
	restarting bool      // it failed and is starting again
	until      time.Time // when the apply or the restart ends
	beat       time.Time // its last heartbeat
	status     map[string]any
}

// agentStep is one step of a switch agent: the status to write (nil:
// nothing), the agent as it is once written, and when to look again.
type agentStep struct {
	write map[string]any
	next  switchAgent
	again time.Duration
}

// step moves the agent of Agent a forward at now. failing tells whether the
// switch fails to apply a spec.
func (s switchAgent) step(a *unstructured.Unstructured, now time.Time, delay time.Duration,
	failing func(spec map[string]any) bool) agentStep {
	ts := now.UTC().Format(time.RFC3339)
	if s.uid != a.GetUID() {
		// The agent starts: a new switch, or an Agent re-created. Like a
		// freshly installed switch, it has applied nothing yet.
		s = switchAgent{uid: a.GetUID(), runID: rand.String(10), beat: now}
		s.status, _, _ = unstructured.NestedMap(a.Object, "status")
		s.status = reset(s.status, s.runID, 0, ts)
		return agentStep{write: s.status, next: s}
	}
	status := maps.Clone(s.status)
	switch {
	case s.restarting && !now.Before(s.until):
		s.restarting, s.runID, s.beat = false, rand.String(10), now
		s.status = reset(status, s.runID, s.current, ts)
		return agentStep{write: s.status, next: s}
	case s.trying != 0 && !now.Before(s.until) && s.failing:
		// The agent exits without a word; systemd starts it again.
		s.trying, s.restarting, s.until = 0, true, now.Add(delay)
		return agentStep{next: s, again: delay}
	case s.trying != 0 && !now.Before(s.until):
		status["lastAppliedGen"], status["lastAppliedTime"], status["lastHeartbeat"] = s.trying, ts, ts
		status["conditions"] = applied(status, "True", "ApplySucceeded", fmt.Sprintf("Config applied, gen=%d", s.trying), ts)
		s.current, s.trying, s.beat, s.status = s.trying, 0, now, status
		return agentStep{write: status, next: s}
	case s.trying == 0 && !s.restarting && a.GetGeneration() != s.current:
		gen := a.GetGeneration()
		spec, _, _ := unstructured.NestedMap(a.Object, "spec")
		status["lastAttemptGen"], status["lastAttemptTime"] = gen, ts
		status["conditions"] = applied(status, "False", "ApplyPending", fmt.Sprintf("Config will be applied, gen=%d", gen), ts)
		s.trying, s.failing, s.until, s.status = gen, failing(spec), now.Add(delay), status
		return agentStep{write: status, next: s, again: delay}
	case !s.restarting && now.Sub(s.beat) >= HeartbeatInterval:
		status["lastHeartbeat"] = ts
		s.beat, s.status = now, status
		return agentStep{write: status, next: s, again: HeartbeatInterval}
	}
	again := s.beat.Add(HeartbeatInterval).Sub(now)
	if s.trying != 0 || s.restarting {
		again = s.until.Sub(now)
	}
	return agentStep{next: s, again: max(again, time.Millisecond)}
}

// reset is the status an agent writes when it starts: it has attempted and
// applied the generation it last applied, and keeps the conditions.
func reset(status map[string]any, runID string, current int64, ts string) map[string]any {
	out := map[string]any{"version": SimulatedAgentVersion, "runID": runID, "lastHeartbeat": ts,
		"lastAttemptGen": current, "lastAttemptTime": ts, "lastAppliedGen": current, "lastAppliedTime": ts,
		"state": map[string]any{"nos": map[string]any{"softwareVersion": "simulated", "asicVersion": "vs"}}}
	if conds, ok := status["conditions"]; ok {
		out["conditions"] = conds
	} else {
		out["conditions"] = []any{}
	}
	return out
}

// applied sets the Applied condition, its transition time moving only when
// its status does.
func applied(status map[string]any, cond, reason, message, ts string) []any {
	transition := ts
	old, _ := status["conditions"].([]any)
	var out []any
	for _, c := range old {
		m, ok := c.(map[string]any)
		if !ok || m["type"] != "Applied" {
			out = append(out, c)
			continue
		}
		if m["status"] == cond {
			transition, _ = m["lastTransitionTime"].(string)
		}
	}
	return append(out, map[string]any{"type": "Applied", "status": cond, "reason": reason, "message": message,
		"lastTransitionTime": transition})
}

// failsToApply reads FailApplyAnnotation: "true" fails every spec;
// "<field>/<name>" fails every spec that carries that object.
func failsToApply(annotation string) func(spec map[string]any) bool {
	return func(spec map[string]any) bool {
		if annotation == "true" {
			return true
		}
		field, name, ok := strings.Cut(annotation, "/")
		objs, _ := spec[field].(map[string]any)
		_, carried := objs[name]
		return ok && carried
	}
}
