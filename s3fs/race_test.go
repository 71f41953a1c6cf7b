package s3fs_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/s3fs"
)

// raceChild serves commands on stdin, one line each, answering one line:
//
//	prep persist NAME  create a temp file beside NAME, write to it: "ready"
//	go                 PersistNoClobber it to NAME: "win", "exist" or "error ..."
//	prep excl NAME     nothing to prepare: "ready"
//	go                 OpenFile(NAME, O_CREATE|O_EXCL), write, close: same answers
func raceChild() int {
	c := clientFor(os.Getenv(childEndpoint), clientOpts{})
	fsys := s3fs.New(c, os.Getenv(childBucket))
	in := bufio.NewScanner(os.Stdin)
	var kind, name string
	var f *tempfs.File
	answer := func(err error) {
		switch {
		case err == nil:
			fmt.Println("win")
		case errors.Is(err, fs.ErrExist):
			fmt.Println("exist")
		default:
			fmt.Println("error", strings.ReplaceAll(err.Error(), "\n", " "))
		}
	}
	for in.Scan() {
		fields := strings.Fields(in.Text())
		switch fields[0] {
		case "prep":
			kind, name = fields[1], fields[2]
			var err error
			if kind == "persist" {
				f, err = tempfs.NewFile(fsys, path.Dir(name), "race-*")
				if err == nil {
					_, err = f.WriteString("from " + fmt.Sprint(os.Getpid()))
				}
			}
			if err != nil {
				answer(err)
				continue
			}
			fmt.Println("ready")
		case "go":
			var err error
			if kind == "persist" {
				err = f.PersistNoClobber(name)
				f.Close()
			} else {
				var file io.WriteCloser
				file, err = fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
				if err == nil {
					_, err = io.WriteString(file, "from "+fmt.Sprint(os.Getpid()))
					err = errors.Join(err, file.Close())
				}
			}
			answer(err)
		}
	}
	return 0
}

type raceProc struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Scanner
}

func (p *raceProc) send(t *testing.T, line string) {
	t.Helper()
	_, err := io.WriteString(p.in, line+"\n")
	require.NoError(t, err)
}

func (p *raceProc) recv(t *testing.T) string {
	t.Helper()
	require.True(t, p.out.Scan(), "child died: %v", p.out.Err())
	return p.out.Text()
}

// TestNoClobberRaceProcesses: 8 processes, each with its own client,
// race PersistNoClobber (and, separately, an exclusive create) to one
// key, 100 rounds each: exactly one wins every round, the others get
// fs.ErrExist, and the key holds the winner's content.
func TestNoClobberRaceProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("8 processes x 200 rounds; skipped with -short")
	}
	c := newClient(t, clientOpts{})
	bucket := newBucket(t, c)
	fsys := s3fs.New(c, bucket)
	require.NoError(t, fsys.Mkdir("/race", 0o755))
	procs := make([]*raceProc, 8)
	for i := range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"=race", childEndpoint+"="+server(t).endpoint, childBucket+"="+bucket)
		in, err := cmd.StdinPipe()
		require.NoError(t, err)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		cmd.Stderr = os.Stderr
		require.NoError(t, cmd.Start())
		procs[i] = &raceProc{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	}
	t.Cleanup(func() {
		for _, p := range procs {
			p.in.Close()
			p.cmd.Wait()
		}
	})
	for _, kind := range []string{"persist", "excl"} {
		for round := range 100 {
			name := fmt.Sprintf("/race/%s-%03d", kind, round)
			for _, p := range procs {
				p.send(t, "prep "+kind+" "+name)
			}
			for _, p := range procs {
				require.Equal(t, "ready", p.recv(t))
			}
			for _, p := range procs {
				p.send(t, "go")
			}
			wins, winner := 0, 0
			for _, p := range procs {
				switch got := p.recv(t); got {
				case "win":
					wins++
					winner = p.cmd.Process.Pid
				case "exist":
				default:
					t.Fatalf("%s round %d: %s", kind, round, got)
				}
			}
			require.Equal(t, 1, wins, "%s round %d", kind, round)
			assert.Equal(t, fmt.Sprint("from ", winner), string(readAll(t, fsys, name)), "%s round %d", kind, round)
		}
	}
	d, err := fsys.Open("/race")
	require.NoError(t, err)
	names, err := d.Readdirnames(-1)
	require.NoError(t, err)
	assert.Len(t, names, 200, "temp objects left: %v", names)
}
