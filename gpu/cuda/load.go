package cuda

import "sync"

// LibName is the driver library opened on first use.
const LibName = "libcuda.so.1"

// MinDriverVersion is the oldest driver accepted, as cuDriverGetVersion reports it
// (1000·major + 10·minor): CUDA 12.0. A module's PTX may need a newer one; LoadModule
// checks that separately (see [PTXDriverVersion]).
const MinDriverVersion = 12000

// the process-wide driver, loaded once on first use.
var global struct {
	once sync.Once
	drv  *Driver
	err  error
}

// load returns the process-wide driver, opening and initializing it on the first call.
func load() (*Driver, error) {
	global.once.Do(func() {
		d, err := openDriver(LibName)
		if err == nil {
			err = initDriver(d)
		}
		global.drv, global.err = d, err
	})
	if global.err != nil {
		return nil, global.err
	}
	return global.drv, nil
}

// openDriver opens the named library and binds every driver symbol from it.
func openDriver(name string) (*Driver, error) {
	lib, err := openLibrary(name)
	if err != nil {
		return nil, err
	}
	d := &Driver{BLAS: loadBLAS}
	if err := bindSymbols(lib, name, d.symbols()); err != nil {
		return nil, err
	}
	return d, nil
}

// initDriver runs cuInit and checks that the driver is new enough and sees a device.
func initDriver(d *Driver) error {
	if err := d.check("cuInit", d.CuInit(0)); err != nil {
		return unavailableErr(err, "driver initialization failed")
	}
	v, err := d.version()
	if err != nil {
		return unavailableErr(err, "cannot read the driver version")
	}
	if v < MinDriverVersion {
		return unavailableErr(nil, "driver version %s is older than the %s needed",
			versionString(v), versionString(MinDriverVersion))
	}
	n, err := d.deviceCount()
	if err != nil {
		return unavailableErr(err, "cannot count devices")
	}
	if n == 0 {
		return unavailableErr(nil, "the driver sees no device")
	}
	return nil
}

func (d *Driver) version() (int, error) {
	var v int32
	if err := d.check("cuDriverGetVersion", d.CuDriverGetVersion(&v)); err != nil {
		return 0, err
	}
	return int(v), nil
}

func (d *Driver) deviceCount() (int, error) {
	var n int32
	if err := d.check("cuDeviceGetCount", d.CuDeviceGetCount(&n)); err != nil {
		return 0, err
	}
	return int(n), nil
}

// Available loads the driver if it has not been loaded and reports why no GPU can be
// used, or nil if one can. A non-nil error wraps [ErrUnavailable].
func Available() error {
	_, err := load()
	return err
}

// DriverVersion returns the driver's CUDA version, 1000·major + 10·minor (13000 for
// CUDA 13.0).
func DriverVersion() (int, error) {
	d, err := load()
	if err != nil {
		return 0, err
	}
	return d.version()
}

// DeviceCount returns the number of CUDA devices the driver sees.
func DeviceCount() (int, error) {
	d, err := load()
	if err != nil {
		return 0, err
	}
	return d.deviceCount()
}
