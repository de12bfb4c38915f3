// Package regress holds, one directory each, the reproducers of
// ../shared/repro/go: exact inputs where a verdict was once wrong, kept as
// regression tests with their inputs and assertions unchanged (calls to
// renamed API adapted, and said so where they are).
package regress
