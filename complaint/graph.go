package complaint

import (
	"fmt"
	"sort"
	"strings"
)

// Graph returns the transition table as a Mermaid state diagram
// (stateDiagram-v2): one edge per pair of states, labelled with the
// commands that take it, sorted, so the output is stable. Resume edges are
// drawn from waiting to every state a case can wait in.
func Graph() string {
	type edge struct{ from, to State }
	labels := map[edge][]string{}
	add := func(from, to State, cmd CommandKind) {
		e := edge{from, to}
		labels[e] = append(labels[e], cmd.String())
	}
	for _, r := range table {
		if r.to != 0 {
			add(r.from, r.to, r.on)
			continue
		}
		for _, w := range table {
			if w.on == CmdWait {
				add(StateWaiting, w.from, r.on)
			}
		}
	}
	edges := make([]edge, 0, len(labels))
	for e := range labels {
		edges = append(edges, e)
	}
	sort.Slice(edges, func(i, j int) bool {
		if edges[i].from != edges[j].from {
			return edges[i].from < edges[j].from
		}
		return edges[i].to < edges[j].to
	})
	var b strings.Builder
	b.WriteString("stateDiagram-v2\n")
	for s := StateRecorded; s.Valid(); s++ {
		fmt.Fprintf(&b, "    state %q as %s\n", s.String(), nodeID(s))
	}
	for _, e := range edges {
		l := labels[e]
		sort.Strings(l)
		fmt.Fprintf(&b, "    %s --> %s : %s\n", nodeID(e.from), nodeID(e.to), strings.Join(l, ", "))
	}
	for _, s := range []State{StateRejected, StateClosed, StateWithdrawn} {
		fmt.Fprintf(&b, "    %s --> [*]\n", nodeID(s))
	}
	return b.String()
}

func nodeID(s State) string {
	if s == 0 {
		return "[*]"
	}
	return strings.ReplaceAll(s.String(), "-", "_")
}
