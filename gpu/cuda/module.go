package cuda

import (
	"bytes"
	"runtime"
	"unsafe"
)

// CUjit_option values used by LoadModule.
const (
	jitInfoLogBuffer       = 3
	jitInfoLogBufferBytes  = 4
	jitErrorLogBuffer      = 5
	jitErrorLogBufferBytes = 6
	jitLogBytes            = 16 << 10
)

// Module is a loaded PTX module. It belongs to the context that loaded it and stays
// loaded until Unload or Context.Close.
type Module struct {
	h uintptr
}

// Function is a kernel entry point of a loaded module.
type Function struct {
	h    uintptr
	name string
}

// Name returns the kernel's name.
func (f Function) Name() string { return f.name }

// LoadModule JIT-compiles PTX for the device and loads it. A PTX ISA version newer than
// the driver supports returns an error wrapping [ErrUnavailable]; a compilation failure
// returns an [*Error] whose Log holds the compiler's messages.
func (t *Thread) LoadModule(ptx []byte) (*Module, error) {
	t.mustBeActive()
	major, minor, err := PTXVersion(ptx)
	if err != nil {
		return nil, err
	}
	if need, ok := PTXDriverVersion(major, minor); ok && t.ctx.version < need {
		return nil, unavailableErr(nil, "PTX ISA %d.%d needs driver %s, have %s",
			major, minor, versionString(need), versionString(t.ctx.version))
	}

	image := cString(ptx)
	errLog := make([]byte, jitLogBytes)
	infoLog := make([]byte, jitLogBytes)
	// The option values are pointer-sized: buffer addresses, and sizes cast to
	// pointers. The driver overwrites the sizes with the number of bytes written.
	// The buffers are pinned so that their addresses, stored as uintptr, stay valid.
	var pin runtime.Pinner
	defer pin.Unpin()
	pin.Pin(&errLog[0])
	pin.Pin(&infoLog[0])
	opts := []int32{jitErrorLogBuffer, jitErrorLogBufferBytes, jitInfoLogBuffer, jitInfoLogBufferBytes}
	vals := []uintptr{
		uintptr(unsafe.Pointer(&errLog[0])), uintptr(len(errLog)),
		uintptr(unsafe.Pointer(&infoLog[0])), uintptr(len(infoLog)),
	}
	var h uintptr
	r := t.drv.CuModuleLoadDataEx(&h, &image[0], uint32(len(opts)), &opts[0], &vals[0])
	runtime.KeepAlive(image)
	if r != success {
		e := t.drv.newError("cuModuleLoadDataEx", r)
		e.Log = logText(errLog, vals[1])
		if r == CodeUnsupportedPTXVersion {
			return nil, unavailableErr(e, "driver %s cannot load PTX ISA %d.%d",
				versionString(t.ctx.version), major, minor)
		}
		return nil, e
	}
	m := &Module{h: h}
	t.modules[m] = true
	return m, nil
}

// logText returns the text the JIT wrote into buf, whose used length it reported as n
// (a count that may or may not include the terminating NUL).
func logText(buf []byte, n uintptr) string {
	if n > uintptr(len(buf)) {
		n = uintptr(len(buf))
	}
	b := buf[:n]
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(bytes.TrimSpace(b))
}

// Function looks up a kernel entry point by its (extern "C") name.
func (t *Thread) Function(m *Module, name string) (Function, error) {
	t.mustBeActive()
	if !t.modules[m] {
		panic("cuda: Function of a module not loaded in this context")
	}
	var h uintptr
	if err := t.drv.check("cuModuleGetFunction("+name+")", t.drv.CuModuleGetFunction(&h, m.h, name)); err != nil {
		return Function{}, err
	}
	return Function{h: h, name: name}, nil
}

// Unload unloads a module; its functions become invalid.
func (t *Thread) Unload(m *Module) error {
	t.mustBeActive()
	if !t.modules[m] {
		panic("cuda: Unload of a module not loaded in this context")
	}
	delete(t.modules, m)
	return t.drv.check("cuModuleUnload", t.drv.CuModuleUnload(m.h))
}
