//! Helpers for the book's tests: build and run the runtime's chapter programs.
