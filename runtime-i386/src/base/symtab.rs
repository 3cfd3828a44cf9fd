//! Naming code addresses, for the chapter programs' reports (Go: symtab.go findfunc).
//!
//! Go keeps a function table in the binary for tracebacks. We read our own ELF symbol table
//! from /proc/self/exe when a report needs it, and give runtime symbols Go's spelling:
//! `runtime_goexit` is printed `runtime.goexit`, `main_main` is `main.main`.

use crate::base::runtime2::Global;
use crate::base::sys_linux_386::*;

struct Image {
    syms: usize,
    nsyms: usize,
    strs: usize,
}
static IMAGE: Global<Option<Image>> = Global::new(None);
const SYS_lseek: usize = 19;

fn image() -> Option<&'static Image> {
    // SAFETY: IMAGE is written once, on the one thread, before any read hands out a reference.
    unsafe {
        if (*IMAGE.get()).is_none() {
            *IMAGE.get() = load();
        }
        (*IMAGE.get()).as_ref()
    }
}

fn load() -> Option<Image> {
    let fd = open(b"/proc/self/exe\0", 0);
    if fd < 0 {
        return None;
    }
    let size = syscall(SYS_lseek, [fd as usize, 0, 2, 0, 0, 0]);
    let base = if size > 52 {
        mmap(0, size as usize, PROT_READ, MAP_PRIVATE, fd, 0)
    } else {
        -1
    };
    closefd(fd);
    if is_err(base) {
        return None;
    }
    let base = base as usize;
    // SAFETY: base is our own ELF file, mapped whole and read-only above; offsets come from its headers.
    unsafe {
        let rd32 = |off: usize| *((base + off) as *const u32) as usize;
        let rd16 = |off: usize| *((base + off) as *const u16) as usize;
        if rd32(0) != 0x464c_457f {
            return None; // not ELF
        }
        let (shoff, shentsize, shnum) = (rd32(32), rd16(46), rd16(48));
        for i in 0..shnum {
            let sh = shoff + i * shentsize;
            if rd32(sh + 4) == 2 {
                // SHT_SYMTAB; its sh_link is the string table
                let strsh = shoff + rd32(sh + 24) * shentsize;
                return Some(Image {
                    syms: base + rd32(sh + 16),
                    nsyms: rd32(sh + 20) / 16,
                    strs: base + rd32(strsh + 16),
                });
            }
        }
        None
    }
}

/// The symbol containing `pc` and the offset into it, with Go's spelling of runtime names.
pub fn lookup(pc: usize) -> Option<(&'static str, usize)> {
    let img = image()?;
    let mut best: Option<(usize, usize)> = None; // (value, name offset)
    for i in 0..img.nsyms {
        let s = img.syms + i * 16;
        // SAFETY: s is within the symbol table load() found in the mapped file.
        let (name, value, size, info) = unsafe {
            (
                *(s as *const u32) as usize,
                *((s + 4) as *const u32) as usize,
                *((s + 8) as *const u32) as usize,
                *((s + 12) as *const u8),
            )
        };
        let typ = info & 0xf;
        let inside = value <= pc && (pc < value + size || (size == 0 && value == pc));
        if (typ == 2 || typ == 0) && name != 0 && inside && best.is_none_or(|(v, _)| value > v) {
            best = Some((value, name));
        }
    }
    let (value, name) = best?;
    let s = unsafe { crate::base::args::cstr((img.strs + name) as *const u8) };
    Some((core::str::from_utf8(s).ok()?, pc - value))
}

/// Writes the Go spelling of a symbol name: `runtime_x` → `runtime.x`, `main_main` →
/// `main.main`.
pub fn write_go_name(w: &mut dyn core::fmt::Write, name: &str) -> core::fmt::Result {
    if let Some(rest) = name.strip_prefix("runtime_") {
        write!(w, "runtime.{}", rest)
    } else if name == "main_main" {
        w.write_str("main.main")
    } else {
        w.write_str(name)
    }
}

/// Writes `name+off` (or `name`) for pc, or `?` if unknown.
pub fn write_pc(w: &mut dyn core::fmt::Write, pc: usize) -> core::fmt::Result {
    match lookup(pc) {
        Some((name, off)) => {
            write_go_name(w, name)?;
            if off != 0 {
                write!(w, "+{}", off)?;
            }
            Ok(())
        }
        None => w.write_str("?"),
    }
}
