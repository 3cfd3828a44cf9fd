// main.main's first act is a marker system call, write(2, "main\n", 5), made by the
// built-in print (no package imported, so no package initialisation runs before main:
// package syscall's init, for one, would add a prlimit64), so that `strace -f` shows
// where the runtime's start-up ends. Ours: runtime-i386/examples/bench_marker.rs.
package main

func main() {
	print("main\n")
}
