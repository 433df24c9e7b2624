package kg

import (
	"errors"
	"fmt"
)

// Code classifies an error for the edges of the program: the GraphQL layer
// puts it in extensions.code, the CLI in its exit message.
type Code string

const (
	Invalid         Code = "BAD_USER_INPUT"
	NotFound        Code = "NOT_FOUND"
	Conflict        Code = "CONFLICT"
	Unauthenticated Code = "UNAUTHENTICATED"
	Forbidden       Code = "FORBIDDEN"
	Unavailable     Code = "UNAVAILABLE"
	Internal        Code = "INTERNAL"
	// Overloaded: Neo4j answers, but every connection the API may use is
	// busy; retry shortly. Unavailable is kept for Neo4j being away.
	Overloaded Code = "OVERLOADED"
	// RateLimited: the client has spent its budget; retry after the time
	// the answer names.
	RateLimited Code = "RATE_LIMITED"
)

// Error is an error with a code and a message that is safe to show to a
// client. The wrapped cause is for logs only.
type Error struct {
	Code    Code
	Message string
	Err     error
	// Saved says, for an error of a write, whether the change was saved;
	// the zero value means it was not.
	Saved Saved
}

// Saved is what a client that got an error from a write may know of its
// change.
type Saved string

const (
	NotSaved    Saved = ""        // nothing was written
	MaybeSaved  Saved = "UNKNOWN" // the commit was sent and its answer lost
	SavedAnyway Saved = "YES"     // the change was saved; what failed came after
)

// SavedOf returns what err says of its write's change.
func SavedOf(err error) Saved {
	var e *Error
	if errors.As(err, &e) {
		return e.Saved
	}
	return NotSaved
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an *Error that keeps err as its cause.
func Wrap(code Code, err error, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, or Internal.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// ErrorMessage returns the client-safe message of err: the message of its
// *Error, or a generic one for anything else, whose text may leak internals.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}
