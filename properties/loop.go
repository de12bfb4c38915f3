package properties

import (
	"fmt"
	"reflect"

	"github.com/gradcheck/gradcheck/backprop"
)

// Loop is a training loop written over a model type M of the user's own,
// with [backprop.Train]'s semantics (see the trainer properties): it
// trains m on d as s says and applies every update by calling step on the
// update's batch, once per update. It takes its step as an argument
// because a test cannot otherwise see the updates of a loop over a
// concrete type; production code passes the model's own step:
//
//	h, err := train(m, d, s, m.sgd)
type Loop[M any] func(m M, d *backprop.Dataset, s *backprop.TrainSettings, step func(eta float64, b backprop.Batch) error) (backprop.History, error)

// LoopOf returns the [Trainer] that runs loop with the user's step on the
// user's model: the trainer properties check a loop over the user's own
// type, not a rewrite of it against backprop.Model.
//
// The model the trainer properties train is the factory's Subject.Model,
// which must be an M. The parameters go in and out through M's own
// SetParams and ParamsTo: each call of step(m, η, b) that returns no error
// is one update, on b's rows (which must be rows of the dataset the loop
// was given), to the parameters m.ParamsTo reads after it. Updates the
// loop makes without step are not seen, and the properties then fail it.
// A loop that sums one-sample gradients itself runs under
// [Settings.Tolerance] = [Accumulated].
//
// Called on an M outside the properties, the trainer runs loop with step
// as it is. It panics if the model is not an M.
func LoopOf[M backprop.Model](loop Loop[M], step func(m M, eta float64, b backprop.Batch) error) Trainer {
	if loop == nil || step == nil {
		panic("properties: LoopOf: nil loop or step")
	}
	return func(model backprop.Model, d *backprop.Dataset, s *backprop.TrainSettings) (backprop.History, error) {
		r, watched := model.(*recorder)
		if watched {
			model = r.m
		}
		m, ok := model.(M)
		if !ok {
			panic(fmt.Sprintf("properties: LoopOf: the model is a %T; the loop takes a %v", model, reflect.TypeFor[M]()))
		}
		return loop(m, d, s, func(eta float64, b backprop.Batch) error {
			if err := step(m, eta, b); err != nil {
				return err
			}
			if watched {
				r.stepped(b, m)
			}
			return nil
		})
	}
}
