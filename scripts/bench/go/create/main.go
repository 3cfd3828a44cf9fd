// Goroutine create + run + exit, per goroutine: the work of Go's own
// BenchmarkCreateGoroutines (runtime/proc_test.go:666-690 in go1.22.12, procs = 1): a
// chain in which each goroutine starts the next one and returns; the last one signals
// main on a channel. Timed here with time.Now, since our runtime cannot run `go test`.
//
//	create [N [ROUNDS]]   one untimed warm-up round of N/10, then ROUNDS timed rounds of N
//
// Prints one line per timed round: "create n=N ns=ELAPSED". Ours:
// runtime-i386/examples/bench_create.rs.
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func round(n int) time.Duration {
	c := make(chan bool)
	var f func(n int)
	f = func(n int) {
		if n == 0 {
			c <- true
			return
		}
		go f(n - 1)
	}
	t0 := time.Now()
	go f(n)
	<-c
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
		fmt.Printf("create n=%d ns=%d\n", n, round(n).Nanoseconds())
	}
}
