// Package tempfstest helps test code that uses tempfs and afero: a
// cross-backend conformance suite for tempfs's own behaviour, fault
// injection, a crash simulator, a leak-checking in-memory Fs and a checker
// of the Fs semantics tempfs relies on.
package tempfstest

import (
	"testing"

	"github.com/spf13/afero"
)

// Backend describes one afero.Fs for [RunSuite].
type Backend struct {
	// Name names the backend in test names, e.g. "MemMapFs".
	Name string
	// New returns a fresh Fs and an existing, empty directory in it where
	// a test may create what it likes. It registers its own cleanup on t.
	New func(t testing.TB) (fsys afero.Fs, dir string)
	// IgnoresPermissions is true for backends that do not enforce
	// permission bits (MemMapFs), so that tests of permission failures
	// are skipped there and only there.
	IgnoresPermissions bool
	// OpsPerWorker, if positive, is how many names each of the 8 workers
	// of the Uniqueness test creates instead of 2,000: for remote backends
	// (an object store) where every create is several network round trips.
	OpsPerWorker int
}

// RunSuite runs every tempfs behaviour test on b, each as a subtest of t.
// A backend's own test file calls it once per Fs it offers.
func RunSuite(t *testing.T, b Backend) {
	t.Helper()
	for _, tc := range append(coreTests(), atomicTests()...) {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, b) })
	}
}

type suiteTest struct {
	name string
	fn   func(t *testing.T, b Backend)
}
