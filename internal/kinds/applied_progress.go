package kinds

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/types"
)

// AgentState is what one Agent says about the configuration of its switch:
// the controller's part (spec and generation) and the switch agent's
// (status).
type AgentState struct {
	UID            types.UID
	Generation     int64
	LastAttemptGen int64
	LastAttemptAt  string
	LastAppliedGen int64
	Heartbeat      string
	RunID          string // a new one each time the switch agent starts
	Version        string // the switch agent's version
	Applied        string // the Applied condition's status: True, False, Unknown or ""
	Message        string // the Applied condition's message
	Spec           map[string]any
}

// ReadAgent reads an Agent object.
func ReadAgent(u *unstructured.Unstructured) AgentState {
	s := AgentState{UID: u.GetUID(), Generation: u.GetGeneration()}
	s.LastAttemptGen, _, _ = unstructured.NestedInt64(u.Object, "status", "lastAttemptGen")
	s.LastAttemptAt, _, _ = unstructured.NestedString(u.Object, "status", "lastAttemptTime")
	s.LastAppliedGen, _, _ = unstructured.NestedInt64(u.Object, "status", "lastAppliedGen")
	s.Heartbeat, _, _ = unstructured.NestedString(u.Object, "status", "lastHeartbeat")
	s.RunID, _, _ = unstructured.NestedString(u.Object, "status", "runID")
	s.Version, _, _ = unstructured.NestedString(u.Object, "status", "version")
	s.Spec, _, _ = unstructured.NestedMap(u.Object, "spec")
	conds, _, _ := unstructured.NestedSlice(u.Object, "status", "conditions")
	for _, c := range conds {
		if m, ok := c.(map[string]any); ok && m["type"] == "Applied" {
			s.Applied, _ = m["status"].(string)
			s.Message, _ = m["message"].(string)
		}
	}
	return s
}

// carries tells whether an Agent's spec holds object name of kind k as spec
// says it is now (spec nil: holds no object of that name). Hedgehog copies
// an object's spec into the Agent, sometimes with more beside it (a VPC
// attachment's annotations): the entry is compared on the object's own
// fields, those the kind declares and those the object has.
func (r *AppliedRule) carries(k *Kind, agentSpec map[string]any, name string, spec map[string]any) bool {
	var entry any
	switch {
	case r.AgentMap != "":
		objs, _ := agentSpec[r.AgentMap].(map[string]any)
		entry = objs[name]
	case r.AgentOwn != "":
		entry = agentSpec[r.AgentOwn]
	default:
		return true // the Agents do not carry the kind: only the generation counts
	}
	got, present := entry.(map[string]any)
	if spec == nil {
		return !present
	}
	if !present {
		return false
	}
	fields := map[string]bool{}
	for _, a := range k.Spec {
		fields[a.JSON] = true
	}
	for f := range spec {
		fields[f] = true
	}
	for f := range fields {
		if !Equivalent(got[f], spec[f]) {
			return false
		}
	}
	return true
}

// verdict is what one look at a switch's Agent tells a wait.
type verdict int

const (
	waiting  verdict = iota // not yet
	done                    // the switch has applied the change
	failed                  // the switch agent failed to apply it
	vanished                // the Agent the wait followed is gone
)

// agentProgress follows one switch's Agent through a wait. Hedgehog's
// controller raises an Agent's generation whenever anything the switch
// carries changes, so the generation that matters is the first one that
// carries the change: once the switch agent has applied that generation or a
// later one, it has applied the change, however busy the fabric.
type agentProgress struct {
	uid  types.UID // the Agent first seen: another one means the switch was re-created
	from int64     // the first generation seen carrying the change; 0: none yet
	// The switch agent writes lastAttemptGen before it applies a
	// generation; when applying fails it exits, and on its restart (a new
	// runID) resets lastAttemptGen and lastAppliedGen to what it last
	// applied. An attempt at from or later followed by a restart of the
	// same version (an upgrade restarts it too) is a failed apply.
	attempt        int64
	attemptRun     string
	attemptVersion string
}

// observe takes one look at the Agent (nil: there is none) and says what it
// means for the wait; for a failure, why. carries tells whether the Agent's
// spec carries the change; removal is a wait for a deleted object.
func (p *agentProgress) observe(a *AgentState, carries, removal bool) (verdict, string) {
	if a == nil || (p.uid != "" && a.UID != p.uid) {
		switch {
		case removal:
			return done, "" // the switch is gone: there is nothing left to remove from it
		case p.uid == "":
			// Not registered yet: the fabric controller creates the Agent
			// right after the Switch, and a switch of the fabric has one.
			return waiting, ""
		}
		return vanished, ""
	}
	p.uid = a.UID
	if p.from == 0 {
		if !carries {
			return waiting, "" // the controller has not passed the change on yet
		}
		p.from = a.Generation
	}
	if a.LastAppliedGen >= p.from {
		return done, ""
	}
	if p.attemptRun != "" && a.RunID != p.attemptRun {
		if a.Version == p.attemptVersion {
			return failed, fmt.Sprintf("its agent stopped while applying generation %d and restarted (run %s, now %s) without "+
				"applying it, which is how Hedgehog's switch agent fails to apply a configuration; its Applied condition says %q",
				p.attempt, p.attemptRun, a.RunID, a.Message)
		}
		p.attemptRun = "" // upgraded and restarted: it tries again
	}
	if a.LastAttemptGen >= p.from && p.attemptRun == "" && a.RunID != "" {
		p.attempt, p.attemptRun, p.attemptVersion = a.LastAttemptGen, a.RunID, a.Version
	}
	return waiting, ""
}

// describe says where a pending switch is, for the message of a timeout.
func (p *agentProgress) describe(a *AgentState, carries bool) string {
	heartbeat := a.Heartbeat
	if heartbeat == "" {
		heartbeat = "never"
	}
	from := p.from
	if from == 0 {
		from = a.Generation
	}
	var state string
	switch {
	case p.from == 0 && !carries:
		state = fmt.Sprintf("the controller has not passed the change to its agent yet (generation %d)", a.Generation)
	case a.LastAttemptGen > a.LastAppliedGen:
		state = fmt.Sprintf("applied generation %d, trying generation %d since %s (the change is in generation %d)",
			a.LastAppliedGen, a.LastAttemptGen, a.LastAttemptAt, from)
	default:
		state = fmt.Sprintf("applied generation %d of %d (the change is in generation %d)", a.LastAppliedGen, a.Generation, from)
	}
	out := fmt.Sprintf("%s, last heartbeat %s", state, heartbeat)
	if a.Message != "" {
		out += fmt.Sprintf(", Applied %s: %s", a.Applied, a.Message)
	}
	return out
}
