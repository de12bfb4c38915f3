// Package cudatest opens a real GPU for tests, or skips them when there is none.
//
// Tests that need a GPU call [Open] (or [Require]). Without a usable GPU they are skipped
// with "no GPU: <reason>"; with the environment variable GPU_REQUIRED=1 they fail
// instead, so a run on the GPU machine cannot pass by skipping.
package cudatest
