// Package fakeblas is the arithmetic of the fake cuBLAS that gpu/cuda's own tests and
// package fakedriver share: it imports nothing of cuda, so that cuda's in-package tests,
// which cannot import fakedriver (fakedriver imports cuda), can use it too.
package fakeblas
