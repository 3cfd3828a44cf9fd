// CPU-bound work in parallel: main starts one goroutine, each of the two runs half of the
// work (N rounds of a xorshift generator), and main waits for the other half by yielding.
// Run with GOMAXPROCS=1 and =2: the speedup is the ratio. Ours:
// runtime-i386/examples/bench_parallel.rs.
//
//	parallel [N [ROUNDS]]   prints "parallel n=N ns=ELAPSED" per round
package main

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"time"
)

var sink atomic.Uint32

//go:noinline
func work(n int, seed uint32) uint32 {
	x := seed
	for i := 0; i < n; i++ {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
	}
	return x
}

func main() {
	n, rounds := 200000000, 3
	if len(os.Args) > 1 {
		n, _ = strconv.Atoi(os.Args[1])
	}
	if len(os.Args) > 2 {
		rounds, _ = strconv.Atoi(os.Args[2])
	}
	for r := 0; r < rounds; r++ {
		var done atomic.Bool
		t0 := time.Now()
		go func() {
			sink.Add(work(n, 2463534242))
			done.Store(true)
		}()
		sink.Add(work(n, 88172645))
		for !done.Load() {
			runtime.Gosched()
		}
		fmt.Printf("parallel n=%d ns=%d\n", n, time.Since(t0).Nanoseconds())
	}
}
