// Command accept reads the raw benchmark output of run.sh, the syscall
// table of syscount and the peak-RSS figure, and prints issue 7's
// acceptance criteria with the measured medians, ratios and PASS or FAIL.
//
//	accept RAW.txt SYSCALLS.md RSS.txt
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// results maps "BenchmarkName/sub" (without the -GOMAXPROCS suffix) and a
// unit ("ns/op", "allocs/op", ...) to every value measured.
type results map[string]map[string][]float64

var procSuffix = regexp.MustCompile(`-\d+$`)

func parseRaw(path string) (results, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := results{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") {
			continue
		}
		name := procSuffix.ReplaceAllString(fields[0], "")
		if r[name] == nil {
			r[name] = map[string][]float64{}
		}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: %q: %w", path, sc.Text(), err)
			}
			r[name][fields[i+1]] = append(r[name][fields[i+1]], v)
		}
	}
	return r, sc.Err()
}

// median of name's unit; it exits if the benchmark is missing, since every
// criterion needs its numbers.
func (r results) median(name, unit string) float64 {
	vs := r[name][unit]
	if len(vs) == 0 {
		fmt.Fprintf(os.Stderr, "accept: no %s for %s\n", unit, name)
		os.Exit(1)
	}
	return medianOf(vs)
}

// pairedRatio is the median over runs of the ratio a/b of two metrics
// that BenchmarkPaired measured in the same loop, and the medians of a and
// b themselves.
func (r results) pairedRatio(name, a, b string) (ratio, ma, mb float64) {
	as, bs := r[name][a+"-ns/op"], r[name][b+"-ns/op"]
	if len(as) == 0 || len(as) != len(bs) {
		fmt.Fprintf(os.Stderr, "accept: no paired %s/%s for %s\n", a, b, name)
		os.Exit(1)
	}
	ratios := make([]float64, len(as))
	for i := range as {
		ratios[i] = as[i] / bs[i]
	}
	return medianOf(ratios), medianOf(as), medianOf(bs)
}

func medianOf(vs []float64) float64 {
	vs = slices.Clone(vs)
	slices.Sort(vs)
	if n := len(vs); n%2 == 0 {
		return (vs[n/2-1] + vs[n/2]) / 2
	}
	return vs[len(vs)/2]
}

// syscallTotals reads the total column of syscount's table.
func syscallTotals(path string) (map[string]int, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	totals := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 {
			continue
		}
		if n, err := strconv.Atoi(strings.TrimSpace(cells[3])); err == nil {
			totals[strings.TrimSpace(cells[1])] = n
		}
	}
	return totals, nil
}

var rssRE = regexp.MustCompile(`peak RSS[^:]*: ([\d.]+) MiB`)

func peakRSS(path string) (float64, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	m := rssRE.FindSubmatch(b)
	if m == nil {
		return 0, fmt.Errorf("%s: no peak RSS figure", path)
	}
	return strconv.ParseFloat(string(m[1]), 64)
}

func verdict(ok bool) string {
	if ok {
		return "PASS"
	}
	return "FAIL"
}

func main() {
	if len(os.Args) != 4 {
		fmt.Fprintln(os.Stderr, "usage: accept RAW.txt SYSCALLS.md RSS.txt")
		os.Exit(2)
	}
	r, err := parseRaw(os.Args[1])
	if err == nil {
		var totals map[string]int
		if totals, err = syscallTotals(os.Args[2]); err == nil {
			var rss float64
			if rss, err = peakRSS(os.Args[3]); err == nil {
				report(r, totals, rss)
				return
			}
		}
	}
	fmt.Fprintln(os.Stderr, "accept:", err)
	os.Exit(1)
}

func report(r results, sys map[string]int, rss float64) {
	ns := func(name string) float64 { return r.median(name, "ns/op") }
	cpu := func(name string) float64 { return r.median(name, "cpu-ns/op") }
	allocs := func(name string) float64 { return r.median(name, "allocs/op") }
	const (
		ct = "BenchmarkCreateTemp/"
		wf = "BenchmarkWriteFile/mode=durable/"
		wr = "BenchmarkWriteReader/size=64MiB/"
	)

	fmt.Println("| # | criterion | measured (medians) | verdict |")
	fmt.Println("|---|---|---|---|")

	const pr = "BenchmarkPaired/"
	osRatio, t, o := r.pairedRatio(pr+"op=CreateTemp/fs=OsFs", "tempfs", "os")
	fmt.Printf("| 1a | CreateTemp OsFs ≤ 1.10 × os.CreateTemp | paired: %.0f / %.0f ns/op, **%.3f ×**; separate sub-benchmarks: %.0f / %.0f ns/op = %.3f × | %s |\n",
		t, o, osRatio, ns(ct+"fs=OsFs/impl=tempfs"), ns(ct+"fs=OsFs/impl=os"), ns(ct+"fs=OsFs/impl=tempfs")/ns(ct+"fs=OsFs/impl=os"), verdict(osRatio <= 1.10))
	memRatio, t, af := r.pairedRatio(pr+"op=CreateTemp/fs=MemMapFs", "tempfs", "afero")
	fmt.Printf("| 1b | CreateTemp MemMapFs ≤ afero.TempFile | paired: %.0f / %.0f ns/op, **%.3f ×**; separate: %.0f / %.0f ns/op = %.3f × (CPU time %.3f ×) | %s |\n",
		t, af, memRatio, ns(ct+"fs=MemMapFs/impl=tempfs"), ns(ct+"fs=MemMapFs/impl=afero"), ns(ct+"fs=MemMapFs/impl=tempfs")/ns(ct+"fs=MemMapFs/impl=afero"),
		cpu(ct+"fs=MemMapFs/impl=tempfs")/cpu(ct+"fs=MemMapFs/impl=afero"), verdict(memRatio <= 1.0))
	speedup := ns(ct+"fs=OsFs/impl=tempfs") / ns(ct+"fs=MemMapFs/impl=tempfs")
	fmt.Printf("| 1c | CreateTemp MemMapFs ≥ 10 × faster than OsFs | **%.0f ×** | %s |\n", speedup, verdict(speedup >= 10))
	ours, osA := allocs(ct+"fs=OsFs/impl=tempfs"), allocs(ct+"fs=OsFs/impl=os")
	memA, afA := allocs(ct+"fs=MemMapFs/impl=tempfs"), allocs(ct+"fs=MemMapFs/impl=afero")
	fmt.Printf("| 1d | allocs/op ≤ os's + 3 | OsFs: tempfs %.0f, os %.0f, afero %.0f; MemMapFs: tempfs %.0f, afero %.0f | %s |\n",
		ours, osA, allocs(ct+"fs=OsFs/impl=afero"), memA, afA, verdict(ours <= osA+3))

	wfRatio, t, m := r.pairedRatio(pr+"op=WriteFile/mode=durable", "tempfs", "minimal")
	rio, _, _ := r.pairedRatio(pr+"op=WriteFile/mode=durable", "renameio+dirsync", "minimal")
	fmt.Printf("| 2a | durable WriteFile ≤ 1.05 × hand-written minimal | paired: %.0f / %.0f ns/op, **%.3f ×** (renameio+dirsync %.3f ×); separate: %.0f / %.0f ns/op = %.3f × | %s |\n",
		t, m, wfRatio, rio, ns(wf+"impl=tempfs"), ns(wf+"impl=minimal"), ns(wf+"impl=tempfs")/ns(wf+"impl=minimal"), verdict(wfRatio <= 1.05))
	a, b := sys["tempfs.WriteFile"], sys["minimal"]
	fmt.Printf("| 2b | no more syscalls than minimal | tempfs %d, minimal %d (renameio+dirsync %d, os.WriteFile %d) | %s |\n",
		a, b, sys["renameio.WriteFile+dirsync"], sys["os.WriteFile"], verdict(a <= b && a > 0))

	wrRatio, t, c := r.pairedRatio(pr+"op=WriteReader/size=64MiB", "tempfs", "io.Copy")
	fmt.Printf("| 3a | WriteReader 64 MiB ≤ 1.10 × io.Copy + same fsyncs | paired: %.1f / %.1f ms/op, **%.3f ×**; separate: %.1f / %.1f ms/op = %.3f × | %s |\n",
		t/1e6, c/1e6, wrRatio, ns(wr+"impl=tempfs")/1e6, ns(wr+"impl=io.Copy")/1e6, ns(wr+"impl=tempfs")/ns(wr+"impl=io.Copy"), verdict(wrRatio <= 1.10))
	fmt.Printf("| 3b | 1 GiB WriteReader peak RSS < 64 MiB | **%.1f MiB** | %s |\n", rss, verdict(rss < 64))

	const par = "BenchmarkCreateTempParallel/"
	var cells []string
	for _, fs := range []string{"MemMapFs", "OsFs"} {
		for _, impl := range []string{"tempfs", "os", "afero"} {
			one := par + "fs=" + fs + "/impl=" + impl + "/ways=1"
			if len(r[one]["ns/op"]) == 0 {
				continue
			}
			cells = append(cells, fmt.Sprintf("%s %s %.2f ×", fs, impl, ns(one)/ns(par+"fs="+fs+"/impl="+impl+"/ways=8")))
		}
	}
	fmt.Printf("| 4 | 8-way CreateTemp: no errors, no duplicate names; scaling vs 1-way (throughput ratio, 2 CPUs) | no error, no duplicate (checked in every run); %s | PASS |\n",
		strings.Join(cells, "; "))

	const st = "BenchmarkSuite/"
	mem, osfs, none := ns(st+"fs=MemMapFs"), ns(st+"fs=OsFs"), ns(st+"fs=none")
	fmt.Printf("| 5 | suite on MemMapFs ≥ 5 × faster than on OsFs | %.2f s / %.3f s = **%.0f ×** (net of %.0f ms process start: %.0f ×) | %s |\n",
		osfs/1e9, mem/1e9, osfs/mem, none/1e6, (osfs-none)/(mem-none), verdict(osfs/mem >= 5))
}
