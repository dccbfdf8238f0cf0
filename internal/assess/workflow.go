package assess

import (
	"errors"
	"fmt"
)

// State is where an assessment is in its workflow.
type State string

const (
	Draft      State = "draft"
	Submitted  State = "submitted"
	Approved   State = "approved"
	Returned   State = "returned"
	Recognized State = "recognized"
)

// Valid reports whether s is a known state.
func (s State) Valid() bool {
	switch s {
	case Draft, Submitted, Approved, Returned, Recognized:
		return true
	}
	return false
}

// Editable reports whether the ward may still change results.
func (s State) Editable() bool { return s == Draft || s == Returned }

// Action is a step of the workflow.
type Action string

const (
	Submit    Action = "submit"
	Approve   Action = "approve"
	Return    Action = "return"
	Recognize Action = "recognize"
	Reopen    Action = "reopen"
	// Revoke withdraws a recognition (thu hồi), by a decision, with a
	// reason: the file goes back to approved.
	Revoke Action = "revoke"
)

// ErrTransition is returned for a step the workflow does not allow.
var ErrTransition = errors.New("workflow step not allowed")

// Transition returns the state an assessment moves to when action is taken
// from state from. standing is the assessment's current standing: only an
// assessment with every criterion met may be recognised. reason is required
// to return or reopen.
func Transition(from State, action Action, standing Standing, reason string) (State, error) {
	refuse := func(why string) (State, error) {
		return "", fmt.Errorf("%w: %s from %s: %s", ErrTransition, action, from, why)
	}
	switch action {
	case Submit:
		if from.Editable() {
			return Submitted, nil
		}
		return refuse("only a draft or returned assessment can be submitted")
	case Approve:
		if from == Submitted {
			return Approved, nil
		}
		return refuse("only a submitted assessment can be approved")
	case Return:
		if from != Submitted {
			return refuse("only a submitted assessment can be returned")
		}
		if reason == "" {
			return refuse("a reason is required")
		}
		return Returned, nil
	case Recognize:
		if from != Approved {
			return refuse("only an approved assessment can be recognised")
		}
		if !standing.Full() {
			return refuse("not every criterion is met")
		}
		return Recognized, nil
	case Revoke:
		if from != Recognized {
			return refuse("only a recognised assessment can have its recognition revoked")
		}
		if reason == "" {
			return refuse("a reason is required")
		}
		return Approved, nil
	case Reopen:
		if from.Editable() {
			return refuse("the assessment is already open for the ward")
		}
		if reason == "" {
			return refuse("a reason is required")
		}
		return Draft, nil
	}
	return refuse("unknown action")
}
