//! Go-like `print`/`println` and `throw` (print.go, panic.go).
//!
//! Go's print writes each piece straight to standard error with `write`. Ours formats with
//! `core::fmt` into a small buffer on the stack and writes it in one system call.

use crate::base::sys_linux_386::{poll_out, write1, EAGAIN, EINTR};
use core::fmt::{self, Write};

/// A fixed buffer that flushes to a file descriptor when full and when dropped.
pub struct FdWriter<const N: usize> {
    fd: usize,
    len: usize,
    buf: [u8; N],
}

impl<const N: usize> FdWriter<N> {
    pub const fn new(fd: usize) -> Self {
        FdWriter {
            fd,
            len: 0,
            buf: [0; N],
        }
    }
    /// Writes out the buffer, all of it, as Go's (*FD).Write does
    /// (internal/poll/fd_unix.go:366-399): retry on EINTR (fd_unix.go:734-741) and after a
    /// short write; on EAGAIN (a non-blocking fd whose reader is behind) wait until the fd
    /// is writable, where Go waits for its network poller, here with poll(2). Any other
    /// error (EPIPE, EBADF) means no one can read it: the rest is dropped.
    pub fn flush(&mut self) {
        let mut done = 0;
        while done < self.len {
            let n = write1(self.fd, &self.buf[done..self.len]);
            if n > 0 {
                done += n as usize;
            } else if n == -EINTR {
                continue;
            } else if n == -EAGAIN {
                let r = poll_out(self.fd);
                if r < 0 && r != -EINTR {
                    break;
                }
            } else {
                break; // 0 bytes written (Go: io.ErrUnexpectedEOF) or an error
            }
        }
        self.len = 0;
    }

    /// Adds bytes as they are, valid UTF-8 or not (`write_str` takes only `str`).
    pub fn write_bytes(&mut self, s: &[u8]) {
        for &b in s {
            if self.len == N {
                self.flush();
            }
            self.buf[self.len] = b;
            self.len += 1;
        }
    }
}

impl<const N: usize> Write for FdWriter<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.write_bytes(s.as_bytes());
        Ok(())
    }
}

impl<const N: usize> Drop for FdWriter<N> {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Formatted text kept in a fixed buffer (what does not fit is dropped).
pub struct StrBuf<const N: usize> {
    len: usize,
    buf: [u8; N],
}

impl<const N: usize> StrBuf<N> {
    pub const fn new() -> Self {
        StrBuf {
            len: 0,
            buf: [0; N],
        }
    }
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl<const N: usize> Default for StrBuf<N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> Write for StrBuf<N> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let n = s.len().min(N - self.len);
        self.buf[self.len..self.len + n].copy_from_slice(&s.as_bytes()[..n]);
        self.len += n;
        Ok(())
    }
}

/// Writes formatted text to standard error, like Go's `print`.
pub fn print_fmt(args: fmt::Arguments) {
    let mut w = FdWriter::<256>::new(2);
    let _ = w.write_fmt(args);
}

/// Writes formatted text to standard output (the chapter programs' reports).
pub fn stdout_fmt(args: fmt::Arguments) {
    let mut w = FdWriter::<512>::new(1);
    let _ = w.write_fmt(args);
}

/// Go's `print(...)`: formatted text to standard error.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => { $crate::base::print::print_fmt(format_args!($($arg)*)) };
}

/// Go's `println(...)`: formatted text and a newline to standard error.
#[macro_export]
macro_rules! println {
    () => { $crate::base::print::print_fmt(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::base::print::print_fmt(format_args!("{}\n", format_args!($($arg)*))) };
}

/// Formatted text to standard output.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => { $crate::base::print::stdout_fmt(format_args!("{}\n", format_args!($($arg)*))) };
}

/// `throw(s)`: a fatal runtime error (panic.go:1023 throw → fatalthrow). Prints
/// "fatal error: s", the current goroutine, and exits with status 2, as Go does.
#[cold]
pub fn throw(s: &str) -> ! {
    fatal_with(format_args!("{}", s))
}

/// `panic(errorString(s))`, a runtime error: the runtime's own allocations panic like this
/// when a size does not fit (makeslice, growslice). Our runtime has no recover, so as in
/// gopanic (panic.go:730-735) on the system stack, where the runtime allocates, it is
/// "panic on system stack"; on a goroutine it is the panic's message and exit 2 (as Go's
/// fatalpanic, printing the error's text: error.go:77-79 and printpanicval).
#[cold]
pub fn panicErrorString(s: &str) -> ! {
    let gp = crate::base::tls::getg();
    let on_user_g = !gp.is_null() && unsafe { !(*gp).m.is_null() && (*(*gp).m).curg == gp };
    if on_user_g {
        print_fmt(format_args!(
            "panic: runtime error: {}\n\ngoroutine {} [running]:\n",
            s,
            unsafe { (*gp).goid }
        ));
        crate::base::sys_linux_386::runtime_exit(2)
    }
    print_fmt(format_args!(
        "panic: runtime.errorString({})\n",
        GoQuote(s.as_bytes())
    ));
    throw("panic on system stack")
}

/// `throw` with a formatted message.
#[cold]
pub fn fatal_with(args: fmt::Arguments) -> ! {
    print_fmt(format_args!("fatal error: {}\n", args));
    // Name the goroutine that was running, as Go's traceback header does.
    let gp = crate::base::tls::getg();
    // SAFETY: getg() is a live g (or null before TLS), and its m and curg are nil or live.
    unsafe {
        let m = if gp.is_null() {
            core::ptr::null_mut()
        } else {
            (*gp).m
        };
        let cg = if m.is_null() {
            core::ptr::null_mut()
        } else {
            (*m).curg
        };
        if !cg.is_null() {
            print_fmt(format_args!(
                "\ngoroutine {} [{}]:\n",
                (*cg).goid,
                crate::base::runtime2::gstatus_word((*cg).atomicstatus)
            ));
        }
    }
    crate::base::sys_linux_386::runtime_exit(2)
}

/// Bytes shown as Go's `strconv.Quote` / `%q` shows a string (quote.go:31-123): valid
/// printable UTF-8 as it is; `\a \b \f \n \r \t \v`, `\"` and `\\`; other bytes below
/// 0x20, DEL and bytes that are not UTF-8 as `\xNN`; other unprintable runes as `\uNNNN`
/// or `\UNNNNNNNN`. Printable is Go's IsPrint (letters, marks, numbers, punctuation,
/// symbols, ASCII space), which is what `core` knows as printable too (from its Unicode
/// tables, which may be a newer Unicode than Go 1.22's 15.0).
pub struct GoQuote<'a>(pub &'a [u8]);

impl fmt::Display for GoQuote<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_char('"')?;
        for chunk in self.0.utf8_chunks() {
            for c in chunk.valid().chars() {
                match c {
                    '"' | '\\' => write!(f, "\\{}", c)?,
                    '\x07' => f.write_str("\\a")?,
                    '\x08' => f.write_str("\\b")?,
                    '\x0c' => f.write_str("\\f")?,
                    '\n' => f.write_str("\\n")?,
                    '\r' => f.write_str("\\r")?,
                    '\t' => f.write_str("\\t")?,
                    '\x0b' => f.write_str("\\v")?,
                    ' '..='~' => f.write_char(c)?,
                    '\0'..='\x1f' | '\x7f' => write!(f, "\\x{:02x}", c as u32)?,
                    c if is_print(c) => f.write_char(c)?,
                    c if (c as u32) < 0x10000 => write!(f, "\\u{:04x}", c as u32)?,
                    c => write!(f, "\\U{:08x}", c as u32)?,
                }
            }
            for b in chunk.invalid() {
                write!(f, "\\x{:02x}", b)?;
            }
        }
        f.write_char('"')
    }
}

/// Go's `unicode.IsPrint` for a non-ASCII rune: whether `core` leaves it unescaped in a
/// string's debug form when it is not the first character (the first would also be escaped
/// if it were a combining mark, which Go counts as printable).
fn is_print(c: char) -> bool {
    let mut b = [b'a'; 5];
    let n = c.encode_utf8(&mut b[1..]).len();
    match core::str::from_utf8(&b[..1 + n]) {
        Ok(s) => s.escape_debug().nth(1) != Some('\\'),
        Err(_) => false,
    }
}

/// Bytes as a JSON string the way Go's encoding/json writes one (encode.go:956-1026 with
/// Marshal's HTML escaping): UTF-8 as it is; `\"`, `\\`, `\b \f \n \r \t`, other control
/// characters and `< > &` as `\u00XX`; U+2028 and U+2029 escaped; every byte that is not
/// part of valid UTF-8 becomes `\ufffd`, so the output is always valid UTF-8.
pub struct JsonStr<'a>(pub &'a [u8]);

impl fmt::Display for JsonStr<'_> {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_char('"')?;
        for chunk in self.0.utf8_chunks() {
            for c in chunk.valid().chars() {
                match c {
                    '"' | '\\' => write!(f, "\\{}", c)?,
                    '\x08' => f.write_str("\\b")?,
                    '\x0c' => f.write_str("\\f")?,
                    '\n' => f.write_str("\\n")?,
                    '\r' => f.write_str("\\r")?,
                    '\t' => f.write_str("\\t")?,
                    '\0'..='\x1f' | '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => {
                        write!(f, "\\u{:04x}", c as u32)?
                    }
                    c => f.write_char(c)?,
                }
            }
            for _ in chunk.invalid() {
                f.write_str("\\ufffd")?;
            }
        }
        f.write_char('"')
    }
}

/// Called by mcall when g is g0 (proc.go badmcall).
#[no_mangle]
pub extern "C" fn runtime_badmcall() -> ! {
    crate::base::print::throw("runtime: mcall called on m->g0 stack")
}
/// Called by mcall when fn returned (proc.go badmcall2).
#[no_mangle]
pub extern "C" fn runtime_badmcall2() -> ! {
    crate::base::print::throw("runtime: mcall function returned")
}
/// Called by systemstack on a foreign g (stack.go badsystemstack).
#[no_mangle]
pub extern "C" fn runtime_badsystemstack() -> ! {
    crate::base::print::throw("systemstack called from unexpected goroutine")
}
