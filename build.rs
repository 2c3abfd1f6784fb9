// Lets the binary, tests and benches find libtorch at run time without LD_LIBRARY_PATH:
// LIBTORCH (set in .cargo/config.toml) points at the project-local CPU libtorch.
fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    if let Ok(libtorch) = std::env::var("LIBTORCH") {
        println!("cargo:rustc-link-arg=-Wl,-rpath,{libtorch}/lib");
    }
}
