// Package tap writes Test Anything Protocol (version 13) output.
//
// It is skiff's own small writer, with the part of the API of
// github.com/mndrix/tap-go that the runtime-tools validation programs call:
// New, Header, Ok, Fail, Pass, Skip, Todo, Diagnostic, Diagnosticf, YAML,
// AutoPlan and Count. tests/conformance/run.sh puts it at that import path
// in its private GOPATH.
package tap

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// T is one TAP stream: a test counter and where the lines go.
type T struct {
	// Writer receives the output; New sets it to os.Stdout.
	Writer io.Writer
	next   *int // shared with the views Todo returns
	todo   bool
}

// New returns a stream that writes to standard output.
func New() *T {
	next := 1
	return &T{Writer: os.Stdout, next: &next}
}

// Todo returns a view of the same stream whose tests carry the TODO
// directive: known not to work yet, so a failure there is not a failure.
func (t *T) Todo() *T {
	todo := *t
	todo.todo = true
	return &todo
}

func (t *T) printf(format string, args ...interface{}) {
	fmt.Fprintf(t.Writer, format, args...)
}

// Header starts the stream; a positive count also prints the plan up front.
func (t *T) Header(count int) {
	t.printf("TAP version 13\n")
	if count > 0 {
		t.printf("1..%d\n", count)
	}
}

// oneLine keeps a description on its test line (TAP descriptions are a
// single line; "#" would start a directive).
func oneLine(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	return strings.ReplaceAll(s, "#", "\\#")
}

// Ok records one test: "ok N - description" if passed, else "not ok".
func (t *T) Ok(passed bool, description string) {
	status := "ok"
	if !passed {
		status = "not ok"
	}
	directive := ""
	if t.todo {
		directive = " # TODO"
	}
	t.printf("%s %d - %s%s\n", status, *t.next, oneLine(description), directive)
	*t.next++
}

// Pass records a passing test.
func (t *T) Pass(description string) { t.Ok(true, description) }

// Fail records a failing test.
func (t *T) Fail(description string) { t.Ok(false, description) }

// Skip records count tests as skipped, each with the reason.
func (t *T) Skip(count int, reason string) {
	for i := 0; i < count; i++ {
		t.printf("ok %d # SKIP %s\n", *t.next, oneLine(reason))
		*t.next++
	}
}

// Diagnostic prints a comment; each line of message gets its own "# ".
func (t *T) Diagnostic(message string) {
	for _, line := range strings.Split(strings.TrimRight(message, "\n"), "\n") {
		t.printf("# %s\n", line)
	}
}

// Diagnosticf is Diagnostic with a format.
func (t *T) Diagnosticf(format string, args ...interface{}) {
	t.Diagnostic(fmt.Sprintf(format, args...))
}

// YAML attaches a structured block to the preceding test. JSON is a subset
// of YAML, so the value is written as indented JSON between the block's
// "---" and "..." markers.
func (t *T) YAML(value interface{}) error {
	body, err := json.MarshalIndent(value, "  ", "  ")
	if err != nil {
		return err
	}
	t.printf("  ---\n  %s\n  ...\n", body)
	return nil
}

// Count is the number of tests recorded so far.
func (t *T) Count() int { return *t.next - 1 }

// AutoPlan prints the plan for the tests recorded so far (for streams whose
// Header had no count).
func (t *T) AutoPlan() {
	t.printf("1..%d\n", t.Count())
}
