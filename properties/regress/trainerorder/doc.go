// Package trainerorder holds, as regression tests, the reproducers of two
// trainer mistakes that no trainer property killed (../shared/repro/go/trainerorder,
// copied word for word): a shuffler seeded afresh at every epoch, killed
// now by EpochOrder, and a full batch run as mini-batches of 16, killed now
// because the trainer properties draw up to DefaultMaxTrainSamples = 40
// samples. Each test fails if its mistake survives. The zoo holds both
// mistakes too (reseed-epoch and full-as-mini).
package trainerorder
