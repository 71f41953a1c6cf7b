// Package bench measures tempfs side by side with the standard library,
// afero's helpers, google/renameio and natefinch/atomic. It is a separate
// module so that the peers stay out of tempfs's own go.mod. Everything is
// in _test.go files and cmd/syscount; run ./run.sh to reproduce
// BENCHMARKS.md.
package bench
