// An idle program: main sleeps SECONDS (default 2) and exits. `make bench` measures the CPU
// time it uses (wait4's ru_utime + ru_stime) against ours: runtime-i386/examples/idle.rs.
//
//	idle [SECONDS]   prints "idle: slept SECONDS s"
package main

import (
	"fmt"
	"os"
	"strconv"
	"time"
)

func main() {
	secs := 2
	if len(os.Args) > 1 {
		secs, _ = strconv.Atoi(os.Args[1])
	}
	time.Sleep(time.Duration(secs) * time.Second)
	fmt.Printf("idle: slept %d s\n", secs)
}
