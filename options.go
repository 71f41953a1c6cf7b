package tempfs

import "io/fs"

// An Option changes how [WriteFile], [WriteReader] and [NewPendingFile]
// write. The zero set of options gives an atomic and durable replace that
// replaces a symbolic link at the target rather than writing through it.
type Option interface{ apply(*config) }

type config struct {
	noSync         bool         // skip every fsync: atomic, not durable
	perm           *fs.FileMode // WithPermissions / WithStaticPermissions
	staticPerm     bool         // perm is exact, not before umask
	createParents  bool         // MkdirAll the target's directory
	followSymlinks bool         // replace the file a symlink at the target points to
	allowNonAtomic bool         // remove-then-rename where Rename cannot replace
	noClobber      bool         // create the target only if it does not exist
	// test-only mutations, set from export_test.go
	skipFileSync, skipDirSync bool
	named                     bool // the named protocol even where unnamed files exist
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// NoSync skips the fsync of the file and of its directory. The replace is
// still atomic for readers (they see the old content or the new), but after
// a power loss the target may hold the old content, or on some file systems
// be empty. Use it for caches and other data that can be rebuilt. It also
// lets the write go on over backends that cannot sync (see [Guarantees]).
func NoSync() Option { return optionFunc(func(c *config) { c.noSync = true }) }

// WithExistingPermissions is the default and does nothing; it is kept so
// that code written for earlier versions compiles. An existing target keeps
// its permission bits (exactly, without the umask) and, where the process
// may, its owner: see [WriteFile].
//
// Deprecated: an existing target's mode is kept unless [WithPermissions] or
// [WithStaticPermissions] says otherwise.
func WithExistingPermissions() Option { return optionFunc(func(*config) {}) }

// WithPermissions gives the written file the mode perm before the umask,
// whether or not the target existed (by default an existing target keeps
// its own mode); it overrides the perm argument of [WriteFile] and
// [WriteReader] and the 0o600 of [NewPendingFile]. The owner of an existing
// target is still kept. Of WithPermissions and [WithStaticPermissions], the
// last one given wins.
func WithPermissions(perm fs.FileMode) Option {
	return optionFunc(func(c *config) { c.perm, c.staticPerm = &perm, false })
}

// WithStaticPermissions gives the written file exactly the mode perm,
// ignoring the umask (a chmod after the create), whether or not the target
// existed. Of [WithPermissions] and WithStaticPermissions, the last one
// given wins.
func WithStaticPermissions(perm fs.FileMode) Option {
	return optionFunc(func(c *config) { c.perm, c.staticPerm = &perm, true })
}

// CreateParents creates the target's missing parent directories, with mode
// 0o755 (before umask), instead of failing with fs.ErrNotExist.
func CreateParents() Option { return optionFunc(func(c *config) { c.createParents = true }) }

// FollowSymlinks makes a write to a symbolic link replace the file the link
// points to (following a chain of links, relative ones from the link's
// directory), the way [os.WriteFile] writes through a link; the temp file
// is then created beside that file. Without it, the link itself is replaced
// by a regular file, as rename(2) and renameio do. On an Fs without
// symbolic links it changes nothing.
func FollowSymlinks() Option { return optionFunc(func(c *config) { c.followSymlinks = true }) }

// AllowNonAtomic lets a write go on over a backend whose Rename cannot
// replace an existing file atomically (it reports so through
// [GuaranteeReporter], or its Rename fails with errors.ErrUnsupported): the
// target is removed and the temp file renamed in its place, so a reader or
// a crash in between finds no file at all. Without it, such a write fails
// before anything is written.
func AllowNonAtomic() Option { return optionFunc(func(c *config) { c.allowNonAtomic = true }) }

// NoClobber makes the write create the target only if it does not exist,
// atomically where the backend can: the finished temp file is hard-linked
// to the target (which fails if the target exists) and its temp name
// removed, on [afero.OsFs], [RootFs] and every [HardLinker] (SFTP with the
// hardlink extension); where the temp file is unnamed (see [WriteFile]),
// on Linux also on [afero.BasePathFs] over OsFs, that is a single link; on an [AtomicReplacer] (object storage) the backend
// decides with a conditional write. An existing target is refused before
// anything is written, and one created by someone else while the write
// runs makes the write fail; either way with an error wrapping fs.ErrExist,
// and the target is left as it is. On every other Fs (MemMapFs, BasePathFs,
// CopyOnWriteFs) the last step is a look and a rename, which a concurrent
// creator can race.
func NoClobber() Option { return optionFunc(func(c *config) { c.noClobber = true }) }

// applyOptions returns the config opts make (nil options are skipped).
func applyOptions(opts []Option) config {
	var c config
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}
