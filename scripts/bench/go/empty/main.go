// The empty Go program: the whole Go 1.22 boot to an empty main.main, then exit(0).
// The Go side of start-up and peak-memory benchmarks (scripts/bench/bench.sh); ours is
// runtime-i386/examples/empty.rs.
package main

func main() {}
