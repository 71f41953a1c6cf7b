package tempfs

// (Named ...ForTest, not TestOnly..., since go vet takes Test* for tests.)
// Test-only mutations of the write protocol, for the crash tests that show
// the crash simulator catches a missing fsync.

// SkipFileSyncForTest drops the fsync of the temp file before the rename.
func SkipFileSyncForTest() Option { return optionFunc(func(c *config) { c.skipFileSync = true }) }

// SkipDirSyncForTest drops the fsync of the directory after the rename.
func SkipDirSyncForTest() Option { return optionFunc(func(c *config) { c.skipDirSync = true }) }

// NamedForTest makes a write use the named protocol (a temp file with a
// name from the start) even where the Fs has unnamed files, so that tests
// and benchmarks can compare the two, or leave a named orphan.
func NamedForTest() Option { return optionFunc(func(c *config) { c.named = true }) }
