// N live goroutines (default 10,000): main starts N goroutines that each count themselves
// started and then yield until main sets a flag; main yields until all N have started (so
// that all N exist at once), sets the flag and waits, yielding, until all have finished.
// The driver reads the process's peak RSS from wait4. Prints
// "live n=N started=S finished=F". Ours: runtime-i386/examples/bench_live.rs.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
)

func main() {
	n := 10000
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	var started, finished atomic.Int32
	var stop atomic.Bool
	for i := 0; i < n; i++ {
		go func() {
			started.Add(1)
			for !stop.Load() {
				runtime.Gosched()
			}
			finished.Add(1)
		}()
	}
	for started.Load() < int32(n) {
		runtime.Gosched()
	}
	stop.Store(true)
	for finished.Load() < int32(n) {
		runtime.Gosched()
	}
	fmt.Printf("live n=%d started=%d finished=%d\n", n, started.Load(), finished.Load())
}
