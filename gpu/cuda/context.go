package cuda

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"sync"
)

// Device attributes read by Open (CUdevice_attribute).
const (
	attrMultiprocessorCount = 16
	attrComputeMajor        = 75
	attrComputeMinor        = 76
)

// Context is a device's primary context together with the one OS thread on which all its
// driver calls run. It is safe for concurrent use: calls are serialized.
type Context struct {
	drv     *Driver
	ordinal int
	dev     int32
	name    string
	major   int
	minor   int
	sms     int
	version int

	mu     sync.RWMutex // held for reading during Do, for writing by Close
	closed bool
	work   chan func()
	exited chan struct{}
	t      *Thread
}

// Thread makes driver calls on a context's OS thread. It is handed to the function
// passed to [Context.Do] and is valid only until that function returns.
type Thread struct {
	ctx     *Context
	drv     *Driver
	active  bool              // set while a Do function runs
	allocs  map[uint64]uint64 // live allocations: pointer → bytes
	modules map[*Module]bool  // loaded modules
	blas    *BLAS             // created on first use
	params  *paramBlock       // pinned launch-argument storage
	pinner  runtime.Pinner
}

// Open loads the driver if needed, retains the primary context of the device with the
// given ordinal and starts the context's thread. Close it when done.
func Open(ordinal int) (*Context, error) {
	d, err := load()
	if err != nil {
		return nil, err
	}
	return open(d, ordinal)
}

func open(d *Driver, ordinal int) (*Context, error) {
	n, err := d.deviceCount()
	if err != nil {
		return nil, unavailableErr(err, "cannot count devices")
	}
	if ordinal < 0 || ordinal >= n {
		return nil, unavailableErr(nil, "no device %d: the driver sees %d", ordinal, n)
	}
	c := &Context{drv: d, ordinal: ordinal}
	if c.version, err = d.version(); err != nil {
		return nil, err
	}
	if err := d.check("cuDeviceGet", d.CuDeviceGet(&c.dev, int32(ordinal))); err != nil {
		return nil, err
	}
	var name [256]byte
	if err := d.check("cuDeviceGetName", d.CuDeviceGetName(&name[0], int32(len(name)), c.dev)); err != nil {
		return nil, err
	}
	if i := bytes.IndexByte(name[:], 0); i >= 0 {
		c.name = string(name[:i])
	}
	for _, a := range []struct {
		attr int32
		dst  *int
	}{{attrComputeMajor, &c.major}, {attrComputeMinor, &c.minor}, {attrMultiprocessorCount, &c.sms}} {
		var v int32
		if err := d.check("cuDeviceGetAttribute", d.CuDeviceGetAttribute(&v, a.attr, c.dev)); err != nil {
			return nil, err
		}
		*a.dst = int(v)
	}
	var h uintptr
	if err := d.check("cuDevicePrimaryCtxRetain", d.CuDevicePrimaryCtxRetain(&h, c.dev)); err != nil {
		return nil, err
	}
	c.t = &Thread{ctx: c, drv: d, allocs: map[uint64]uint64{}, modules: map[*Module]bool{}, params: new(paramBlock)}
	c.work = make(chan func())
	c.exited = make(chan struct{})
	ready := make(chan error)
	go c.loop(h, ready)
	if err := <-ready; err != nil {
		return nil, errors.Join(err, d.check("cuDevicePrimaryCtxRelease_v2", d.CuDevicePrimaryCtxRelease_v2(c.dev)))
	}
	return c, nil
}

// loop is the context's goroutine. It stays locked to its OS thread and never unlocks:
// when it returns, the runtime ends the thread, and with it the thread's current context.
func (c *Context) loop(h uintptr, ready chan<- error) {
	runtime.LockOSThread()
	defer close(c.exited)
	if err := c.drv.check("cuCtxSetCurrent", c.drv.CuCtxSetCurrent(h)); err != nil {
		ready <- err
		return
	}
	c.t.pinner.Pin(c.t.params)
	c.t.params.init()
	defer c.t.pinner.Unpin()
	ready <- nil
	for f := range c.work {
		f()
	}
}

// Do runs f on the context's thread and returns its error. A panic in f is re-raised in
// the caller's goroutine. Do returns [ErrClosed] after Close.
func (c *Context) Do(f func(t *Thread) error) error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.closed {
		return ErrClosed
	}
	return c.run(f)
}

// run runs f on the context's thread; the caller holds c.mu.
func (c *Context) run(f func(t *Thread) error) error {
	var (
		err     error
		p       any
		paniced bool
		done    = make(chan struct{})
	)
	c.work <- func() {
		defer close(done)
		defer func() {
			c.t.active = false
			if r := recover(); r != nil {
				p, paniced = r, true
			}
		}()
		c.t.active = true
		err = f(c.t)
	}
	<-done
	if paniced {
		panic(p)
	}
	return err
}

// Close frees every allocation still live, unloads every module, destroys the cuBLAS
// handle, releases the primary context and ends the context's thread. It waits for
// calls in progress. Closing twice is a no-op.
func (c *Context) Close() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil
	}
	c.closed = true
	err := c.run(func(t *Thread) error { return t.release() })
	close(c.work)
	<-c.exited
	return err
}

// release undoes everything the thread holds, in reverse order of acquisition, and
// reports every failure.
func (t *Thread) release() error {
	d := t.drv
	errs := []error{d.check("cuCtxSynchronize", d.CuCtxSynchronize())}
	if t.blas != nil {
		errs = append(errs, t.blas.destroy())
		t.blas = nil
	}
	for m := range t.modules {
		errs = append(errs, t.Unload(m))
	}
	for p := range t.allocs {
		errs = append(errs, t.Free(p))
	}
	errs = append(errs,
		d.check("cuCtxSetCurrent", d.CuCtxSetCurrent(0)),
		d.check("cuDevicePrimaryCtxRelease_v2", d.CuDevicePrimaryCtxRelease_v2(t.ctx.dev)))
	return errors.Join(errs...)
}

// Name returns the device's name, e.g. "NVIDIA H100 80GB HBM3".
func (c *Context) Name() string { return c.name }

// Ordinal returns the device ordinal the context was opened with.
func (c *Context) Ordinal() int { return c.ordinal }

// ComputeCapability returns the device's compute capability, (9, 0) for an H100.
func (c *Context) ComputeCapability() (major, minor int) { return c.major, c.minor }

// Multiprocessors returns the device's number of streaming multiprocessors.
func (c *Context) Multiprocessors() int { return c.sms }

// DriverVersion returns the driver's CUDA version, 1000·major + 10·minor.
func (c *Context) DriverVersion() int { return c.version }

func (c *Context) String() string {
	return fmt.Sprintf("cuda device %d: %s (sm_%d%d, driver %s)", c.ordinal, c.name, c.major, c.minor, versionString(c.version))
}

// mustBeActive panics when t is used outside the function passed to Do.
func (t *Thread) mustBeActive() {
	if !t.active {
		panic("cuda: Thread used outside Context.Do")
	}
}

// Context returns the context t belongs to.
func (t *Thread) Context() *Context { return t.ctx }

// Synchronize waits for all work queued on the context and reports the first fault.
func (t *Thread) Synchronize() error {
	t.mustBeActive()
	return t.drv.check("cuCtxSynchronize", t.drv.CuCtxSynchronize())
}
