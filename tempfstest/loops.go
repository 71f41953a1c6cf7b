package tempfstest

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/spf13/afero"
)

// Scenario is a piece of the user's code to prove safe against crashes
// ([Crashes]) and failing calls ([Faults]), the way pebble's vfs and
// errorfs tests read: set the state up, run the code, check what is left.
type Scenario struct {
	// Setup builds the state before Run on a fresh CrashFs (nil: empty).
	// It is made durable before Run starts.
	Setup func(fsys afero.Fs) error
	// Run is the code under test. It runs on a wrapper of the CrashFs
	// whose calls fail from the crash point (or at the fault) on.
	Run func(fsys afero.Fs) error
	// Check says whether a state is acceptable: for Crashes, every crash
	// image; for Faults, the Fs after a Run that met a failing call.
	Check func(fsys afero.Fs) error
	// Retain lists the shares of unsynced state a crash image keeps
	// (see [CrashOptions]); nil means 0, 0.5 and 1.
	Retain []float64
	// Seeds is the number of crash images per retention; 0 means 20.
	Seeds int
}

// ErrInjected is the error of the calls that [Crashes] and [Faults] make fail.
var ErrInjected = errors.New("tempfstest: injected failure")

// Crashes runs s.Run once to count its Fs and File calls (N), then, for
// every k from 0 to N, again on a fresh state with the machine stopped
// before call k (that call and every later one fail), and checks every
// crash image of the simulator with s.Check: for each retention in
// s.Retain and s.Seeds seeds. The image after the uninterrupted run is
// checked too. It returns nil if every image passed, else an error joining
// one line per failing image (k, the call, retention, seed, why).
func Crashes(s Scenario) error {
	n, err := countCalls(s)
	if err != nil {
		return err
	}
	retains, seeds := s.Retain, s.Seeds
	if retains == nil {
		retains = []float64{0, 0.5, 1}
	}
	if seeds <= 0 {
		seeds = 20
	}
	var errs []error
	for k := 0; k <= n; k++ {
		fsys, ff, err := s.start()
		if err != nil {
			return err
		}
		ff.FailFrom(k, ErrInjected)
		rerr := s.Run(ff)
		if k == n && rerr != nil {
			return fmt.Errorf("tempfstest: Run failed without a crash: %w", rerr)
		}
		for _, retain := range retains {
			for seed := range uint64(seeds) {
				img, err := fsys.Crash(CrashOptions{Retain: retain, Seed: seed})
				if err != nil {
					return err
				}
				if cerr := s.Check(img); cerr != nil {
					errs = append(errs, fmt.Errorf("crash before call %d%s, retain %v, seed %d: %w", k, callAt(ff, k), retain, seed, cerr))
				}
			}
		}
	}
	return errors.Join(errs...)
}

// Faults runs s.Run once per Fs or File call k, with call k failing with
// [ErrInjected] (and the others not), and checks the Fs afterwards with
// s.Check. It returns nil if every state passed, else an error joining one
// line per failing call.
func Faults(s Scenario) error {
	n, err := countCalls(s)
	if err != nil {
		return err
	}
	var errs []error
	for k := range n {
		fsys, ff, err := s.start()
		if err != nil {
			return err
		}
		ff.FailAt(k, ErrInjected)
		rerr := s.Run(ff)
		if cerr := s.Check(fsys); cerr != nil {
			errs = append(errs, fmt.Errorf("call %d%s failed (Run returned %v): %w", k, callAt(ff, k), rerr, cerr))
		}
	}
	return errors.Join(errs...)
}

// start builds a fresh CrashFs with s.Setup applied and synced, and a
// FaultFs over it.
func (s Scenario) start() (*CrashFs, *FaultFs, error) {
	fsys := NewCrashFs()
	if s.Setup != nil {
		if err := s.Setup(fsys); err != nil {
			return nil, nil, fmt.Errorf("tempfstest: Setup: %w", err)
		}
	}
	fsys.SyncAll()
	return fsys, NewFaultFs(fsys), nil
}

// countCalls runs s once without failures and returns its number of calls.
func countCalls(s Scenario) (int, error) {
	if s.Run == nil || s.Check == nil {
		return 0, errors.New("tempfstest: Scenario needs Run and Check")
	}
	_, ff, err := s.start()
	if err != nil {
		return 0, err
	}
	if err := s.Run(ff); err != nil {
		return 0, fmt.Errorf("tempfstest: Run failed without a crash: %w", err)
	}
	return ff.Count(), nil
}

// callAt describes call k of ff, if it was made.
func callAt(ff *FaultFs, k int) string {
	calls := ff.Calls()
	if k >= len(calls) {
		return ""
	}
	return fmt.Sprintf(" (%s %s)", calls[k].Op, calls[k].Path)
}

// FileIsOneOf returns a Check that passes when name holds exactly one of
// versions; "" among them also accepts a name that does not exist.
func FileIsOneOf(name string, versions ...string) func(fsys afero.Fs) error {
	return func(fsys afero.Fs) error {
		data, err := afero.ReadFile(fsys, name)
		for _, v := range versions {
			if err == nil && bytes.Equal(data, []byte(v)) || v == "" && errors.Is(err, afero.ErrFileNotFound) {
				return nil
			}
		}
		if err != nil {
			return err
		}
		return fmt.Errorf("%s holds %q, none of %q", name, data, versions)
	}
}
