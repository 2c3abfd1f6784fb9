//! The portable bundle (`scripts/bundle.sh`): built from the tested binary, unpacked into
//! one temporary folder, moved to another, and run on `corpus/` from a third working
//! directory with an empty environment, its output equal byte for byte to the build
//! tree's. About a minute: most of it is compressing libtorch_cpu.so.

mod util;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use util::*;

fn checked(output: Output, what: &str) -> Output {
    assert!(
        output.status.success(),
        "{what} exited {:?}: {}",
        output.status.code(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// Builds the bundle into `dist` and returns the archive.
fn bundle(dist: &Path) -> PathBuf {
    let out = Command::new(project().join("scripts/bundle.sh"))
        .env("CLAIMLINK_SKIP_BUILD", "1")
        .env("CLAIMLINK_BINARY", env!("CARGO_BIN_EXE_claimlink"))
        .env("CLAIMLINK_DIST", dist)
        .output()
        .expect("bundle.sh starts");
    let out = checked(out, "scripts/bundle.sh");
    let archive = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let name = archive.file_name().expect("a file").to_string_lossy();
    let version = env!("CARGO_PKG_VERSION");
    assert_eq!(name, format!("claimlink-{version}-linux-x86_64.tar.gz"));
    archive
}

#[test]
fn the_bundle_runs_moved_from_anywhere_with_no_environment_as_the_build_tree_does() {
    let temp = tempfile::tempdir().expect("tempdir");
    let (dist, unpacked, elsewhere, cwd) = (
        temp.path().join("dist"),
        temp.path().join("unpacked"),
        temp.path().join("elsewhere"),
        temp.path().join("cwd"),
    );
    for dir in [&unpacked, &elsewhere, &cwd] {
        std::fs::create_dir(dir).expect("mkdir");
    }
    let archive = bundle(&dist);
    let tar = Command::new("tar")
        .arg("-xzf")
        .arg(&archive)
        .arg("-C")
        .arg(&unpacked)
        .output()
        .expect("tar starts");
    checked(tar, "tar");
    let name = format!("claimlink-{}-linux-x86_64", env!("CARGO_PKG_VERSION"));
    let home = elsewhere.join("claimlink");
    std::fs::rename(unpacked.join(&name), &home).expect("move the bundle");
    std::fs::remove_dir_all(&unpacked).expect("nothing left where it was unpacked");

    let corpus = corpus();
    let run = |program: &Path, clean: bool| {
        let mut cmd = Command::new(program);
        cmd.arg("run").arg(&corpus).arg("--quiet");
        if clean {
            cmd.env_clear().current_dir(&cwd);
        } else {
            cmd.current_dir(project());
        }
        checked(cmd.output().expect("claimlink starts"), "claimlink run").stdout
    };
    let bundled = run(&home.join("claimlink"), true);
    let tree = run(Path::new(env!("CARGO_BIN_EXE_claimlink")), false);
    assert!(!tree.is_empty());
    assert!(
        bundled == tree,
        "the bundle's output differs from the build tree's"
    );

    // It read its own models and libraries, not the build tree's.
    let models = Command::new(home.join("claimlink"))
        .arg("models")
        .env_clear()
        .current_dir(&cwd)
        .output()
        .expect("starts");
    let models = String::from_utf8_lossy(&checked(models, "claimlink models").stdout).to_string();
    let home_text = home.to_string_lossy().to_string();
    assert!(
        models.contains(&format!("{home_text}/models/ner")),
        "{models}"
    );
    assert!(
        models.contains(&format!("base encoder: {home_text}/base")),
        "{models}"
    );
    let ldd = Command::new("ldd")
        .arg(home.join("claimlink"))
        .env_clear()
        .output()
        .expect("ldd starts");
    let ldd = String::from_utf8_lossy(&checked(ldd, "ldd").stdout).to_string();
    for lib in ["libtorch_cpu.so", "libc10.so", "libgomp"] {
        let line = (ldd.lines())
            .find(|l| l.trim_start().starts_with(lib))
            .unwrap_or_else(|| panic!("{lib} not loaded: {ldd}"));
        assert!(line.contains(&format!("{home_text}/lib/")), "{line}");
    }
    // Only what the binary loads: no CUDA part of libtorch.
    let libs: Vec<String> = (std::fs::read_dir(home.join("lib")).expect("lib/"))
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    for absent in ["libtorch_cuda.so", "libc10_cuda.so", "libtorch.so"] {
        assert!(!libs.iter().any(|l| l == absent), "{absent} in {libs:?}");
    }
}
