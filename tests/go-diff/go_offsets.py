# go_offsets.py: print Go 1.22's linux/386 offsets of the runtime fields runtime-i386 uses
# beyond the notes (m.blocked, m.syscalltick, m.preemptGen, m.signalPending,
# schedt.sysmonwait/sysmonnote/sysmonlock/gcwaiting, p.sysmontick's fields), from the DWARF
# of a Go 1.22 linux/386 program:
#   gdb -nx -batch -ex 'source tests/go-diff/go_offsets.py' <a GOARCH=386 go1.22 binary>
# runtime2.rs's go_struct! tables hold the same numbers and assert them at compile time.
import gdb

WANT = {
    "runtime.m": ["procid", "id", "spinning", "blocked", "park", "alllink", "schedlink",
                  "syscalltick", "preemptGen", "signalPending"],
    "runtime.schedt": ["midle", "nmidle", "mnext", "nmsys", "pidle", "npidle", "nmspinning",
                       "needspinning", "gcwaiting", "sysmonwait", "sysmonnote", "sysmonlock"],
    "runtime.p": ["syscalltick", "sysmontick", "m", "preempt"],
    "runtime.sysmontick": ["schedtick", "schedwhen", "syscalltick", "syscallwhen"],
}
for t, fields in WANT.items():
    ty = gdb.lookup_type(t)
    by = {f.name: f for f in ty.fields()}
    for name in fields:
        f = by[name]
        print(f"{t[len('runtime.'):]}.{name} {f.bitpos // 8} {f.type.sizeof}")
    print(f"{t[len('runtime.'):]} size {ty.sizeof}")
