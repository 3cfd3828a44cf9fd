// A switch between two goroutines that yield to each other: main and one goroutine each
// call runtime.Gosched N times (run with GOMAXPROCS=1, so that every Gosched is a switch
// to the other one). When the goroutine is done it sets a flag that main, done too, waits
// for by yielding. Switches per round: 2N.
//
//	switch [N [ROUNDS]]   one untimed warm-up round of N/10, then ROUNDS timed rounds
//
// Prints "switch n=N ns=ELAPSED" per timed round. Ours: runtime-i386/examples/bench_switch.rs.
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"
)

func round(n int) time.Duration {
	var done atomic.Bool
	go func() {
		for i := 0; i < n; i++ {
			runtime.Gosched()
		}
		done.Store(true)
	}()
	t0 := time.Now()
	for i := 0; i < n; i++ {
		runtime.Gosched()
	}
	for !done.Load() {
		runtime.Gosched()
	}
	return time.Since(t0)
}

func main() {
	n, rounds := 1000000, 5
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	if len(os.Args) > 2 {
		rounds, _ = strconv.Atoi(os.Args[2])
	}
	round(n/10 + 1)
	for r := 0; r < rounds; r++ {
		fmt.Printf("switch n=%d ns=%d\n", n, round(n).Nanoseconds())
	}
}
