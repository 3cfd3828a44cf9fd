//! What a reader passes to `make` reaches the tools as data, never as shell code, and bad
//! values get a clear message: `make exercise EX='x; touch pwned'` is an unknown exercise.
//! These run from the repository root, as a reader types them; each stops before changing
//! anything (the exercise name is refused first).

use std::path::Path;
use std::process::{Command, Output};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn make(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new("make");
    cmd.current_dir(ROOT).arg("--no-print-directory").args(args);
    for k in ["MAKEFLAGS", "MFLAGS", "MAKELEVEL", "EX", "LAB_TIMEOUT"] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn ex_is_an_exercise_name_never_a_command() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("make-input");
    std::fs::create_dir_all(&dir).unwrap();
    for target in ["exercise", "exercise-reset", "grade", "starter-pack"] {
        let pwned = dir.join(format!("pwned-{target}"));
        let _ = std::fs::remove_file(&pwned);
        let ex = format!("x; touch {}", pwned.display());
        let out = make(&[target, &format!("EX={ex}")], &[]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!pwned.exists(), "make {target} ran the shell command in EX");
        assert_ne!(out.status.code(), Some(0), "make {target}: {err}");
        // starter-pack and grade take a list of names (space or comma separated): `x;` is
        // the first.
        let name = if ["starter-pack", "grade"].contains(&target) {
            "x;"
        } else {
            &ex
        };
        assert!(
            err.contains(&format!("unknown exercise '{name}'")),
            "make {target}: {err}"
        );
    }
}

#[test]
fn a_bad_lab_timeout_is_a_clear_error() {
    for bad in ["abc", "-1", "0", "nan", "inf"] {
        let out = make(&["grade", "EX=slice"], &[("LAB_TIMEOUT", bad)]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("Traceback"), "LAB_TIMEOUT={bad}: {err}");
        assert!(
            err.contains(&format!(
                "lab: error: LAB_TIMEOUT='{bad}' is not a number of seconds"
            )),
            "LAB_TIMEOUT={bad}: {err}"
        );
        assert_eq!(out.status.code(), Some(2), "LAB_TIMEOUT={bad}");
    }
}
