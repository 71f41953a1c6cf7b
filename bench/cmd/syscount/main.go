//go:build linux

// Command syscount counts the system calls of one file operation of tempfs
// and of its peers, as strace sees them.
//
//	syscount OP          performs OP once between two marker syscalls
//	syscount -table      runs itself under strace for every OP and prints
//	                     a markdown table of the counts
//	syscount -trace OP   prints OP's syscalls in order, as strace shows them
//
// OP runs on a goroutine locked to its OS thread, after one unmarked
// warm-up run, with the target file already present (so every write
// replaces a file). Only that thread's syscalls between the markers (a
// failing lstat of "/syscount-begin" and "/syscount-end") are counted;
// the strace filter is %file,%desc,fsync,fdatasync and the rename calls,
// minus mmap/munmap (heap growth, not file work).
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/google/renameio/v2"
	"github.com/natefinch/atomic"
	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/bench/internal/seq"
)

var osFs = afero.NewOsFs()

var data = bytes.Repeat([]byte("0123456789abcdef"), 4096/16)

// op is one operation on the file target (which exists).
type op struct {
	name, desc string
	run        func(target string) error
}

var ops = []op{
	{"tempfs.WriteFile", "durable (default)", func(t string) error { return tempfs.WriteFile(osFs, t, data, 0o600) }},
	{"tempfs.WriteFile+NoSync", "atomic, not durable", func(t string) error {
		return tempfs.WriteFile(osFs, t, data, 0o600, tempfs.NoSync())
	}},
	{"tempfs.WriteFile+StaticPerms", "durable, exact mode 0666", func(t string) error {
		return tempfs.WriteFile(osFs, t, data, 0o600, tempfs.WithStaticPermissions(0o666))
	}},
	{"tempfs.WriteReader", "durable, 4 KiB stream", func(t string) error {
		return tempfs.WriteReader(osFs, t, seq.NewGenReader(int64(len(data))), 0o600)
	}},
	{"minimal", "hand-written durable sequence", func(t string) error {
		return seq.MinimalReplace(t, func(f *os.File) error { _, err := f.Write(data); return err }, true)
	}},
	{"renameio.WriteFile", "file fsync, no dir fsync", func(t string) error { return renameio.WriteFile(t, data, 0o600) }},
	{"renameio.WriteFile+dirsync", "durable", func(t string) error {
		if err := renameio.WriteFile(t, data, 0o600); err != nil {
			return err
		}
		return seq.SyncDir(filepath.Dir(t))
	}},
	{"natefinch/atomic.WriteFile", "file fsync, no dir fsync", func(t string) error { return atomic.WriteFile(t, bytes.NewReader(data)) }},
	{"os.WriteFile", "not atomic, not durable", func(t string) error { return os.WriteFile(t, data, 0o600) }},
	{"tempfs.CreateTemp", "create+close+remove", func(t string) error {
		f, err := tempfs.CreateTemp(osFs, filepath.Dir(t), "x-*")
		if err != nil {
			return err
		}
		return errors.Join(f.Close(), os.Remove(f.Name()))
	}},
	{"os.CreateTemp", "create+close+remove", func(t string) error {
		f, err := os.CreateTemp(filepath.Dir(t), "x-*")
		if err != nil {
			return err
		}
		return errors.Join(f.Close(), os.Remove(f.Name()))
	}},
	{"afero.TempFile(OsFs)", "create+close+remove", func(t string) error {
		f, err := afero.TempFile(osFs, filepath.Dir(t), "x-*")
		if err != nil {
			return err
		}
		return errors.Join(f.Close(), os.Remove(f.Name()))
	}},
}

const (
	beginMarker = "/syscount-begin"
	endMarker   = "/syscount-end"
)

// Filter is the strace expression used for every count.
const Filter = "trace=%file,%desc,fsync,fdatasync,rename,renameat,renameat2"

func main() {
	table := flag.Bool("table", false, "run every op under strace and print a markdown table")
	trace := flag.Bool("trace", false, "run the op under strace and print its syscalls")
	flag.Parse()
	var err error
	switch {
	case *table:
		err = printTable(os.Stdout)
	case *trace && flag.NArg() == 1:
		var calls []string
		if calls, err = straceOp(flag.Arg(0)); err == nil {
			fmt.Println(strings.Join(calls, "\n"))
		}
	case flag.NArg() == 1:
		err = runOp(flag.Arg(0))
	default:
		err = errors.New("usage: syscount [-table | [-trace] OP]")
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "syscount:", err)
		os.Exit(1)
	}
}

func findOp(name string) (op, error) {
	for _, o := range ops {
		if o.name == name {
			return o, nil
		}
	}
	return op{}, fmt.Errorf("unknown op %q", name)
}

// runOp performs the op once unmarked and once between the markers, on
// one locked OS thread.
func runOp(name string) error {
	o, err := findOp(name)
	if err != nil {
		return err
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	dir, err := os.MkdirTemp("", "syscount-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	warm, target := filepath.Join(dir, "warm"), filepath.Join(dir, "target")
	for _, t := range []string{warm, target} {
		if err := os.WriteFile(t, []byte("old"), 0o600); err != nil {
			return err
		}
	}
	if err := o.run(warm); err != nil {
		return err
	}
	_, _ = os.Lstat(beginMarker)
	err = o.run(target)
	_, _ = os.Lstat(endMarker)
	return err
}

// straceOp runs this program under strace for one op and returns the
// marked thread's syscalls between the markers, as "name(args) = ret".
func straceOp(name string) ([]string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	out, err := os.CreateTemp("", "syscount-*.strace")
	if err != nil {
		return nil, err
	}
	out.Close()
	defer os.Remove(out.Name())
	cmd := exec.Command("strace", "-f", "-qq", "-o", out.Name(), "-e", Filter, self, name)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("strace %s: %w", name, err)
	}
	f, err := os.Open(out.Name())
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return Cut(f)
}

var lineRE = regexp.MustCompile(`^(\d+)\s+(.*)$`)

// Cut returns the calls of the thread that made the begin marker, between
// the markers, from strace -f -o output. An interrupted call counts once
// (its "unfinished" half); signal lines, mmap and munmap are dropped.
func Cut(r io.Reader) ([]string, error) {
	var (
		tid    string
		calls  []string
		inside bool
	)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := lineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if !inside && strings.Contains(m[2], `"`+beginMarker+`"`) {
			tid, inside = m[1], true
			continue
		}
		if !inside || m[1] != tid || strings.HasPrefix(m[2], "<...") || strings.HasPrefix(m[2], "---") || strings.HasPrefix(m[2], "+++") {
			continue
		}
		if strings.Contains(m[2], `"`+endMarker+`"`) {
			return calls, nil
		}
		if n := SyscallName(m[2]); n == "mmap" || n == "munmap" {
			continue
		}
		calls = append(calls, m[2])
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return nil, errors.New("markers not found in strace output")
}

// SyscallName is the name of the call in a strace line.
func SyscallName(call string) string {
	name, _, _ := strings.Cut(call, "(")
	return name
}

func printTable(w io.Writer) error {
	counts := make([]map[string]int, len(ops))
	cols := map[string]bool{}
	for i, o := range ops {
		calls, err := straceOp(o.name)
		if err != nil {
			return err
		}
		counts[i] = map[string]int{}
		for _, c := range calls {
			n := SyscallName(c)
			counts[i][n]++
			cols[n] = true
		}
	}
	names := make([]string, 0, len(cols))
	for n := range cols {
		names = append(names, n)
	}
	sort.Strings(names)
	// The most telling columns first.
	first := []string{"openat", "write", "fsync", "close", "renameat", "renameat2", "rename", "unlinkat", "newfstatat", "fchmod", "fchmodat"}
	sort.SliceStable(names, func(a, b int) bool {
		ia, ib := slices.Index(first, names[a]), slices.Index(first, names[b])
		if ia < 0 {
			ia = len(first)
		}
		if ib < 0 {
			ib = len(first)
		}
		return ia < ib
	})
	fmt.Fprintf(w, "| operation | what | total | %s |\n", strings.Join(names, " | "))
	fmt.Fprintf(w, "|---|---|---:|%s\n", strings.Repeat("---:|", len(names)))
	for i, o := range ops {
		total := 0
		cells := make([]string, len(names))
		for j, n := range names {
			total += counts[i][n]
			cells[j] = fmt.Sprint(counts[i][n])
		}
		fmt.Fprintf(w, "| %s | %s | %d | %s |\n", o.name, o.desc, total, strings.Join(cells, " | "))
	}
	return nil
}
