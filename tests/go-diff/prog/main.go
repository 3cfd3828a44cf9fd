// Minimal program for the Go side of the differential check: main does
// nothing, so the runtime's boot path is all there is to observe.
package main

func main() {}
