// Package zoo holds trainers with one planted mistake each in the update
// rule, and runs the trainer properties of package properties against
// them: a property suite that cannot tell these from the real trainer is
// not worth running.
//
// [Mutants] lists them; [Run] reports which properties kill each one.
// [Correct] is the same trainer without a mistake, the control: it must
// pass every property, so that a kill is the mistake's doing.
package zoo
